// The shared schema, settings, seed data and fingerprint (schema.mjs) for async drivers: the same
// table contents, reached through awaited calls. `await` on a plain value is harmless, so these
// also work on sync drivers (the lag trial uses them for both kinds).
import { AFTER_SEED, COLUMNS, pragmasOf, rowValues } from './schema.mjs';

export async function applyPragmasAsync(db, mode) {
  for (const p of pragmasOf(mode)) await db.exec(`PRAGMA ${p}`);
}

export async function afterSeedAsync(db, mode) {
  if (AFTER_SEED[mode]) await db.exec(AFTER_SEED[mode]);
}

export async function createTableAsync(db) {
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, flag INTEGER NOT NULL)');
}

const ROWS_PER_INSERT = 500;

/**
 * The rows of rowValues(count) as one SQL script: BEGIN, INSERTs of 500 literal rows each, COMMIT.
 * One exec() for every driver (@libsql/client cannot hold a transaction across calls, and 100k
 * awaited single-row inserts would take seconds on some drivers); statements of 500 rows keep
 * SQLite's parse memory small, so it does not inflate the RSS the memory trials report.
 * String(number) round-trips exactly and names are [a-z0-9-] only: the table is identical to the
 * sync trials' one (the fingerprints agree).
 */
export function insertScript(values) {
  const { count, names, scores, flags } = values;
  const statements = [];
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + ROWS_PER_INSERT); i++) {
      rows.push(`(${i + 1},'${names[i]}',${String(scores[i])},${flags[i]})`);
    }
    statements.push(`INSERT INTO t (${COLUMNS}) VALUES ${rows.join(',')}`);
  }
  return `BEGIN;\n${statements.join(';\n')};\nCOMMIT;`;
}

export async function createSeededAsync(db, count) {
  await createTableAsync(db);
  await db.exec(insertScript(rowValues(count)));
}

/** Same as schema.mjs fingerprint(), awaited; finalizes its statement (node-sqlite3 needs that to close). */
export async function fingerprintAsync(db) {
  const stmt = await db.prepare('SELECT count(*) AS n, total(score) AS s, total(flag) AS f, total(length(name)) AS l FROM t');
  try {
    const r = await stmt.get();
    return `${r.n}/${Number(r.s).toFixed(3)}/${r.f}/${r.l}`;
  } finally {
    await stmt.finalize?.();
  }
}
