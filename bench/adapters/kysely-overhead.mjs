// Per-query cost of Kysely on sqlite-strand/kysely against the raw calls it makes, for a point
// select by primary key: sequential awaits and 64 in flight, on an AsyncDatabase (readers 0 and 2)
// and on a DatabaseSync. "kysely alone" is Kysely building, compiling and executing the same query
// on a driver that answers at once (no database): what Kysely costs by itself, whatever the
// driver. Interleaved rounds; medians and fastest rounds; the ratios are the result, not the times.
// `node bench/adapters/kysely-overhead.mjs [rounds]` (after `npm run build:ts`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { SqliteStrandDialect } from '../../dist/kysely.js';

const rounds = Number(process.argv[2] ?? 7);
const ROWS = 1000;
const SEQUENTIAL = 4000;
const BURSTS = 100;
const IN_FLIGHT = 64;
const SQL = 'select * from "users" where "id" = ?';

const dir = mkdtempSync(join(tmpdir(), 'strand-kysely-bench-'));
const file = join(dir, 'bench.db');
const setup = new DatabaseSync(file);
setup.exec(`PRAGMA journal_mode = WAL; CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT, email TEXT);
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${ROWS}) INSERT INTO users SELECT x, 'name ' || x, 'e' || x || '@example.com' FROM c`);
setup.close();

// A dialect whose every query answers one row at once.
const ROW = Object.freeze({ id: 1, name: 'name 1', email: 'e1@example.com' });
const connection = { executeQuery: async () => ({ rows: [ROW] }), streamQuery: async function* () {} };
const instantDialect = {
  createAdapter: () => new SqliteAdapter(),
  createQueryCompiler: () => new SqliteQueryCompiler(),
  createIntrospector: (db) => new SqliteIntrospector(db),
  createDriver: () => ({
    init: async () => {},
    acquireConnection: async () => connection,
    releaseConnection: async () => {},
    beginTransaction: async () => {},
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    destroy: async () => {},
  }),
};
const alone = new Kysely({ dialect: instantDialect });
const kyselyAlone = (i) => alone.selectFrom('users').selectAll().where('id', '=', id(i)).executeTakeFirst();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const id = (i) => (i * 7919) % ROWS + 1;

async function sequential(fn) {
  const start = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) await fn(i);
  return ((performance.now() - start) * 1000) / SEQUENTIAL;
}

async function inFlight(fn) {
  const start = performance.now();
  for (let b = 0; b < BURSTS; b++) await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => fn(b * IN_FLIGHT + i)));
  return ((performance.now() - start) * 1000) / (BURSTS * IN_FLIGHT);
}

async function measure(label, cases) {
  const times = Object.fromEntries(cases.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of cases) times[name].push(await run());
  }
  // The fastest round too: on a loaded machine it is the least disturbed one.
  const base = median(times[cases[0][0]]);
  const baseMin = Math.min(...times[cases[0][0]]);
  console.log(`${label}  (median, ratio; fastest round, ratio)`);
  for (const [name] of cases) {
    const m = median(times[name]);
    const min = Math.min(...times[name]);
    console.log(`  ${name.padEnd(28)} ${m.toFixed(1).padStart(6)} µs ${(m / base).toFixed(2)}×   ${min.toFixed(1).padStart(6)} µs ${(min / baseMin).toFixed(2)}×`);
  }
}

for (const readers of [0, 2]) {
  const database = await AsyncDatabase.open(file, { readers });
  const stmt = await database.prepare(SQL);
  const db = new Kysely({ dialect: new SqliteStrandDialect({ database }) });
  const kysely = (i) => db.selectFrom('users').selectAll().where('id', '=', id(i)).executeTakeFirst();
  await kysely(0);
  await measure(`AsyncDatabase, readers: ${readers}, sequential`, [
    ['db.get(sql, id)', () => sequential((i) => database.get(SQL, id(i)))],
    ['stmt.get(id)', () => sequential((i) => stmt.get(id(i)))],
    ['kysely executeTakeFirst()', () => sequential(kysely)],
    ['kysely alone', () => sequential(kyselyAlone)],
  ]);
  await measure(`AsyncDatabase, readers: ${readers}, ${IN_FLIGHT} in flight`, [
    ['db.get(sql, id)', () => inFlight((i) => database.get(SQL, id(i)))],
    ['stmt.get(id)', () => inFlight((i) => stmt.get(id(i)))],
    ['kysely executeTakeFirst()', () => inFlight(kysely)],
    ['kysely alone', () => inFlight(kyselyAlone)],
  ]);
  await db.destroy();
}

{
  const database = new DatabaseSync(file);
  const stmt = database.prepare(SQL);
  const db = new Kysely({ dialect: new SqliteStrandDialect({ database }) });
  await measure('DatabaseSync, sequential', [
    ['db.prepare(sql).get(id)', () => sequential((i) => database.prepare(SQL).get(id(i)))],
    ['stmt.get(id)', () => sequential((i) => stmt.get(id(i)))],
    ['kysely executeTakeFirst()', () => sequential((i) => db.selectFrom('users').selectAll().where('id', '=', id(i)).executeTakeFirst())],
    ['kysely alone', () => sequential(kyselyAlone)],
  ]);
  await db.destroy();
}
rmSync(dir, { recursive: true, force: true });
