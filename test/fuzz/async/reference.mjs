// The reference for the async contract: an async program run on our DatabaseSync, one call at a
// time, in call order. This file is the contract written as code — what each AsyncDatabase call
// must settle with, given what the same calls on a DatabaseSync give — including the documented
// rules that have no sync counterpart (docs/ASYNC.md, "The contract"):
//
//   - a call that returns a promise rejects where the sync call throws; with(), the statement
//     setters, sourceSQL, isOpen/isTransaction and iterate() are synchronous;
//   - with() validates its options (signal, readBigInts, returnArrays, batchSize); an already
//     aborted signal rejects the call with an AbortError before it runs;
//   - close() twice is harmless; finalize() twice is harmless (as [Symbol.dispose]);
//   - transaction() runs BEGIN <mode> … COMMIT (ROLLBACK when fn throws), nested ones
//     SAVEPOINT strand_savepoint_<depth> … RELEASE (ROLLBACK TO + RELEASE when fn throws);
//   - a cursor (iterate()) prepares and binds at its first next(); it reads rows in batches of 16,
//     doubling up to batchSize (default 1024), each batch read when the call that needs it — or,
//     one batch ahead, the call that takes the first row of the batch before it — is made; every
//     next() first checks the statement (finalized, then re-executed: "iterator was invalidated");
//     a SQLite error ends the cursor after the rows read before it; return() ends it after the
//     calls made before it;
//   - with readers (--readers N), a cursor of a read (read-routing.ts) that starts outside a
//     transaction, before any deserialize(), reads one snapshot: the state of the database when it
//     started, whatever is written while it is open (docs/ASYNC.md, "Parallel readers"). Modelled
//     as the pool does it: on a read-only connection of its own with the functions registered so
//     far, stepped batch by batch.
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serialize } from '../../compat/serialize.mjs';
import { FuzzerBug, makeValue } from '../shared/values.mjs';
import { makeAggregate, makeFunction } from './callbacks.mjs';

const RAW = Symbol('raw error');
const FIRST_BATCH = 16;
const DEFAULT_MAX_BATCH = 1024;

export class AbortError extends Error {
  constructor(options) {
    super('The operation was aborted', options);
    this.code = 'ABORT_ERR';
    this.name = 'AbortError';
  }
}

const typeError = (code, message) => Object.assign(new TypeError(message), { code });
const stateError = (message) => Object.assign(new Error(message), { code: 'ERR_INVALID_STATE' });
const rangeError = (message) => Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' });

/** The signals programs use, by name (fresh per use). */
export function makeSignal(name) {
  if (name === 'live') return new AbortController().signal;
  if (name === 'aborted') {
    const controller = new AbortController();
    controller.abort();
    return controller.signal;
  }
  if (name === 'controller') return new AbortController();
  return makeValue(name);
}

/** with()'s options, built from a program's description (shared by both sides). */
export function makeWithOptions(desc) {
  if (desc === undefined) return undefined;
  if ('$value' in desc) return makeValue(desc.$value);
  const out = {};
  for (const [key, spec] of Object.entries(desc)) out[key] = typeof spec === 'string' ? makeValue(spec) : makeSignal(spec.signal);
  return out;
}

// with(options) as the contract states it: the options object (undefined: none), then signal,
// readBigInts, returnArrays, batchSize.
function checkWithOptions(options) {
  if (options === undefined) return {};
  if ((typeof options !== 'object' || options === null) && typeof options !== 'function') {
    throw typeError('ERR_INVALID_ARG_TYPE', 'The "options" argument must be an object.');
  }
  const { signal, readBigInts, returnArrays, batchSize } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw typeError('ERR_INVALID_ARG_TYPE', 'The "options.signal" argument must be an AbortSignal.');
  }
  for (const [name, value] of [['readBigInts', readBigInts], ['returnArrays', returnArrays]]) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw typeError('ERR_INVALID_ARG_TYPE', `The "options.${name}" argument must be a boolean.`);
    }
  }
  if (batchSize !== undefined) {
    const message = 'The "options.batchSize" argument must be a positive integer.';
    if (typeof batchSize !== 'number') throw typeError('ERR_INVALID_ARG_TYPE', message);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2 ** 31 - 1) throw rangeError(message);
  }
  return { signal, readBigInts, returnArrays, batchSize };
}

