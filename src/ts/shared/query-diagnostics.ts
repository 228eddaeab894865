// Query diagnostics: node:sqlite's diagnostics_channel 'sqlite.db.query' (Node 26), which APM
// and tracing tools subscribe to. Each message is a null-prototype object
// `{ sql, database, duration }`: the statement's expanded SQL, the database object it ran on
// and SQLite's measure of its run time in nanoseconds (a number; SQLite's clock ticks in
// milliseconds, so it is a multiple of 1e6). test/compat/diagnostics/ records what exactly
// node publishes and when; README ("Query diagnostics") and docs/ASYNC.md describe ours.
//
// Cost rule: nothing is measured, expanded or allocated while nobody subscribes. Every entry
// point that can run SQL checks `queryChannel.hasSubscribers` (a getter on an object held here,
// so V8 inlines it) and only then turns tracing on for its database — for DatabaseSync a JS
// tracer installed natively (database_trace.cc), for AsyncDatabase a flag on the job.
import diagnosticsChannel from 'node:diagnostics_channel';

/** The channel node:sqlite publishes every finished query on. */
export const queryChannel = diagnosticsChannel.channel('sqlite.db.query');

/** The message of one query, shaped like node's (null prototype, keys in this order). */
export interface QueryMessage {
  sql: string;
  database: object;
  duration: number;
}

// A literal given a null prototype stays in V8's fast mode (see row-factory.ts).
function queryMessage(sql: string, database: object, duration: number): QueryMessage {
  const message = { sql, database, duration };
  Object.setPrototypeOf(message, null);
  return message;
}

/**
 * Publishes one query. False when nobody subscribes any more (the caller then stops tracing).
 * Subscribers' exceptions never reach the caller: diagnostics_channel reports them through
 * process 'uncaughtException' on the next tick, as it does for node's own messages.
 */
export function publishQuery(sql: string, database: object, duration: number): boolean {
  if (!queryChannel.hasSubscribers) return false;
  try {
    queryChannel.publish(queryMessage(sql, database, duration));
  } catch (error) {
    // diagnostics_channel catches what subscribers throw; this is for what publish() itself
    // may throw (a stack overflow at depth): the caller is SQLite or a completion callback,
    // which must never see an exception. Reported like a subscriber's error.
    process.nextTick(() => {
      throw error;
    });
  }
  return true;
}

// DatabaseSync's part (database-sync.ts registers it): turns tracing on for one database.
// Registered rather than imported, so statements and sessions need not import the database.
let traceDatabase: (database: object) => void = () => {};

/** Registers DatabaseSync's tracing switch. Internal. */
export function registerDatabaseTracing(trace: (database: object) => void): void {
  traceDatabase = trace;
}

/**
 * Makes sure the queries of `database` (a DatabaseSync) are published. Call only when
 * `queryChannel.hasSubscribers`, before running SQL on it.
 */
export function traceQueries(database: object): void {
  traceDatabase(database);
}
