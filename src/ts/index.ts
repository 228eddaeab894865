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
import type { DatabasePath, DatabaseSyncOptions } from './shared/options';
import type { Row } from './shared/row-factory';
import type { RowFor } from './shared/row-types';

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

/**
 * `DatabaseSync`'s constructor. The database's row type follows a literal `returnArrays` option:
 * `new DatabaseSync(path)` is a `DatabaseSync<Row>`, `new DatabaseSync(path, { returnArrays:
 * true })` a `DatabaseSync<SQLOutputValue[]>`.
 */
export interface DatabaseSyncConstructor {
  /**
   * Opens (unless `options.open` is false) the database at `path`: a file name, `':memory:'`,
   * `''` (a private temporary database), a `file:` URI string, a `Buffer`/`Uint8Array` holding
   * one, or a `file:` `URL`.
   */
  new <ReturnArrays extends boolean | undefined = undefined>(
    path: DatabasePath,
    options?: DatabaseSyncOptions<ReturnArrays>,
  ): DatabaseClass<RowFor<ReturnArrays>>;
  readonly prototype: DatabaseClass<unknown>;
}

/** A synchronous SQLite connection (node:sqlite's `DatabaseSync`; in Node 26 also `Database`). */
export const DatabaseSync: DatabaseSyncConstructor = shapeLikeNode(DatabaseClass, DATABASE_METHOD_ORDER, () =>
  codedError(TypeError, 'ERR_CONSTRUCT_CALL_REQUIRED', 'Cannot call constructor without `new`'),
);
/** A synchronous SQLite connection whose statements' rows are `R` (`Row`: objects). */
export type DatabaseSync<R = Row> = DatabaseClass<R>;
/** Node 26's name for `DatabaseSync`: the same class. */
export const Database = DatabaseSync;
export type Database<R = Row> = DatabaseClass<R>;

/**
 * `StatementSync` as a value: for `instanceof` (statements are made by `DatabaseSync#prepare()`;
 * the constructor throws ERR_ILLEGAL_CONSTRUCTOR, so it has no construct signature here).
 */
export interface StatementSyncConstructor extends Function {
  readonly prototype: StatementClass<unknown>;
}

/** A prepared statement (node:sqlite's `StatementSync`; in Node 26 also `Statement`). */
export const StatementSync: StatementSyncConstructor = shapeLikeNode(
  StatementClass,
  STATEMENT_METHOD_ORDER,
  illegalConstructor,
);
/** A prepared statement whose rows are `R` (`Row`: objects; `SQLOutputValue[]` with returnArrays). */
export type StatementSync<R = Row> = StatementClass<R>;
/** Node 26's name for `StatementSync`: the same class. */
export const Statement = StatementSync;
export type Statement<R = Row> = StatementClass<R>;

shapeLikeNode(StatementIteratorClass, ['next', 'return'], illegalConstructor);

/** Records changes for a changeset (node:sqlite's `Session`); created by `DatabaseSync#createSession()`. */
export const Session: typeof SessionClass = shapeLikeNode(SessionClass, SESSION_METHOD_ORDER, illegalConstructor);
export type Session = SessionClass;
// node's Session.prototype[Symbol.dispose] is enumerable (a template method, like the others).
Object.defineProperty(SessionClass.prototype, Symbol.dispose, { enumerable: true });
// Not exported by node:sqlite either; shaped so that `store.constructor` looks like node's.
shapeLikeNode(SQLTagStoreClass, TAG_STORE_METHOD_ORDER, illegalConstructor);
