// Recognises the transaction-control statements knex sends on a connection — 'BEGIN;', 'COMMIT;',
// 'ROLLBACK' — and the same statements sent as `knex.raw()`, so they go through the connection's
// db.transaction() (connection.ts) rather than to SQLite as plain SQL. Savepoints (knex's nested
// transactions: 'SAVEPOINT trx2;', 'RELEASE SAVEPOINT trx2;', 'ROLLBACK TO SAVEPOINT trx2') are
// plain SQL run inside that transaction, and are not matched here.
import type { TransactionOptions } from 'sqlite-strand';

/** A transaction-control statement: what it does, and a BEGIN's mode. */
export type TransactionControl =
  | { action: 'begin'; mode: TransactionOptions['mode'] }
  | { action: 'commit' }
  | { action: 'rollback' };

// One whole statement (an optional `;` and whitespace around): BEGIN [mode] [TRANSACTION],
// COMMIT / END [TRANSACTION], ROLLBACK [TRANSACTION] — not ROLLBACK TO, which is a savepoint's.
const CONTROL = /^\s*(?:BEGIN(?:\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?|(COMMIT|END)|(ROLLBACK))(?:\s+TRANSACTION)?\s*;?\s*$/i;

/** What `sql` does, if it is a transaction-control statement; undefined for any other SQL. */
export function transactionControl(sql: string): TransactionControl | undefined {
  const match = CONTROL.exec(sql);
  if (match === null) return undefined;
  if (match[2] !== undefined) return { action: 'commit' };
  if (match[3] !== undefined) return { action: 'rollback' };
  const mode = match[1]?.toLowerCase() as TransactionOptions['mode'];
  return { action: 'begin', mode: mode ?? 'deferred' };
}
