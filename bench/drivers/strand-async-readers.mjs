// Ours, async, with parallel readers: AsyncDatabase.open(file, { readers: N }), a writer plus N
// read-only reader connections, each on its own thread (src/ts/async/reader-pool.ts). One driver
// per N, so a readers trial measures the scaling curve in one interleaved run: `strand-async` is
// N = 0, these are N = 1..4.
//
// Opt-in (drivers/index.mjs): these run only the trials that name them in `drivers` (the
// `readers-*` trials, WAL only). Readers need a file already in WAL mode (open rejects with
// ERR_INVALID_STATE otherwise), so open() first puts the new file in WAL mode on a plain
// connection and closes it; the trial's pragmas then run on the writer as for every driver.
// Per-connection pragmas (`cache_size`) run on the database reach every reader as well.
import { loadStrand } from './strand.mjs';

export const READER_COUNTS = [1, 2, 3, 4];

export const readerDriverName = (n) => (n === 0 ? 'strand-async' : `strand-async-r${n}`);

/** Opens `file` with `readers` readers, putting it in WAL mode first (a ':memory:' probe opens without). */
async function openWithReaders(AsyncDatabase, file, readers) {
  if (file === ':memory:') return AsyncDatabase.open(file, { timeout: 5000 });
  const setup = await AsyncDatabase.open(file, { timeout: 5000 });
  try {
    await setup.exec('PRAGMA journal_mode = WAL');
  } finally {
    await setup.close();
  }
  const db = await AsyncDatabase.open(file, { timeout: 5000, readers });
  if (db.readers !== readers) {
    await db.close();
    throw new Error(`AsyncDatabase.open(file, { readers: ${readers} }) reports db.readers = ${db.readers}`);
  }
  return db;
}

function readerDriver(readers) {
  return {
    name: readerDriverName(readers),
    label: `sqlite-strand (async, readers: ${readers})`,
    short: `async-r${readers}`,
    api: 'async',
    runtime: 'current',
    ours: true,
    optIn: true,
    async load() {
      const { mod, version } = loadStrand();
      const { AsyncDatabase } = mod;
      if (typeof AsyncDatabase?.open !== 'function' || !('readers' in AsyncDatabase.prototype)) {
        throw new Error('dist/index.cjs has no AsyncDatabase with readers yet');
      }
      return { version, open: (file) => openWithReaders(AsyncDatabase, file, readers) };
    },
  };
}

export const strandAsyncReaders = READER_COUNTS.map(readerDriver);
