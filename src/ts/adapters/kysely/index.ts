// sqlite-strand/kysely: a Kysely dialect on sqlite-strand's AsyncDatabase (or DatabaseSync).
// docs/ORMS.md, "Kysely".
export { SqliteStrandDialect, type SqliteStrandDialectConfig } from './dialect';
export { SqliteStrandDriver } from './driver';
export { SqliteStrandAdapter } from './adapter';
export type { SqliteStrandDatabase, DatabaseOption, AbortableOptions } from './database-option';
