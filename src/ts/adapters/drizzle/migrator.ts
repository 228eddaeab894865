// migrate(): drizzle-kit migrations (a folder with meta/_journal.json and NNNN_name.sql files whose
// statements are separated by `--> statement-breakpoint`), applied by drizzle-orm's own SQLite
// migrator — the one its async drivers use: the migrations newer than the last one recorded in
// `__drizzle_migrations` (or `migrationsTable`) run in one transaction, each recorded there with its
// hash and timestamp, so running it again applies nothing.
import { readMigrationFiles, type MigrationConfig } from 'drizzle-orm/migrator';
import type { SQLiteAsyncDialect, SQLiteSession } from 'drizzle-orm/sqlite-core';
import type { StrandDrizzleDatabase } from './driver';

/** Applies the migrations of `config.migrationsFolder` that the database has not recorded yet. */
export async function migrate<TSchema extends Record<string, unknown>>(db: StrandDrizzleDatabase<TSchema>, config: MigrationConfig): Promise<void> {
  const migrations = readMigrationFiles(config);
  // drizzle's migrators reach the database's dialect and session, which its types mark @internal.
  const { dialect, session } = db as unknown as { dialect: SQLiteAsyncDialect; session: SQLiteSession<'async', unknown, TSchema, never> };
  await dialect.migrate(migrations, session, config);
}
