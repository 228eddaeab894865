// Public exports: node:sqlite's module surface (Node 26), plus SqliteError.
import { illegalConstructor, shapeLikeNode } from './shared/class-shape';
import { codedError } from './shared/errors';
import { Database as DatabaseClass, DATABASE_METHOD_ORDER } from './sync/database-sync';
import { Session as SessionClass, SESSION_METHOD_ORDER } from './sync/session';
import {
  Statement as StatementClass,
  StatementIterator as StatementIteratorClass,
  STATEMENT_METHOD_ORDER,
} from './sync/statement-sync';
import { SQLTagStore as SQLTagStoreClass, TAG_STORE_METHOD_ORDER } from './sync/tag-store';

export { constants } from './shared/constants';
export { backup } from './sync/backup';
export type { BackupOptions, BackupProgress } from './shared/backup-options';
export { AsyncDatabase, type AsyncDatabaseOptions } from './async/async-database';
export { Transaction, type TransactionOptions } from './async/transaction';
export { AsyncStatement } from './async/async-statement';
export { AsyncSession } from './async/async-session';
export { AbortError } from './async/async-errors';
export type { OperationOptions } from './async/async-core';
export { SqliteError, type SqliteErrorShape } from './shared/errors';
export type { DatabaseSyncOptions, DatabasePath, StatementOptions } from './shared/options';
export type { ApplyChangesetOptions, SessionOptions } from './shared/session-options';
export type { DatabaseLimits } from './shared/limits';
export type { AggregateOptions, FunctionOptions, SQLFunctionArgument, SQLFunctionResult } from './shared/user-functions';
export type { SQLTagStore } from './sync/tag-store';
export type { VirtualTableOptions, VirtualTableColumn } from './sync/virtual-table';
export type { Row } from './shared/row-factory';
export type {
  SQLInputValue,
  SQLOutputValue,
  NamedParameters,
  StatementResultingChanges,
  StatementColumnMetadata,
} from './shared/types';
export type { StatementCounter } from './sync/statement-sync';
export type { AuthorizerCallback } from './sync/database-sync';

for (const cls of [DatabaseClass, StatementClass, SessionClass]) {
  Object.defineProperty(cls.prototype[Symbol.dispose], 'name', { value: '' });
}

/** A synchronous SQLite connection (node:sqlite's `DatabaseSync`; in Node 26 also `Database`). */
export const DatabaseSync: typeof DatabaseClass = shapeLikeNode(DatabaseClass, DATABASE_METHOD_ORDER, () =>
  codedError(TypeError, 'ERR_CONSTRUCT_CALL_REQUIRED', 'Cannot call constructor without `new`'),
);
export type DatabaseSync = DatabaseClass;
/** Node 26's name for `DatabaseSync`: the same class. */
export const Database = DatabaseSync;
export type Database = DatabaseClass;

/** A prepared statement (node:sqlite's `StatementSync`; in Node 26 also `Statement`). */
export const StatementSync: typeof StatementClass = shapeLikeNode(
  StatementClass,
  STATEMENT_METHOD_ORDER,
  illegalConstructor,
);
export type StatementSync = StatementClass;
/** Node 26's name for `StatementSync`: the same class. */
export const Statement = StatementSync;
export type Statement = StatementClass;

shapeLikeNode(StatementIteratorClass, ['next', 'return'], illegalConstructor);

/** Records changes for a changeset (node:sqlite's `Session`); created by `DatabaseSync#createSession()`. */
export const Session: typeof SessionClass = shapeLikeNode(SessionClass, SESSION_METHOD_ORDER, illegalConstructor);
export type Session = SessionClass;
// node's Session.prototype[Symbol.dispose] is enumerable (a template method, like the others).
Object.defineProperty(SessionClass.prototype, Symbol.dispose, { enumerable: true });
// Not exported by node:sqlite either; shaped so that `store.constructor` looks like node's.
shapeLikeNode(SQLTagStoreClass, TAG_STORE_METHOD_ORDER, illegalConstructor);
