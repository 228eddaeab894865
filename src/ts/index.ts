// Public exports: node:sqlite's module surface (Node 26), plus SqliteError.
import { illegalConstructor, shapeLikeNode } from './class-shape';
import { codedError } from './errors';
import { Database as DatabaseClass, DATABASE_METHOD_ORDER } from './database-sync';
import { Session as SessionClass, SESSION_METHOD_ORDER } from './session';
import {
  Statement as StatementClass,
  StatementIterator as StatementIteratorClass,
  STATEMENT_METHOD_ORDER,
} from './statement-sync';
import { SQLTagStore as SQLTagStoreClass, TAG_STORE_METHOD_ORDER } from './tag-store';

export { constants } from './constants';
export { backup, type BackupOptions, type BackupProgress } from './backup';
export { AsyncDatabase, Transaction, type TransactionOptions } from './async-database';
export { AsyncStatement } from './async-statement';
export { AsyncSession } from './async-session';
export { AbortError } from './async-errors';
export type { OperationOptions } from './async-core';
export { SqliteError, type SqliteErrorShape } from './errors';
export type { DatabaseSyncOptions, DatabasePath, StatementOptions } from './options';
export type { ApplyChangesetOptions } from './session';
export type { SessionOptions } from './session';
export type { DatabaseLimits } from './limits';
export type { AggregateOptions, FunctionOptions, SQLFunctionArgument, SQLFunctionResult } from './user-functions';
export type { SQLTagStore } from './tag-store';
export type { VirtualTableOptions, VirtualTableColumn } from './virtual-table';
export type { Row } from './row-factory';
export type {
  SQLInputValue,
  SQLOutputValue,
  NamedParameters,
  StatementResultingChanges,
  StatementColumnMetadata,
  StatementCounter,
} from './statement-sync';
export type { AuthorizerCallback } from './database-sync';

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
