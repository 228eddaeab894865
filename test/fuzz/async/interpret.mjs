// Runs an async program on our AsyncDatabase, in one of two modes:
//   'awaited'   — every call is awaited before the next is made;
//   'pipelined' — the calls of one group (generate.mjs) are made back to back, then awaited.
// The trace has the same form as the reference's (reference.mjs): one entry per operation, its
// value, synchronous throw or rejection. A call that does not settle within `settleTimeout` ends
// the run as a hang; unhandled rejections and uncaught exceptions are reported by run-seeds.mjs.
import { pathToFileURL } from 'node:url';
import { serialize } from '../../compat/serialize.mjs';
import { FuzzerBug, makeValue } from '../shared/values.mjs';
import { makeAggregate, makeFunction } from './callbacks.mjs';
import { BODY_THREW, makeArgs, makeImage, makeWithOptions, openArgs, prepareFile } from './reference.mjs';

export class Hang extends Error {}

export async function runAsync(sqlite, program, { dir, mode, readers = 0, settleTimeout = 5000 }) {
  const replace = [[pathToFileURL(dir).href, 'file://<TMP>'], [dir, '<TMP>']];
  const ser = (value) => serialize(value, { replace });
  const trace = [];
  const calls = [];
  const log = (entry) => calls.push(entry);
  let db;
  const stmts = [];
  const cursors = [];
  const pending = []; // [index, promise] of the current group (pipelined)

  const timed = (promise, index) => {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Hang(`operation ${index} did not settle`)), settleTimeout);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  };

  // Calls `fn`; a synchronous throw is { threw }, a promise is awaited later (or now).
  const call = (fn) => {
    try {
      const value = fn();
      if (value && typeof value.then === 'function') {
        // Awaited later (pipelined): handled now, so its rejection is not reported as unhandled.
        value.then(undefined, () => {});
        return { promise: value };
      }
      return { outcome: { ok: ser(value) } };
    } catch (error) {
      if (error instanceof FuzzerBug) throw error;
      return { outcome: { threw: ser(error) } };
    }
  };
  const settled = async (promise, index) => {
    try {
      return { ok: ser(await timed(promise, index)) };
    } catch (error) {
      if (error instanceof Hang || error instanceof FuzzerBug) throw error;
      return { rejected: ser(error) };
    }
  };

  const on = (scope, desc) => (desc === undefined ? scope : scope.with(makeWithOptions(desc)));

  const drain = async (cursor, max) => {
    const rows = [];
    for await (const row of cursor) {
      rows.push(row);
      if (rows.length >= max) break;
    }
    return rows;
  };

  // A transaction's fn: its body's calls in order, then a throw when the program says so.
  const bodyWithThrows = (op) => async (tx) => {
    const outcomes = [];
    for (const inner of op.body) {
      if (inner.k === 'tx') {
        try {
          outcomes.push({ ok: ser(await tx.transaction(bodyWithThrows(inner))) });
        } catch (error) {
          if (!inner.catchInner) throw error;
          outcomes.push({ rejected: ser(error) });
        }
        continue;
      }
      const started = issue(inner, inner.onDb ? db : tx);
      outcomes.push(started.outcome ?? (await settled(started.promise, -1)));
    }
    if (op.throws) throw new Error(BODY_THREW);
    return outcomes;
  };

  // Makes the call of `op` on `scope` (the database or a transaction); returns { outcome } for a
  // synchronous result, { promise } otherwise.
  function issue(op, scope) {
    switch (op.k) {
      case 'exec': return call(() => scope.exec(typeof op.sql === 'string' ? op.sql : makeValue(op.sql.v)));
      case 'q': return call(() => on(scope, op.with)[op.m](typeof op.sql === 'string' ? op.sql : makeValue(op.sql.v), ...makeArgs(op.args)));
      case 'prepare': return call(() => scope.prepare(typeof op.sql === 'string' ? op.sql : makeValue(op.sql.v)));
      case 'sq': {
        const stmt = stmts[op.s];
        if (!stmt) return { outcome: { skipped: 'no such statement' } };
        const target = scope === db ? stmt : scope.statement(stmt);
        return call(() => on(target, op.with)[op.m](...makeArgs(op.args)));
      }
      case 'iterate': {
        let source;
        if (op.s !== undefined) {
          source = stmts[op.s];
          if (!source) {
            cursors.push(undefined);
            return { outcome: { skipped: 'no such statement' } };
          }
        }
        const started = call(() => {
          const view = on(source ?? scope, op.with);
          const cursor = source ? view.iterate(...makeArgs(op.args)) : view.iterate(op.sql, ...makeArgs(op.args));
          cursors.push(cursor);
          return { cursor: true };
        });
        if (started.outcome && 'threw' in started.outcome) cursors.push(undefined);
        return started;
      }
      case 'next':
      case 'return':
      case 'throw':
      case 'drain': {
        const cursor = cursors[op.c];
        if (!cursor) return { outcome: { skipped: 'no such cursor' } };
        if (op.k === 'drain') return call(() => drain(cursor, op.max));
        if (op.k === 'throw') return call(() => cursor.throw(new Error('thrown into the cursor')));
        return call(() => cursor[op.k]());
      }
      case 'set': {
        const stmt = stmts[op.s];
        if (!stmt) return { outcome: { skipped: 'no such statement' } };
        return call(() => stmt[op.m](makeValue(op.v)));
      }
      case 'source': {
        const stmt = stmts[op.s];
        if (!stmt) return { outcome: { skipped: 'no such statement' } };
        return call(() => stmt.sourceSQL);
      }
      case 'columns': {
        const stmt = stmts[op.s];
        if (!stmt) return { outcome: { skipped: 'no such statement' } };
        return call(() => stmt.columns());
      }
      case 'finalize': {
        const stmt = stmts[op.s];
        if (!stmt) return { outcome: { skipped: 'no such statement' } };
        return call(() => stmt.finalize());
      }
      case 'dispose': {
        const stmt = stmts[op.s];
        if (!stmt) return { outcome: { skipped: 'no such statement' } };
        return call(() => stmt[Symbol.asyncDispose]());
      }
      case 'tx': return call(() => scope.transaction(bodyWithThrows(op), op.mode === undefined ? undefined : { mode: op.mode }));
      case 'function': return call(() => {
        const fn = makeFunction(op.fn, op.arity, log, ser);
        if (op.opts === undefined) return scope.function(op.name, fn);
        const options = {};
        for (const [key, name] of Object.entries(op.opts)) options[key] = makeValue(name);
        return scope.function(op.name, options, fn);
      });
      case 'aggregate': return call(() => scope.aggregate(op.name, makeAggregate(op, log, ser)));
      case 'prop': return call(() => scope[op.p]);
      case 'close': return call(() => scope.close());
      case 'dispose-db': return call(() => scope[Symbol.asyncDispose]());
      case 'tx-on-db': return call(() => scope.transaction(async () => {}));
      case 'interrupt': return call(() => scope.interrupt());
      case 'serialize': return call(() => scope.serialize());
      case 'deserialize': return call(() => scope.deserialize(makeImage(op.image, sqlite)));
      default:
        throw new FuzzerBug(`unknown op ${op.k}`);
    }
  }

  // prepare() resolves to the statement handle; the trace shows what the reference shows.
  const record = (index, op, outcome, value) => {
    if (op.k === 'prepare') {
      if ('ok' in outcome) {
        stmts.push(value);
        outcome = { ok: ser({ statement: true }) };
      } else {
        stmts.push(undefined);
      }
    }
    trace[index] = ['op', index, outcome];
  };

  const flush = async () => {
    for (const [index, op, promise] of pending.splice(0)) {
      let outcome;
      let value;
      try {
        value = await timed(promise, index);
        outcome = { ok: op.k === 'prepare' ? null : ser(value) };
      } catch (error) {
        if (error instanceof Hang || error instanceof FuzzerBug) throw error;
        outcome = { rejected: ser(error) };
      }
      record(index, op, outcome, value);
    }
  };

  const statementsOf = (body) => body.flatMap((b) => (b.k === 'tx' ? statementsOf(b.body) : b.s !== undefined ? [b.s] : []));
  // The statement each cursor iterates (by creation index), for ops that name only the cursor.
  const cursorStatement = program.ops.filter((o) => o.k === 'iterate').map((o) => o.s);
  const laterInGroupUses = (index, used) => {
    for (let j = index + 1; j < program.ops.length && program.ops[j].group === program.ops[index].group; j++) {
      const later = program.ops[j];
      if (later.k === 'deserialize') return true; // finalizes every statement
      const s = later.s ?? (later.c !== undefined ? cursorStatement[later.c] : undefined);
      if (s !== undefined && used.includes(s)) return true;
    }
    return false;
  };

  let group;
  try {
    for (let index = 0; index < program.ops.length; index++) {
      const op = program.ops[index];
      if (op.k === 'open') {
        prepareFile(sqlite, dir, readers);
        const args = openArgs(op, dir, readers);
        try {
          db = await timed(op.explicitUndefined && args.length === 1 ? sqlite.AsyncDatabase.open(args[0], undefined) : sqlite.AsyncDatabase.open(...args), index);
          trace[index] = ['op', index, { ok: ser({ database: true }) }];
        } catch (error) {
          if (error instanceof Hang) throw error;
          trace[index] = ['op', index, { rejected: ser(error) }];
        }
        continue;
      }
      if (db === undefined) {
        trace[index] = ['op', index, { skipped: 'no database' }];
        continue;
      }
      // Pipelined: a new group, or a call that needs what an earlier call of the group makes (a
      // statement), or a synchronous getter of state that completions update, waits for the group.
      // (A transaction's body, nested ones included: statementsOf.)
      const needsStatement = (op.s !== undefined && stmts.length <= op.s) || (op.k === 'tx' && statementsOf(op.body).some((s) => stmts.length <= s));
      if (mode === 'awaited' || op.group !== group || needsStatement || (op.k === 'prop' && op.p === 'isTransaction')) await flush();
      group = op.group;
      const started = issue(op, db);
      if (started.outcome) {
        record(index, op, started.outcome);
        continue;
      }
      pending.push([index, op, started.promise]);
      // A drain is many calls made over time (for await): what follows it in call order is
      // only what is called after it finished. Likewise a transaction's callback makes its calls
      // after the calls that follow transaction() in the same tick: the jobs of those wait for
      // the transaction, but a statement's cursor made in between would be invalidated by the
      // callback's use of the statement, unlike the reference, which runs the transaction whole.
      if (mode === 'awaited' || op.k === 'drain' || (op.k === 'tx' && laterInGroupUses(index, statementsOf(op.body)))) await flush();
    }
    await flush();
    if (db?.isOpen) await timed(db.close(), -1);
  } catch (error) {
    if (error instanceof Hang) return { trace, calls, hang: error.message };
    throw error;
  }
  // With --readers: how many queries ran on readers (a run where none did would prove nothing).
  const routed = db?.core.pool?.routed;
  return { trace, calls, onReaders: routed === undefined ? 0 : routed.readers.reduce((sum, n) => sum + (n ?? 0), 0) };
}
