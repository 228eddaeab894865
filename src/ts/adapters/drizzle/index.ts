// sqlite-strand/drizzle: drizzle-orm on an AsyncDatabase ('async' SQLite mode). See docs/ORMS.md.
export { drizzle, StrandDrizzleDatabase, type StrandDrizzleConfig } from './driver';
export { migrate } from './migrator';
export { StrandSession, StrandTransaction } from './session';
export { StrandPreparedQuery } from './prepared-query';
export type { DatabaseInput, TransactionBehavior } from './connection';