export function makeArgs(args) {
  return args.map((arg) => {
    if (arg.v !== undefined) return makeValue(arg.v);
    if (arg.named) {
      const object = {};
      for (const [key, valueName] of arg.named) object[key] = makeValue(valueName);
      return object;
    }
    throw new FuzzerBug(`bad argument ${JSON.stringify(arg)}`);
  });
}

/**
 * open()'s arguments. With `readers` (the fuzzer's --readers, AsyncDatabase only) the database is
 * a file in WAL mode, made so before it opens (`prepareFile`), whatever the program's location.
 */
export function openArgs(op, dir, readers = 0) {
  const location = op.loc === 'memory' && readers === 0 ? ':memory:' : path.join(dir, 'main.db');
  if (op.opts === undefined && readers === 0) return [location];
  const options = {};
  for (const [key, name] of Object.entries(op.opts ?? {})) if (name !== undefined) options[key] = makeValue(name);
  if (readers > 0) options.readers = readers;
  return [location, options];
}

/** Puts the file of a --readers run in WAL mode before the program opens it (both runs do). */
export function prepareFile(sqlite, dir, readers) {
  if (readers === 0) return;
  const file = new sqlite.DatabaseSync(path.join(dir, 'main.db'));
  file.exec('PRAGMA journal_mode = WAL');
  file.close();
}

// The reader pool's routing rule (src/ts/async/read-routing.ts), for placing cursors as it does;
// on the addon's exports once the library is loaded.
const readRouting = () => createRequire(import.meta.url)('node-gyp-build')(fileURLToPath(new URL('../../..', import.meta.url))).readRouting;

export const txSql = (depth, mode) => depth === 0
  ? { begin: `BEGIN ${(mode ?? 'deferred').toUpperCase()}`, commit: 'COMMIT', rollback: 'ROLLBACK' }
  : {
    begin: `SAVEPOINT strand_savepoint_${depth}`,
    commit: `RELEASE strand_savepoint_${depth}`,
    rollback: `ROLLBACK TO strand_savepoint_${depth}; RELEASE strand_savepoint_${depth}`,
  };

export const BODY_THREW = 'transaction body threw';
const SELF_WAIT = "the database is in a transaction: inside the transaction's callback, run statements through its `tx` argument, not the database";
const OPEN_FALSE = 'The "options.open" argument must not be false: AsyncDatabase.open() opens the database.';

/** The bytes a program's deserialize() gets, by name (`serialized`: the last serialize()'s). */
export function makeImage(name, sqlite) {
  if (name === 'junk') return Uint8Array.of(1, 2, 3, 4);
  const source = new sqlite.DatabaseSync(':memory:');
  if (name === 'schema') source.exec("CREATE TABLE t1(a INTEGER PRIMARY KEY, b, c); INSERT INTO t1(b) VALUES ('from image')");
  const bytes = source.serialize();
  source.close();
  return bytes;
}

