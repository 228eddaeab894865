// Public exports: node:sqlite's module surface (Node 26), plus SqliteError.
import { requireNew } from './construct-guard';
import { Database as DatabaseClass } from './database-sync';
import { Statement as StatementClass } from './statement-sync';

export { constants } from './constants';
export { SqliteError, type SqliteErrorShape } from './errors';
export type { DatabaseSyncOptions, DatabasePath } from './options';
export type { Row } from './row-factory';
export type {
  SQLInputValue,
  SQLOutputValue,
  NamedParameters,
  StatementResultingChanges,
  StatementColumnMetadata,
} from './statement-sync';

/** A synchronous SQLite connection (node:sqlite's `DatabaseSync`; in Node 26 also `Database`). */
export const DatabaseSync: typeof DatabaseClass = requireNew(DatabaseClass);
export type DatabaseSync = DatabaseClass;
/** Node 26's name for `DatabaseSync`: the same class. */
export const Database = DatabaseSync;
export type Database = DatabaseClass;

/** A prepared statement (node:sqlite's `StatementSync`; in Node 26 also `Statement`). */
export const StatementSync: typeof StatementClass = requireNew(StatementClass);
export type StatementSync = StatementClass;
/** Node 26's name for `StatementSync`: the same class. */
export const Statement = StatementSync;
export type Statement = StatementClass;
