// Runs a random program (generate.mjs) on a node:sqlite-like module and returns its trace: one
// entry per operation (its value or the error it threw, serialized), with every callback SQLite
// made interleaved where it happened. The same program gives the same trace on node:sqlite 26 and
// on our DatabaseSync unless they differ; diff.mjs compares traces.
//
// Runs unchanged on Node 20 and Node 26. Never throws: a failed operation is part of the trace.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { serialize } from '../../compat/serialize.mjs';
import { FuzzerBug, makeValue } from '../shared/values.mjs';
import { makeCallback } from './behaviours.mjs';
import { TEMPLATES } from './templates.mjs';

function protoName(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === null ? null : proto.constructor?.name ?? '<anonymous>';
}

// What a value becomes in the trace: handles (databases, statements, iterators, sessions, stores)
// by kind and own keys; everything else in full.
function describe(value, opts) {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
    const kind = protoName(value);
    if (['Database', 'DatabaseSync', 'Statement', 'StatementSync', 'StatementIterator', 'Session', 'SQLTagStore'].includes(kind)) {
      return { $: 'handle', kind, keys: Object.keys(value) };
    }
  }
  if (value instanceof Uint8Array && value.byteLength > 64) {
    return { $: 'bytes', ctor: protoName(value), length: value.byteLength, sha256: digestDatabaseBytes(value) };
  }
  return serialize(value, opts);
}

// serialize() output and changesets are compared by hash. A database image carries the writing
// library's SQLITE_VERSION_NUMBER (header bytes 92..99, "version-valid-for" and the version), which
// differs between Node 26's SQLite and ours: those bytes are zeroed first.
function digestDatabaseBytes(bytes) {
  const copy = Uint8Array.from(bytes);
  if (copy.byteLength >= 100 && Buffer.from(copy.subarray(0, 15)).toString('latin1') === 'SQLite format 3') copy.fill(0, 92, 100);
  return createHash('sha256').update(copy).digest('hex').slice(0, 16);
}

function makeArgs(args) {
  return args.map((arg) => {
    if (arg.v !== undefined) return makeValue(arg.v);
    if (arg.named) {
      const object = arg.nullProto ? Object.create(null) : {};
      for (const [key, valueName] of arg.named) object[key] = makeValue(valueName);
      return object;
    }
    throw new FuzzerBug(`bad argument descriptor ${JSON.stringify(arg)}`);
  });
}

// The behaviour table (behaviours.mjs) a callback option draws from.
const ROLE_OF_OPTION = { rows: 'rows', filter: 'filter', onConflict: 'conflict', start: 'start', step: 'step', result: 'result', inverse: 'inverse' };

// Options objects: { key: valueName } with `$omit` (no argument) or `$value` (a value name in
// place of an object).
function makeOptions(desc, callbacks) {
  if (desc === '$omit') return undefined;
  if (typeof desc === 'string') return makeValue(desc);
  const out = {};
  for (const [key, spec] of Object.entries(desc)) {
    if (typeof spec === 'string') out[key] = makeValue(spec);
    else if ('lit' in spec) out[key] = spec.lit;
    else if (spec.cb) out[key] = callbacks(ROLE_OF_OPTION[key] ?? key, spec.cb, spec.arity);
    else if (spec.obj) out[key] = makeOptions(spec.obj, callbacks);
    else if (spec.columns) out[key] = spec.columns.map((c) => (typeof c === 'string' ? makeValue(c) : { ...c }));
    else throw new FuzzerBug(`bad option spec ${JSON.stringify(spec)}`);
  }
  return out;
}