export function runReference(sqlite, program, { dir, readers = 0 }) {
  const replace = [[pathToFileURL(dir).href, 'file://<TMP>'], [dir, '<TMP>']];
  const ser = (value) => serialize(value, { replace });
  const trace = [];
  const calls = [];
  const log = (entry) => calls.push(entry);
  let db;
  let closed = false;
  // deserialize() reached the database: with readers, everything runs on the writer from then on.
  let localState = false;
  // With readers: the functions registered so far ([method, args]), and the connections that
  // stand for readers holding cursors (closed at the end).
  const registrations = [];
  const snaps = [];
  const stmts = [];
  const cursors = [];

  const ok = (value) => ({ ok: ser(value) });
  // The raw error rides along (under a symbol, so traces never show it) for transactions to rethrow.
  const rejected = (error) => Object.defineProperty({ rejected: ser(error) }, RAW, { value: error, enumerable: false });
  const threw = (error) => ({ threw: ser(error) });

  // A call that returns a promise: the sync outcome, thrown errors as rejections.
  const settle = (fn) => {
    try {
      return ok(fn());
    } catch (error) {
      if (error instanceof FuzzerBug) throw error;
      return rejected(error);
    }
  };

  // The sync statement for one call, with that call's settings (the async statement's own, or the
  // database's for SQL text, with the call's with() overrides).
  const withSettings = (st, settings, fn) => {
    st.setReadBigInts(settings.readBigInts);
    st.setReturnArrays(settings.returnArrays);
    st.setAllowBareNamedParameters(settings.allowBare);
    st.setAllowUnknownNamedParameters(settings.allowUnknown);
    return fn();
  };

  const defaults = () => ({
    readBigInts: db.__options.readBigInts ?? false,
    returnArrays: db.__options.returnArrays ?? false,
    allowBare: db.__options.allowBareNamedParameters ?? true,
    allowUnknown: db.__options.allowUnknownNamedParameters ?? false,
  });

  // What an operation with per-operation options does before it runs: with() itself may throw
  // (synchronously); an aborted signal rejects the call.
  const prepareWith = (desc) => {
    const options = checkWithOptions(makeWithOptions(desc));
    return options;
  };

  // A query on SQL text: a fresh statement with the database's settings and the call's overrides.
  const querySql = (m, sql, args, options) => {
    if (closed) throw stateError('database is not open');
    const st = db.prepare(sql);
    try {
      const settings = { ...defaults() };
      if (options.readBigInts !== undefined) settings.readBigInts = options.readBigInts;
      if (options.returnArrays !== undefined) settings.returnArrays = options.returnArrays;
      return withSettings(st, settings, () => st[m](...makeArgs(args)));
    } finally {
      st.close();
    }
  };

  const statementCall = (model, m, args, options) => {
    model.execution++;
    if (model.finalized || closed) throw stateError('statement has been finalized');
    const settings = { ...model.settings };
    if (options.readBigInts !== undefined) settings.readBigInts = options.readBigInts;
    if (options.returnArrays !== undefined) settings.returnArrays = options.returnArrays;
    return withSettings(model.st, settings, () => model.st[m](...makeArgs(args)));
  };

  // ---- cursors ----
  const newCursor = (source, args, options) => {
    const maxBatch = options.batchSize ?? DEFAULT_MAX_BATCH;
    return {
      source, // { sql } | { model }
      args,
      options,
      execution: source.model ? source.model.execution : 0,
      // The statement's settings as they are at iterate(), when the sync call would bind.
      settings: source.model ? { ...source.model.settings } : undefined,
      batchSize: Math.min(FIRST_BATCH, maxBatch),
      maxBatch,
      started: false,
      it: undefined,
      st: undefined,
      batches: [], // { items: [{ row } | { error, fatal }], done }
      consumed: 0, // row-consuming calls so far
      finished: false,
      failed: undefined, // an error that ended it, when the consumer reached it
      exhausted: false,
    };
  };

  // Reads one batch now (its place in the FIFO): up to batchSize items from the sync iterator.
  const readBatch = (cursor) => {
    const batch = { items: [], done: false, start: cursor.batches.reduce((n, b) => n + b.items.length, 0) };
    cursor.batches.push(batch);
    const size = cursor.batchSize;
    cursor.batchSize = Math.min(cursor.batchSize * 2, cursor.maxBatch);
    if (cursor.exhausted) {
      batch.done = true;
      return;
    }
    if (!cursor.started) {
      cursor.started = true;
      try {
        if (cursor.source.sql !== undefined) {
          if (closed) throw stateError('database is not open');
          cursor.st = db.prepare(cursor.source.sql);
          const settings = { ...defaults() };
          if (cursor.options.readBigInts !== undefined) settings.readBigInts = cursor.options.readBigInts;
          if (cursor.options.returnArrays !== undefined) settings.returnArrays = cursor.options.returnArrays;
          withSettings(cursor.st, settings, () => {});
          cursor.it = cursor.st.iterate(...makeArgs(cursor.args));
        } else {
          const model = cursor.source.model;
          const settings = { ...cursor.settings };
          if (cursor.options.readBigInts !== undefined) settings.readBigInts = cursor.options.readBigInts;
          if (cursor.options.returnArrays !== undefined) settings.returnArrays = cursor.options.returnArrays;
          cursor.it = withSettings(model.st, settings, () => model.st.iterate(...makeArgs(cursor.args)));
        }
      } catch (error) {
        if (error instanceof FuzzerBug) throw error;
        batch.items.push({ error, fatal: true });
        batch.done = true;
        cursor.exhausted = true;
        return;
      }
      const sql = cursor.source.sql ?? cursor.source.model.sql;
      // A cursor of a writing statement still mid-step keeps its implicit transaction open.
      const writeCursorOpen = cursors.some((other) => other !== cursor && other?.started && !other.exhausted && !readRouting().isReadSql(other.source.sql ?? other.source.model.sql));
      if (readers > 0 && !localState && !db.isTransaction && !writeCursorOpen && readRouting().isReadSql(sql)) {
        // On a reader: a read-only connection of its own, with the functions registered so far,
        // whose read transaction starts at the cursor's first step and holds its snapshot.
        cursor.it.return?.();
        cursor.st?.close();
        const snap = new sqlite.DatabaseSync(path.join(dir, 'main.db'), { ...db.__options, open: undefined, readOnly: true });
        snaps.push(snap);
        for (const [method, args] of registrations) snap[method](...args);
        const settings = { ...(cursor.source.model ? cursor.settings : defaults()) };
        if (cursor.options.readBigInts !== undefined) settings.readBigInts = cursor.options.readBigInts;
        if (cursor.options.returnArrays !== undefined) settings.returnArrays = cursor.options.returnArrays;
        cursor.st = snap.prepare(sql);
        cursor.it = withSettings(cursor.st, settings, () => cursor.st.iterate(...makeArgs(cursor.args)));
      }
    }
    while (batch.items.length < size) {
      let result;
      try {
        result = cursor.it.next();
      } catch (error) {
        if (error instanceof FuzzerBug) throw error;
        // Any error ends the cursor — a value that cannot be converted (ERR_OUT_OF_RANGE) too,
        // where a sync iterator lets you go on to the next row (a listed exception); such a
        // cursor's statement, still mid-step, is reset (or finalized) as the cursor ends.
        batch.items.push({ error, fatal: true });
        batch.done = true;
        cursor.exhausted = true;
        if (error?.code === 'ERR_OUT_OF_RANGE') {
          if (cursor.st) cursor.st.close();
          else cursor.it.return();
        }
        return;
      }
      if (result.done) {
        batch.done = true;
        cursor.exhausted = true;
        cursor.st?.close();
        return;
      }
      batch.items.push({ row: result.value });
    }
  };

  const requested = (cursor) => cursor.batches.reduce((n, b) => n + b.items.length, 0);

  const cursorNext = (cursor) => {
    const model = cursor.source.model;
    // As sync's iterator: a finalized statement first (even for a finished cursor), then a
    // statement executed again since this cursor was made.
    if (model && (model.finalized || closed)) throw stateError('statement has been finalized');
    if (cursor.finished) return { done: true, value: undefined };
    // SQL text after close(): started, its statement went with the close (unless a call already
    // found the cursor's end); never started, its first batch fails 'database is not open'.
    if (!model && cursor.started && (closed || cursor.statementGone)) throw stateError('statement has been finalized');
    if (!model && !cursor.started && closed) {
      cursor.finished = true;
      throw stateError('database is not open');
    }
    if (model && model.execution !== cursor.execution) throw stateError('iterator was invalidated');
    // An aborted signal, after the statement's checks: the cursor ends with an AbortError.
    if (cursor.aborted !== undefined) {
      cursor.finished = true;
      throw new AbortError({ cause: cursor.aborted });
    }
    const k = cursor.consumed++;
    while (requested(cursor) <= k && !cursor.exhausted) readBatch(cursor);
    if (requested(cursor) <= k) {
      cursor.finished = true;
      return { done: true, value: undefined };
    }
    // One batch ahead: taking the first row of a batch reads the next one.
    const batchIndex = cursor.batches.findIndex((b) => k >= b.start && k < b.start + b.items.length);
    const batch = cursor.batches[batchIndex];
    if (k === batch.start && batchIndex === cursor.batches.length - 1 && !cursor.exhausted) readBatch(cursor);
    const item = batch.items[k - batch.start];
    if (item.error !== undefined) {
      if (item.fatal) {
        cursor.finished = true;
        cursor.failed = item.error;
      }
      throw item.error;
    }
    return { done: false, value: item.row };
  };

  const cursorReturn = (cursor) => {
    if (!cursor.finished) {
      cursor.finished = true;
      if (cursor.started && !cursor.exhausted) {
        cursor.exhausted = true;
        if (!closed) {
          if (cursor.st) cursor.st.close();
          else if (cursor.source.model && !cursor.source.model.finalized) cursor.it.return();
        }
      }
    }
    return { done: true, value: undefined };
  };

  // ---- operations ----

  const runTransaction = (op, depth) => {
    if (closed) throw stateError('database is not open');
    const mode = op.mode;
    if (depth === 0 && mode !== undefined && mode !== 'deferred' && mode !== 'immediate' && mode !== 'exclusive') {
      throw typeError('ERR_INVALID_ARG_VALUE', `The "options.mode" argument must be 'deferred', 'immediate' or 'exclusive'.`);
    }
    const sql = txSql(depth, mode);
    db.exec(sql.begin);
    // The body's calls in order; a nested transaction that fails and is not caught ends the body.
    const outcomes = [];
    let inner;
    for (const bodyOp of op.body) {
      const outcome = runOne(bodyOp, depth + 1);
      if (bodyOp.k === 'tx' && !bodyOp.catchInner && 'rejected' in outcome) {
        inner = outcome;
        break;
      }
      outcomes.push(outcome);
    }
    if (op.throws || inner) {
      try {
        db.exec(sql.rollback);
      } catch {
        // SQLite may have rolled back already
      }
      if (inner) throw inner[RAW];
      throw new Error(BODY_THREW);
    }
    try {
      db.exec(sql.commit);
    } catch (error) {
      try {
        db.exec(sql.rollback);
      } catch {
        // as above
      }
      throw error;
    }
    return outcomes;
  };

  function runOne(op, depth = 0) {
    // The database itself, called from inside its transaction's callback: refused at once.
    if (op.onDb) return rejected(stateError(SELF_WAIT));
    switch (op.k) {
      case 'exec': return settle(() => {
        if (closed) throw stateError('database is not open');
        return db.exec(typeof op.sql === 'string' ? op.sql : makeValue(op.sql.v));
      });
      case 'q': {
        let options;
        try {
          options = prepareWith(op.with);
        } catch (error) {
          return threw(error);
        }
        // The database's state first, then the argument, then the signal.
        return settle(() => {
          if (closed) throw stateError('database is not open');
          const sql = typeof op.sql === 'string' ? op.sql : makeValue(op.sql.v);
          if (typeof sql !== 'string') throw typeError('ERR_INVALID_ARG_TYPE', 'The "sql" argument must be a string.');
          if (options.signal?.aborted) throw new AbortError({ cause: options.signal.reason });
          return querySql(op.m, sql, op.args, options);
        });
      }
      case 'prepare': {
        const outcome = settle(() => {
          if (closed) throw stateError('database is not open');
          const sql = typeof op.sql === 'string' ? op.sql : makeValue(op.sql.v);
          if (typeof sql !== 'string') throw typeError('ERR_INVALID_ARG_TYPE', 'The "sql" argument must be a string.');
          const st = db.prepare(sql);
          stmts.push({ st, sql, finalized: false, execution: 0, settings: defaults() });
          return { statement: true };
        });
        if (!('ok' in outcome)) stmts.push(undefined);
        return outcome;
      }
      case 'sq': {
        const model = stmts[op.s];
        if (!model) return { skipped: 'no such statement' };
        let options;
        try {
          options = prepareWith(op.with);
        } catch (error) {
          return threw(error);
        }
        if (model.finalized || closed) {
          model.execution++;
          return rejected(stateError('statement has been finalized'));
        }
        if (options.signal?.aborted) {
          model.execution++;
          return rejected(new AbortError({ cause: options.signal.reason }));
        }
        return settle(() => statementCall(model, op.m, op.args, options));
      }
      case 'iterate': {
        const model = op.s !== undefined ? stmts[op.s] : undefined;
        if (op.s !== undefined && !model) {
          cursors.push(undefined);
          return { skipped: 'no such statement' };
        }
        let options;
        try {
          options = prepareWith(op.with);
        } catch (error) {
          cursors.push(undefined);
          return threw(error);
        }
        let source;
        if (model) {
          model.execution++;
          source = { model };
        } else {
          source = { sql: op.sql };
        }
        const cursor = newCursor(source, op.args, options);
        if (options.signal?.aborted) cursor.aborted = options.signal.reason;
        cursors.push(cursor);
        return ok({ cursor: true });
      }
      case 'next':
      case 'drain':
      case 'return':
      case 'throw': {
        const cursor = cursors[op.c];
        if (!cursor) return { skipped: 'no such cursor' };
        if (op.k === 'next') return settle(() => cursorNext(cursor));
        if (op.k === 'return') return settle(() => cursorReturn(cursor));
        if (op.k === 'throw') {
          cursorReturn(cursor);
          return rejected(new Error('thrown into the cursor'));
        }
        return settle(() => {
          const rows = [];
          for (;;) {
            const result = cursorNext(cursor);
            if (result.done) break;
            rows.push(result.value);
            if (rows.length >= op.max) {
              // for await's break: return()
              cursorReturn(cursor);
              break;
            }
          }
          return rows;
        });
      }
      case 'set': {
        const model = stmts[op.s];
        if (!model) return { skipped: 'no such statement' };
        try {
          if (model.finalized || closed) throw stateError('statement has been finalized');
          const value = makeValue(op.v);
          model.st[op.m](value);
          const key = { setReadBigInts: 'readBigInts', setReturnArrays: 'returnArrays', setAllowBareNamedParameters: 'allowBare', setAllowUnknownNamedParameters: 'allowUnknown' }[op.m];
          model.settings[key] = value;
          return ok(undefined);
        } catch (error) {
          return threw(error);
        }
      }
      case 'source': {
        const model = stmts[op.s];
        if (!model) return { skipped: 'no such statement' };
        try {
          if (model.finalized || closed) throw stateError('statement has been finalized');
          return ok(model.st.sourceSQL);
        } catch (error) {
          return threw(error);
        }
      }
      case 'columns': {
        const model = stmts[op.s];
        if (!model) return { skipped: 'no such statement' };
        return settle(() => {
          if (model.finalized || closed) throw stateError('statement has been finalized');
          return model.st.columns();
        });
      }
      case 'finalize':
      case 'dispose': {
        const model = stmts[op.s];
        if (!model) return { skipped: 'no such statement' };
        return settle(() => {
          if (!model.finalized && !closed) model.st.close();
          model.finalized = true;
          return undefined;
        });
      }
      case 'tx': {
        const outcome = settle(() => runTransaction(op, depth));
        return outcome;
      }
      case 'function': return settle(() => {
        if (closed) throw stateError('database is not open');
        const fn = makeFunction(op.fn, op.arity, log, ser);
        if (op.opts === undefined) {
          db.function(op.name, fn);
          registrations.push(['function', [op.name, fn]]);
          return undefined;
        }
        const options = {};
        for (const [key, name] of Object.entries(op.opts)) options[key] = makeValue(name);
        db.function(op.name, options, fn);
        registrations.push(['function', [op.name, options, fn]]);
        return undefined;
      });
      case 'aggregate': return settle(() => {
        if (closed) throw stateError('database is not open');
        const aggregate = makeAggregate(op, log, ser);
        db.aggregate(op.name, aggregate);
        registrations.push(['aggregate', [op.name, aggregate]]);
        return undefined;
      });
      case 'prop':
        try {
          if (op.p === 'isOpen') return ok(!closed);
          if (closed) throw stateError('database is not open');
          return ok(db.isTransaction);
        } catch (error) {
          return threw(error);
        }
      case 'interrupt': return ok(undefined);
      case 'serialize': return settle(() => {
        if (closed) throw stateError('database is not open');
        return db.serialize();
      });
      case 'deserialize': return settle(() => {
        if (closed) throw stateError('database is not open');
        // Every statement goes, as with DatabaseSync (started SQL-text cursors' too).
        for (const model of stmts) if (model) model.finalized = true;
        for (const cursor of cursors) if (cursor && cursor.source.sql !== undefined && cursor.started) cursor.statementGone = true;
        try {
          return db.deserialize(makeImage(op.image, sqlite));
        } finally {
          localState = true;
        }
      });
      case 'dispose-db':
      case 'close': return settle(() => {
        if (!closed) {
          closed = true;
          for (const model of stmts) if (model) model.finalized = true;
          db.close();
        }
        return undefined;
      });
      default:
        throw new FuzzerBug(`unknown op ${op.k}`);
    }
  }

  for (let index = 0; index < program.ops.length; index++) {
    const op = program.ops[index];
    if (op.k === 'open') {
      prepareFile(sqlite, dir, readers);
      const args = openArgs(op, dir, readers);
      if (readers > 0) delete args[1].readers; // an AsyncDatabase option
      try {
        if (args[1]?.open === false) {
          // Every option is checked first (a database made with open: false opens nothing).
          new sqlite.DatabaseSync(...args);
          throw typeError('ERR_INVALID_ARG_VALUE', OPEN_FALSE);
        }
        db = new sqlite.DatabaseSync(...args);
        db.__options = args[1] ?? {};
        trace.push(['op', index, ok({ database: true })]);
      } catch (error) {
        trace.push(['op', index, rejected(error)]);
      }
      continue;
    }
    if (db === undefined) {
      trace.push(['op', index, { skipped: 'no database' }]);
      continue;
    }
    trace.push(['op', index, runOne(op)]);
  }
  if (db && !closed) db.close();
  for (const snap of snaps) snap.close();
  return { trace, calls };
}
