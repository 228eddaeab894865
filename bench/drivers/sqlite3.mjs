// node-sqlite3 (the `sqlite3` package), adapted to the async driver interface (see index.mjs).
// Its statements run on libuv's thread pool; calls on one Statement are queued and run one at a time.
import { peerVersion, requirePeer } from '../lib/peers.mjs';

const promisify = (fn) => new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

function wrapStatement(stmt) {
  return {
    get: (...params) => promisify((cb) => stmt.get(...params, cb)),
    all: (...params) => promisify((cb) => stmt.all(...params, cb)),
    run: (...params) =>
      new Promise((resolve, reject) =>
        stmt.run(...params, function done(err) {
          if (err) reject(err);
          else resolve({ changes: this.changes, lastInsertRowid: this.lastID });
        })),
    // node-sqlite3 has no pull-based iterator (each() pushes every row without backpressure).
    iterate: undefined,
    finalize: () => promisify((cb) => stmt.finalize(cb)),
  };
}

export default {
  name: 'sqlite3',
  label: 'sqlite3 (node-sqlite3)',
  short: 'sqlite3',
  api: 'async',
  runtime: 'current',
  capabilities: { iterate: false },
  async load() {
    const sqlite3 = requirePeer('sqlite3');
    return {
      version: peerVersion('sqlite3'),
      async open(file) {
        const db = await new Promise((resolve, reject) => {
          const d = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(d)));
        });
        return {
          exec: (sql) => promisify((cb) => db.exec(sql, cb)),
          prepare: (sql) =>
            new Promise((resolve, reject) => {
              const s = db.prepare(sql, (err) => (err ? reject(err) : resolve(wrapStatement(s))));
            }),
          close: () => promisify((cb) => db.close(cb)),
        };
      },
    };
  },
};
