// Compiled with tsc --noEmit under "nodenext" and under "bundler": the public types resolve from
// the installed package. Each @ts-expect-error proves a type is real (not any): it fails the
// compile if the line below it is accepted.
import {
  AsyncDatabase,
  DatabaseSync,
  StatementSync,
  backup,
  type AggregateOptions,
  type BackupOptions,
  type FunctionOptions,
  type Row,
  type SQLInputValue,
  type SQLOutputValue,
  type StatementResultingChanges,
} from 'sqlite-strand';

const db: DatabaseSync = new DatabaseSync(':memory:', { readBigInts: false, timeout: 1000 });
const stmt: StatementSync = db.prepare('SELECT ? AS x');
const input: SQLInputValue = 1n;
const row: Row | SQLOutputValue[] | undefined = stmt.get(input);
const value: SQLOutputValue = 'text';
const changes: StatementResultingChanges = db.prepare('SELECT 1').run();
const lastId: number | bigint = changes.lastInsertRowid;

const fnOptions: FunctionOptions = { deterministic: true, varargs: false };
db.function('twice', fnOptions, (x) => (typeof x === 'number' ? x * 2 : null));
const sumOptions: AggregateOptions<number> = {
  start: 0,
  step: (total, x) => total + Number(x),
  result: (total) => total,
};
db.aggregate('total', sumOptions);

const backupOptions: BackupOptions = { rate: 10, progress: ({ totalPages, remainingPages }) => void (totalPages - remainingPages) };
const pages: Promise<number> = backup(db, 'copy.db', backupOptions);

async function useAsync(): Promise<number> {
  const adb: AsyncDatabase = await AsyncDatabase.open(':memory:');
  const rows = await adb.all('SELECT 1 AS one');
  await adb.close();
  return rows.length;
}

// @ts-expect-error a path is a string, a Uint8Array or a URL
new DatabaseSync(42);
// @ts-expect-error the aggregate's step must be given
const badAggregate: AggregateOptions = { start: 0 };
// @ts-expect-error a string is not a StatementSync
const notAStatement: StatementSync = 'SELECT 1';

export { row, value, lastId, pages, useAsync, badAggregate, notAStatement };