export async function runProgram(sqlite, program, { dir }) {
  const trace = [];
  const replace = [
    [pathToFileURL(dir).href, 'file://<TMP>'],
    [dir, '<TMP>'],
  ];
  const opts = { replace };
  const dbs = [];
  const stmts = [];
  const iters = [];
  const sessions = [];
  const stores = [];
  const blobs = [];
  const log = (entry) => trace.push(entry);
  const ser = (value) => serialize(value, opts);
  let emptyImage;
  const callbackContext = (d) => ({
    log,
    serialize: ser,
    db: () => dbs[d],
    lastStatement: () => stmts.findLast((s) => s !== undefined),
    lastIterator: () => iters.findLast((i) => i !== undefined),
    lastSession: () => sessions.findLast((x) => x !== undefined),
    emptyImage: () => (emptyImage ??= new sqlite.DatabaseSync(':memory:').serialize()),
  });
  const callbacksFor = (d) => (role, name, arity) => makeCallback(role, name, callbackContext(d), arity);

  const { DatabaseSync } = sqlite;
  const missing = { skipped: 'no such handle' };
  const location = (loc) => {
    if (loc.memory) return ':memory:';
    if (loc.file) return path.join(dir, loc.file);
    if (loc.url) return pathToFileURL(path.join(dir, loc.url));
    if (loc.buffer) return Buffer.from(path.join(dir, loc.buffer));
    if (loc.uri) return `file:${path.join(dir, loc.uri.file)}${loc.uri.query}`;
    return makeValue(loc.value);
  };

  const run = (op) => {
    const db = dbs[op.d];
    const stmt = stmts[op.s];
    switch (op.k) {
      case 'open': {
        const args = [location(op.loc)];
        if (op.opts !== '$omit') args.push(makeOptions(op.opts, callbacksFor(dbs.length)));
        const created = new DatabaseSync(...args);
        dbs.push(created);
        return created;
      }
      case 'db.open': return db.open();
      case 'db.close': return db.close();
      case 'db.dispose': return db[Symbol.dispose]();
      case 'db.prop': return db[op.p];
      case 'db.location': return db.location(...makeArgs(op.args));
      case 'exec': return db.exec(typeof op.sql === 'string' ? op.sql : makeValue(op.sql.v));
      case 'prepare': {
        const sql = typeof op.sql === 'string' ? op.sql : makeValue(op.sql.v);
        const created = op.opts === '$omit' ? db.prepare(sql) : db.prepare(sql, makeOptions(op.opts, callbacksFor(op.d)));
        stmts.push(created);
        return created;
      }
      case 'stmt.call': {
        if (op.m === 'iterate') {
          const it = stmt.iterate(...makeArgs(op.args));
          iters.push(it);
          return it;
        }
        return stmt[op.m](...makeArgs(op.args));
      }
      case 'stmt.prop': return stmt[op.p];
      case 'stmt.columns': return stmt.columns();
      case 'stmt.set': return stmt[op.m](makeValue(op.v));
      case 'stmt.close': return stmt.close();
      case 'stmt.dispose': return stmt[Symbol.dispose]();
      // Counter values depend on SQLite's internals (memused): only their type is compared.
      case 'stmt.stat': return typeof stmt.stat(op.arg.v !== undefined ? makeValue(op.arg.v) : op.arg.s);
      case 'stmt.resetStats': return stmt.resetStats();
      case 'iter.next': return iters[op.i].next();
      case 'iter.return': return iters[op.i].return();
      case 'iter.drain': {
        const out = [];
        for (const row of iters[op.i]) {
          out.push(row);
          if (out.length >= op.max) break;
        }
        return out;
      }
      case 'function': {
        const cb = callbacksFor(op.d);
        const fn = op.fn.cb ? cb('function', op.fn.cb, op.fn.arity) : makeValue(op.fn.v);
        const args = [typeof op.name === 'string' ? op.name : makeValue(op.name.v)];
        if (op.opts !== '$omit') args.push(makeOptions(op.opts, cb));
        if (!op.noFn) args.push(fn);
        if (op.swap && args.length === 3) [args[1], args[2]] = [args[2], args[1]];
        return db.function(...args);
      }
      case 'aggregate': {
        const args = [typeof op.name === 'string' ? op.name : makeValue(op.name.v)];
        if (op.opts !== '$omit') args.push(makeOptions(op.opts, callbacksFor(op.d)));
        return db.aggregate(...args);
      }
      case 'limits.get': return db.limits[op.name];
      case 'limits.set': {
        db.limits[op.name] = makeValue(op.v);
        return db.limits[op.name];
      }
      case 'session': {
        const created = op.opts === '$omit' ? db.createSession() : db.createSession(makeOptions(op.opts));
        sessions.push(created);
        return created;
      }
      case 'session.call': {
        const session = sessions[op.x];
        if (op.m === 'dispose') return session[Symbol.dispose]();
        const result = session[op.m]();
        if (op.m === 'changeset' || op.m === 'patchset') blobs.push(result);
        return result;
      }
      case 'applyChangeset': {
        const changes = op.blob !== undefined ? blobs[op.blob] : makeValue(op.v);
        if (op.blob !== undefined && changes === undefined) return missing;
        return op.opts === '$omit' ? db.applyChangeset(changes) : db.applyChangeset(changes, makeOptions(op.opts, callbacksFor(op.d)));
      }
      case 'tagstore': {
        const created = op.cap === '$omit' ? db.createTagStore() : db.createTagStore(makeValue(op.cap));
        stores.push(created);
        return created;
      }
      case 'tag': {
        const result = TEMPLATES[op.tpl](stores[op.t], op.m, op.vals.map(makeValue));
        if (op.m === 'iterate') return Array.from(result);
        return result;
      }
      case 'store.prop': return stores[op.t][op.p];
      case 'store.clear': return stores[op.t].clear();
      case 'serialize': {
        const result = db.serialize(...makeArgs(op.args));
        blobs.push(result ?? undefined);
        return result;
      }
      case 'deserialize': {
        const bytes = op.blob !== undefined ? blobs[op.blob] : makeValue(op.v);
        if (op.blob !== undefined && bytes === undefined) return missing;
        return op.opts === '$omit' ? db.deserialize(bytes) : db.deserialize(bytes, makeOptions(op.opts));
      }
      case 'defensive': return db.enableDefensive(makeValue(op.v));
      case 'loadExtension': return db.enableLoadExtension(makeValue(op.v));
      case 'authorizer': return db.setAuthorizer(op.fn.cb ? callbacksFor(op.d)('authorizer', op.fn.cb, 5) : makeValue(op.fn.v));
      case 'module': {
        const args = [typeof op.name === 'string' ? op.name : makeValue(op.name.v)];
        if (op.opts !== '$omit') args.push(makeOptions(op.opts, callbacksFor(op.d)));
        return db.createModule(...args);
      }
      default:
        throw new FuzzerBug(`unknown op ${op.k}`);
    }
  };

  const needs = (op) => {
    if (op.d !== undefined && dbs[op.d] === undefined) return false;
    if (op.s !== undefined && stmts[op.s] === undefined) return false;
    if (op.i !== undefined && iters[op.i] === undefined) return false;
    if (op.x !== undefined && sessions[op.x] === undefined) return false;
    if (op.t !== undefined && stores[op.t] === undefined) return false;
    return true;
  };

  for (let index = 0; index < program.ops.length; index++) {
    const op = program.ops[index];
    if (!needs(op)) {
      trace.push(['op', index, missing]);
      continue;
    }
    let entry;
    try {
      entry = { ok: describe(run(op), opts) };
    } catch (error) {
      if (error instanceof FuzzerBug) throw error;
      entry = { threw: serialize(error, opts) };
      // A failed creation still takes its slot, so later operations name the handles the
      // generator meant (and find none).
      const list = { open: dbs, prepare: stmts, session: sessions, tagstore: stores }[op.k]
        ?? (op.k === 'stmt.call' && op.m === 'iterate' ? iters : undefined)
        ?? (op.k === 'serialize' || (op.k === 'session.call' && (op.m === 'changeset' || op.m === 'patchset')) ? blobs : undefined);
      list?.push(undefined);
    }
    trace.push(['op', index, entry]);
  }
  for (const db of dbs) {
    try {
      if (db.isOpen) db.close();
    } catch {
      // a database closed from a callback, or a junk object: nothing to clean up
    }
  }
  return trace;
}

/** Runs `program` in a fresh directory under `base`, removed afterwards. */
export async function runInDir(sqlite, program, base, seed) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(base, `s${seed}-`)));
  // Relative paths (a junk location such as a Uint8Array of odd bytes) land in the seed's folder.
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await runProgram(sqlite, program, { dir });
  } finally {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
