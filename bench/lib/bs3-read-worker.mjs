// One worker thread of lib/bs3-worker-pool.mjs: a read-only better-sqlite3 connection on the pool's
// WAL file, answering { id, method: 'get' | 'all', sql, params } with { id, result } or
// { id, error }. Statements are prepared once per SQL text and kept. { close: true } closes the
// connection and lets the thread end.
import { parentPort, workerData } from 'node:worker_threads';
import { requirePeer } from './peers.mjs';

const Database = requirePeer('better-sqlite3');
// ':memory:' (the run's probe) cannot be opened read-only, and is the worker's own anyway.
const db = new Database(workerData.file, { readonly: workerData.file !== ':memory:', timeout: 5000 });
for (const p of workerData.pragmas) db.pragma(p);
const statements = new Map();

function statementOf(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    statements.set(sql, stmt);
  }
  return stmt;
}

parentPort.on('message', (msg) => {
  if (msg.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const stmt = statementOf(msg.sql);
    const result = msg.method === 'all' ? stmt.all(...msg.params) : stmt.get(...msg.params);
    parentPort.postMessage({ id: msg.id, result });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: { message: String(err?.message ?? err), code: err?.code } });
  }
});
parentPort.postMessage({ ready: true });
