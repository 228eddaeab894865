// The do-it-yourself way to read a SQLite file in parallel from Node, as the readers trials'
// comparison for AsyncDatabase's `readers`: worker_threads, each with its own read-only
// better-sqlite3 connection on the same WAL file (lib/bs3-read-worker.mjs), fed by postMessage
// ({ sql, params } → rows), least-loaded worker first. Writes (exec, run) go to a better-sqlite3
// connection on the main thread, which also puts the file in WAL mode before the workers open it.
//
// Lifetime: every worker's 'error' and 'exit' listeners are attached when it is created; a worker
// that fails or ends rejects what it had in flight, so no request's promise is left unsettled.
import { Worker } from 'node:worker_threads';
import { requirePeer } from './peers.mjs';

const WORKER_SCRIPT = new URL('./bs3-read-worker.mjs', import.meta.url);

function startWorker(file, pragmas) {
  const worker = new Worker(WORKER_SCRIPT, { workerData: { file, pragmas } });
  const state = { worker, pending: new Map(), failure: null };
  const fail = (err) => {
    state.failure ??= err;
    for (const { reject } of state.pending.values()) reject(state.failure);
    state.pending.clear();
  };
  const ready = new Promise((resolve, reject) => {
    worker.on('message', (msg) => {
      if (msg.ready) return resolve();
      const request = state.pending.get(msg.id);
      if (!request) return;
      state.pending.delete(msg.id);
      if (msg.error) request.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else request.resolve(msg.result);
    });
    worker.on('error', (err) => {
      reject(err);
      fail(err);
    });
    worker.on('exit', (code) => {
      const err = new Error(`bs3 read worker exited (code ${code})`);
      reject(err);
      fail(err);
    });
  });
  state.exited = new Promise((resolve) => worker.once('exit', resolve));
  return { state, ready };
}

/**
 * Opens the pool: the main-thread writer connection on `file` (WAL), then `workers` read-only
 * worker connections, each running `readerPragmas` first. Resolves once every worker is ready.
 */
export async function openBs3WorkerPool(file, { workers, readerPragmas = [] }) {
  const Database = requirePeer('better-sqlite3');
  const main = new Database(file);
  main.pragma('journal_mode = WAL');
  const started = Array.from({ length: workers }, () => startWorker(file, readerPragmas));
  const pool = started.map((s) => s.state);
  try {
    await Promise.all(started.map((s) => s.ready));
  } catch (err) {
    await Promise.all(pool.map((s) => s.worker.terminate()));
    main.close();
    throw err;
  }
  let nextId = 1;

  function request(method, sql, params) {
    let target = pool[0];
    for (const s of pool) if (s.pending.size < target.pending.size) target = s;
    if (target.failure) return Promise.reject(target.failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      target.pending.set(id, { resolve, reject });
      target.worker.postMessage({ id, method, sql, params });
    });
  }

  return {
    exec: (sql) => void main.exec(sql),
    prepare(sql) {
      let writeStmt;
      return {
        get: (...params) => request('get', sql, params),
        all: (...params) => request('all', sql, params),
        run: (...params) => {
          writeStmt ??= main.prepare(sql);
          return writeStmt.run(...params);
        },
        iterate: undefined,
        finalize() {},
      };
    },
    async close() {
      for (const s of pool) if (!s.failure) s.worker.postMessage({ close: true });
      await Promise.all(pool.map((s) => s.exited));
      main.close();
    },
  };
}
