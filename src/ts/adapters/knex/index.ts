// sqlite-strand/knex: a knex client that runs knex's sqlite3 dialect on an AsyncDatabase.
//
//   import knex from 'knex';
//   import { SqliteStrandClient } from 'sqlite-strand/knex';
//   const db = knex({ client: SqliteStrandClient, connection: { filename: 'app.db' }, useNullAsDefault: true });
export { SqliteStrandClient } from './client';
export { StrandConnection } from './connection';
export { databaseConnection, type SqliteStrandConnectionConfig } from './connection-config';
