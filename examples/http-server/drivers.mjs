// The drivers the server can run on. `async` and `sync` are sqlite-strand's two APIs on the same
// file; `better-sqlite3` is there for comparison when the benchmark peers are installed
// (`npm run bench` puts them in bench/node_modules) and is skipped otherwise.
import { createRequire } from 'node:module';
import { DatabaseSync } from 'sqlite-strand';
import { openAsyncStore } from './async-store.mjs';
import { openSyncStore } from './sync-store.mjs';

const requireFromBench = createRequire(new URL('../../bench/package.json', import.meta.url));

function loadBetterSqlite3() {
  try {
    return requireFromBench('better-sqlite3');
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

export const DRIVERS = {
  async: { label: 'AsyncDatabase, readers: 2', open: (file, { readers }) => openAsyncStore(file, { readers }) },
  sync: { label: 'DatabaseSync', open: async (file) => openSyncStore(file, DatabaseSync) },
  'better-sqlite3': {
    label: 'better-sqlite3',
    available: () => loadBetterSqlite3() !== undefined,
    open: async (file) => {
      const Database = loadBetterSqlite3();
      if (!Database) throw new Error('better-sqlite3 is not installed in bench/node_modules (npm run bench installs it)');
      return openSyncStore(file, Database);
    },
  },
};

export const isAvailable = (name) => name in DRIVERS && (DRIVERS[name].available?.() ?? true);
