// Public exports: node:sqlite's module surface (Node 26), plus SqliteError.
import { illegalConstructor, shapeLikeNode } from './class-shape';
import { codedError } from './errors';
import { Database as DatabaseClass, DATABASE_METHOD_ORDER } from './database-sync';
import {
  Statement as StatementClass,
  StatementIterator as StatementIteratorClass,
  STATEMENT_METHOD_ORDER,
} from './statement-sync';

export { constants } from './constants';
export { AsyncDatabase, Transaction, type TransactionOptions } from './async-database';
export { AsyncStatement } from './async-statement';
export { AbortError } from './async-errors';
export type { OperationOptions } from './async-core';
export { SqliteError, type SqliteErrorShape } from './errors';
export type { DatabaseSyncOptions, DatabasePath, StatementOptions } from './options';
export type { DatabaseLimits } from './limits';
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

for (const cls of [DatabaseClass, StatementClass]) {
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
