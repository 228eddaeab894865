// better-sqlite3 in 2 worker_threads (read-only connections on the same WAL file) behind a
// postMessage pool, lib/bs3-worker-pool.mjs: the hand-made alternative to AsyncDatabase's
// `readers`, for the readers trials. Opt-in (drivers/index.mjs): it runs only the trials that
// name it. The workers get the WAL mode's cache_size, as every driver's connection does (the
// other pragmas are the writer's business: a read-only connection cannot set them).
import { openBs3WorkerPool } from '../lib/bs3-worker-pool.mjs';
import { peerVersion } from '../lib/peers.mjs';
import { MODES } from '../trials/schema.mjs';

export const BS3_WORKERS = 2;
const readerPragmas = MODES.wal.pragmas.filter((p) => p.startsWith('cache_size'));

export default {
  name: 'bs3-workers',
  label: `better-sqlite3 in ${BS3_WORKERS} worker_threads (postMessage pool)`,
  short: `bs3-w${BS3_WORKERS}`,
  api: 'async',
  runtime: 'current',
  optIn: true,
  capabilities: { iterate: false },
  async load() {
    return {
      version: peerVersion('better-sqlite3'),
      open: (file) => openBs3WorkerPool(file, { workers: BS3_WORKERS, readerPragmas }),
    };
  },
};
