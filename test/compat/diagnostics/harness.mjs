// Runs the query-diagnostics scenarios (scenarios.mjs) against a node:sqlite-like module and
// turns what the 'sqlite.db.query' channel delivered into deterministic logs. Shared by
// record.mjs (Node 26, node:sqlite → golden) and run.mjs (our build, compared by
// test/sync/diagnostics.test.mjs).
//
// A log is an array, in the order things happened, of
//   "text"                                  a mark, or the outcome of t.call(label, fn)
//   { sql, db, duration }                   one message: db is the tag of the database object it
//                                           carried (t.open(tag)), duration its kind (below);
//                                           `shape` appears only if the message is not a
//                                           null-prototype { sql, database, duration } of
//                                           writable, enumerable, configurable data properties
//   { uncaught }                            process 'uncaughtException' (a subscriber's error)
// Durations are never recorded as values: 'ns' means an integer ≥ 0 that is a whole number of
// milliseconds in nanoseconds (SQLite's profile clock ticks in ms), anything else is described.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dc from 'node:diagnostics_channel';

export const CHANNEL = 'sqlite.db.query';

export function durationKind(value) {
  if (typeof value !== 'number') return `type ${typeof value}`;
  if (!Number.isInteger(value) || value < 0) return `number ${value < 0 ? 'negative' : 'fractional'}`;
  return value % 1e6 === 0 ? 'ns' : 'number not whole ms';
}

function messageShape(message) {
  if (message === null || typeof message !== 'object') return `not an object: ${typeof message}`;
  const problems = [];
  if (Object.getPrototypeOf(message) !== null) problems.push('has a prototype');
  const keys = Reflect.ownKeys(message).map(String).join(',');
  if (keys !== 'sql,database,duration') problems.push(`keys ${keys}`);
  for (const key of Reflect.ownKeys(message)) {
    const d = Object.getOwnPropertyDescriptor(message, key);
    if (!('value' in d) || !d.writable || !d.enumerable || !d.configurable) problems.push(`${String(key)} not a plain data property`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

// A compact, deterministic rendering of a result or error.
export function show(value) {
  return JSON.stringify(value, (key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `<${v.length} bytes>`;
    if (v === undefined) return '<undefined>';
    return v;
  }) ?? '<undefined>';
}

export function showError(e) {
  if (!(e instanceof Error)) return `threw ${show(e)}`;
  return `threw ${e.name}${e.code ? ` ${e.code}` : ''}${e.errcode !== undefined ? ` errcode ${e.errcode}` : ''}: ${JSON.stringify(e.message)}`;
}

let current = null;
process.on('uncaughtException', (error) => {
  if (current) current.log.push({ uncaught: error instanceof Error ? error.message : show(error) });
  else throw error;
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

// Runs one scenario; returns { log } or { threw } (the scenario itself failed: a harness error).
export async function runScenario(sqlite, scenario) {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'sqlite-diag-'));
  const log = [];
  const tags = new Map();
  const databases = [];
  const subscribers = [];
  let inside = 0;
  const t = {
    sqlite,
    dc,
    log,
    tmp: (name) => path.join(dir, name),
    mark: (text) => log.push(text),
    /** Opens a database whose messages are tagged `tag`. */
    open(tag = 'db', location = ':memory:', options) {
      const db = options === undefined ? new sqlite.DatabaseSync(location) : new sqlite.DatabaseSync(location, options);
      tags.set(db, tag);
      databases.push(db);
      return db;
    },
    /** Tags a database opened elsewhere (e.g. by the scenario with special options). */
    tag(db, tag) {
      tags.set(db, tag);
      databases.push(db);
      return db;
    },
    /**
     * Subscribes the recorder; `action(message)` runs after each message is recorded, except for
     * messages published while an action runs (no recursion). Returns the subscriber.
     */
    subscribe(action, channelName = CHANNEL) {
      const subscriber = (message, name) => {
        const entry = { sql: message?.sql, db: tags.get(message?.database) ?? describeDatabase(message?.database), duration: durationKind(message?.duration) };
        const shape = messageShape(message);
        if (shape !== undefined) entry.shape = shape;
        if (name !== CHANNEL) entry.channel = name;
        log.push(entry);
        if (!action || inside > 0) return;
        inside++;
        try {
          action(message);
        } catch (e) {
          log.push(`subscriber ${showError(e)}`);
          throw e;
        } finally {
          inside--;
        }
      };
      dc.subscribe(channelName, subscriber);
      subscribers.push([channelName, subscriber]);
      return subscriber;
    },
    unsubscribe(subscriber) {
      for (let i = subscribers.length - 1; i >= 0; i--) {
        const [name, fn] = subscribers[i];
        if (subscriber === undefined || fn === subscriber) {
          dc.unsubscribe(name, fn);
          subscribers.splice(i, 1);
        }
      }
    },
    /** Runs fn and logs `label -> result` or `label threw …`; returns the result. */
    call(label, fn) {
      try {
        const value = fn();
        log.push(`${label} -> ${show(value)}`);
        return value;
      } catch (e) {
        log.push(`${label} ${showError(e)}`);
        return undefined;
      }
    },
    async callAsync(label, fn) {
      try {
        const value = await fn();
        log.push(`${label} -> ${show(value)}`);
        return value;
      } catch (e) {
        log.push(`${label} ${showError(e)}`);
        return undefined;
      }
    },
    gc() {
      if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
      globalThis.gc();
    },
    settle,
  };
  current = { log };
  let result;
  try {
    await scenario.run(t);
    // Subscriber errors are reported on the next tick: let them arrive.
    await settle();
    await settle();
    result = { log };
  } catch (e) {
    result = { threw: `${showError(e)}\n${e?.stack ?? ''}`, log };
  } finally {
    t.unsubscribe();
    for (const db of databases) {
      try {
        if (db.isOpen) db.close();
      } catch {
        // left open by the scenario on purpose (e.g. inside a callback): the GC closes it
      }
    }
    current = null;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

function describeDatabase(database) {
  if (database === undefined) return '<undefined>';
  if (database === null) return '<null>';
  return `<untagged ${database?.constructor?.name ?? typeof database}>`;
}
