// The schema, connection settings and seed data shared by every trial and every driver.
import { mulberry32 } from '../lib/prng.mjs';

/**
 * The journal modes every trial runs in (trials/index.mjs makes one variant per mode). Applied to
 * every connection, whatever the driver, so that only the bindings differ and not SQLite's
 * configuration: the drivers' compiled-in defaults disagree (better-sqlite3 uses a 16 MB page
 * cache, node:sqlite and @photostructure/sqlite 2 MB).
 * - wal: what most applications run (and what docs/WORKER-THREADS.md recommends); a read
 *   transaction takes a read mark in the shared-memory index instead of the file's SHARED lock.
 * - rollback: SQLite's default journal with its default synchronous; every read transaction
 *   takes and drops the file locks and checks the file change counter.
 */
export const MODES = {
  wal: { label: 'WAL', pragmas: ['journal_mode = WAL', 'synchronous = NORMAL', 'cache_size = -16000'] },
  rollback: { label: 'rollback journal', pragmas: ['journal_mode = DELETE', 'synchronous = FULL', 'cache_size = -16000'] },
};

/** The pragmas of a mode (a key of MODES). */
export function pragmasOf(mode) {
  const m = MODES[mode];
  if (!m) throw new Error(`unknown journal mode "${mode}" (known: ${Object.keys(MODES).join(', ')})`);
  return m.pragmas;
}

/**
 * After seeding, untimed: a WAL database is checkpointed (and the WAL truncated), so every driver
 * starts from the same state whatever its seeding path left in the WAL (sync drivers insert row by
 * row, async ones run one script); reads then find their pages in the database file, as on a
 * long-running database between checkpoints.
 */
export const AFTER_SEED = { wal: 'PRAGMA wal_checkpoint(TRUNCATE)', rollback: null };

export const COLUMNS = 'id, name, score, flag';

export function applyPragmas(db, mode) {
  for (const p of pragmasOf(mode)) db.exec(`PRAGMA ${p}`);
}

export function afterSeed(db, mode) {
  if (AFTER_SEED[mode]) db.exec(AFTER_SEED[mode]);
}

export function createTable(db) {
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, flag INTEGER NOT NULL)');
}

/** Row values for ids 1..count, identical for every driver (fixed seed). */
export function rowValues(count, seed = 42) {
  const next = mulberry32(seed);
  const names = new Array(count);
  const scores = new Float64Array(count);
  const flags = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    names[i] = `user-${Math.floor(next() * 2 ** 40).toString(36)}`;
    scores[i] = Math.round(next() * 1e6) / 1e3;
    flags[i] = next() < 0.5 ? 0 : 1;
  }
  return { count, names, scores, flags };
}

/** Insert `values` (from rowValues) in one transaction with one prepared statement. */
export function insertRows(db, values) {
  const insert = db.prepare(`INSERT INTO t (${COLUMNS}) VALUES (?, ?, ?, ?)`);
  const { count, names, scores, flags } = values;
  db.exec('BEGIN');
  for (let i = 0; i < count; i++) insert.run(i + 1, names[i], scores[i], flags[i]);
  db.exec('COMMIT');
  return count;
}

export function createSeeded(db, count) {
  createTable(db);
  insertRows(db, rowValues(count));
}

/** A driver-independent summary of the table, compared across drivers after each measurement. */
export function fingerprint(db) {
  const r = db.prepare('SELECT count(*) AS n, total(score) AS s, total(flag) AS f, total(length(name)) AS l FROM t').get();
  return `${r.n}/${Number(r.s).toFixed(3)}/${r.f}/${r.l}`;
}
