// SqliteStrandClient: knex's sqlite3 dialect (query and schema compilers, the DDL helper that
// rebuilds tables for ALTER, its transaction class, processResponse) driving an AsyncDatabase.
// What it changes is the driver: connections (connection.ts), how a compiled query runs — `run`
// for writes knex wants changes/lastID from, `all` for everything else, as the sqlite3 dialect
// does (values.ts shapes bindings and rows) — streams (row-stream.ts), transaction control
// (transaction-control.ts) and cancellation of queries with `.timeout(ms, { cancel: true })`.
//
// The pool. knex runs one query at a time on a connection and holds it until the query's result
// is in, so with the sqlite3 dialect's single pooled connection every query would wait for the one
// before it, and `readers` could never run two reads at once. Here the pool's connections are
// views of ONE AsyncDatabase (one writer connection: no SQLITE_BUSY between them, one `:memory:`
// database), opened by the first and closed by knex.destroy(); they only let several queries be in
// flight on it, where the database's queue orders them and its readers run reads in parallel.
//
// knex makes a transaction's client with Object.create(Client.prototype), without running the
// constructor: the methods it uses (_query, _stream, cancelQuery) keep no state on the client,
// only on the connection. The pool's create/destroy run on the client itself.
import type { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { AsyncDatabase } from 'sqlite-strand';
import { StrandConnection, type QueryScope } from './connection';
import { databaseSource, type DatabaseSource, type SqliteStrandConnectionConfig } from './connection-config';
import { foreignKeysSetting } from './foreign-keys-pragma';
import { rowStream } from './row-stream';
import { Sqlite3Dialect, type KnexQuery } from './sqlite3-dialect';
import { transactionControl } from './transaction-control';
import { plainRows, positionalParameters } from './values';

// knex's default for how long to wait for a connection; also how long a query waits for another
// connection's transaction (database-gate.ts).
const DEFAULT_ACQUIRE_TIMEOUT = 60_000;

// A `connection.database` function's promise: the function is called once, at the first
// connection; a rejection is not kept, so the next connection calls it again.
const opened = new WeakMap<() => Promise<AsyncDatabase>, Promise<AsyncDatabase>>();

function openOnce(open: () => Promise<AsyncDatabase>): Promise<AsyncDatabase> {
  let database = opened.get(open);
  if (database === undefined) {
    database = Promise.resolve()
      .then(open)
      .then((value) => {
        if (!(value instanceof AsyncDatabase)) {
          throw Object.assign(new TypeError('The "connection.database" function must resolve to an AsyncDatabase.'), {
            code: 'ERR_INVALID_RETURN_VALUE',
          });
        }
        return value;
      });
    opened.set(open, database);
    database.catch(() => opened.delete(open));
  }
  return database;
}

// The database a client opened from `connection.filename`, shared by its pool's connections.
const owned = new WeakMap<object, Promise<AsyncDatabase>>();

async function ownedDatabase(client: object, source: Extract<DatabaseSource, { kind: 'file' }>): Promise<AsyncDatabase> {
  for (;;) {
    const current = owned.get(client);
    if (current !== undefined) {
      const database = await current.catch(() => undefined);
      if (database?.isOpen) return database;
      // Closed (by a hook that reached it) or failed to open: open it again, once.
      if (owned.get(client) !== current) continue;
    }
    // returnArrays is refused in connection-config.ts, so rows are objects.
    const opening = AsyncDatabase.open(source.path, source.options) as Promise<AsyncDatabase>;
    owned.set(client, opening);
    opening.catch(() => undefined);
    return opening;
  }
}

// The configuration, checked before knex uses it. knex's sqlite3 dialect warns when
// `connection.filename` is undefined; with `connection.database` there is none to give.
function checkedConfig(config: Knex.Config): Knex.Config {
  const connection = config?.connection;
  if (typeof connection !== 'object' || connection === null) return config;
  const source = databaseSource(connection);
  if (source.kind === 'file' || (connection as { filename?: unknown }).filename !== undefined) return config;
  return { ...config, connection: { ...connection, filename: null } as unknown as Knex.StaticConnectionConfig };
}

// The sqlite3 dialect's choice of driver call: `run` where knex reads changes / lastID.
function runsForChanges(query: KnexQuery): boolean {
  switch (query.method) {
    case 'insert':
    case 'update':
      return !query.returning;
    case 'del':
    case 'counter':
      return true;
    default:
      return false;
  }
}

// The scope with the query's per-operation options: `.options({ readBigInts })`, a cancel signal.
function scopeFor(connection: StrandConnection, query: KnexQuery, signal?: AbortSignal): QueryScope {
  const readBigInts = query.options?.readBigInts;
  const scope = connection.scope;
  if (readBigInts === undefined && signal === undefined) return scope;
  return (scope.with as (options: object) => QueryScope)({ readBigInts, signal });
}

async function execute(scope: QueryScope, query: KnexQuery): Promise<void> {
  const params = positionalParameters(query.bindings);
  if (runsForChanges(query)) {
    const result = await scope.run(query.sql, ...(params as []));
    query.response = result;
    query.context = { lastID: result.lastInsertRowid, changes: result.changes };
  } else {
    query.response = plainRows(await scope.all(query.sql, ...(params as [])));
  }
}

function acquireTimeout(client: Knex.Client): number {
  return client.config?.acquireConnectionTimeout ?? DEFAULT_ACQUIRE_TIMEOUT;
}

async function runQuery(connection: StrandConnection, query: KnexQuery, timeout: number): Promise<KnexQuery> {
  // Another connection holds the database: wait, then check again in the run that issues the query.
  while (!connection.gate.admits(connection)) await connection.gate.admit(connection, timeout);
  const control = transactionControl(query.sql);
  if (control !== undefined) {
    if (control.action === 'begin') await connection.begin(query.sql, control.mode);
    else if (control.action === 'commit') await connection.commit(query.sql);
    else await connection.rollback(query.sql);
    query.response = [];
    return query;
  }
  const foreignKeys = foreignKeysSetting(query.sql);
  if (foreignKeys === 'off') connection.foreignKeysOff();
  try {
    if (query.cancelOnTimeout) {
      await connection.cancellable((signal) => execute(scopeFor(connection, query, signal), query));
    } else {
      await execute(scopeFor(connection, query), query);
    }
  } catch (error) {
    if (foreignKeys === 'off') connection.foreignKeysRestored();
    throw error;
  }
  if (foreignKeys === 'on') connection.foreignKeysRestored();
  return query;
}

async function streamQuery(connection: StrandConnection, query: KnexQuery, stream: Writable, timeout: number): Promise<void> {
  try {
    while (!connection.gate.admits(connection)) await connection.gate.admit(connection, timeout);
  } catch (error) {
    stream.destroy(error as Error);
    throw error;
  }
  const cursor = scopeFor(connection, query).iterate(query.sql, ...(positionalParameters(query.bindings) as []));
  const source = rowStream(cursor as AsyncIterableIterator<object>);
  // Destroyed before the end (a `break`, `stream.destroy()`): the cursor closes with the source, in
  // the same run as the destroy — 'close' comes a tick later, after the query a caller may issue
  // right after its `break` (a DROP TABLE of the table the cursor still reads would fail).
  const destroyStream = stream._destroy;
  stream._destroy = function (error, callback) {
    source.destroy();
    destroyStream.call(this, error, callback);
  };
  return new Promise<void>((resolve, reject) => {
    source.once('error', (error) => stream.destroy(error));
    stream.once('error', reject);
    stream.once('end', resolve);
    stream.once('close', () => resolve());
    source.pipe(stream);
  });
}

/**
 * knex's client for sqlite-strand: `knex({ client: SqliteStrandClient, connection: { filename,
 * readers?, ...AsyncDatabase.open() options }, useNullAsDefault: true })`. The query builder,
 * schema builder, migrations and transactions are those of knex's `sqlite3` client; the queries
 * run on one `AsyncDatabase`, on its own thread (and its readers).
 */
export class SqliteStrandClient extends Sqlite3Dialect {
  /** knex calls this: `knex({ client: SqliteStrandClient, ... })`. */
  constructor(config: Knex.Config) {
    super(checkedConfig(config));
  }

  /** @internal The driver knex keeps as `client.driver`: the library itself. */
  _driver(): { AsyncDatabase: typeof AsyncDatabase } {
    return { AsyncDatabase };
  }

  /**
   * @internal The pool: up to 10 connections (knex's usual default) — views of one database, so
   * that queries issued concurrently are in flight together.
   */
  override poolDefaults(): { min: number; max: number; propagateCreateError: boolean } {
    return { ...super.poolDefaults(), min: 1, max: 10 };
  }

  /** @internal A new pool connection on the database (opened by the first one, or the one given). */
  override async acquireRawConnection(): Promise<StrandConnection> {
    const source = databaseSource(this.connectionSettings as SqliteStrandConnectionConfig);
    switch (source.kind) {
      case 'file':
        return new StrandConnection(await ownedDatabase(this, source), true);
      case 'given':
        return new StrandConnection(source.database, false);
      case 'factory':
        return new StrandConnection(await openOnce(source.open), false);
    }
  }

  /**
   * @internal A pool connection is a view: dropping it closes nothing (destroy() closes the
   * database), but ends what it left open.
   */
  override async destroyRawConnection(connection: StrandConnection): Promise<void> {
    await connection.dropped();
  }

  /**
   * @internal A connection on the database knex opened is replaced once that database is closed
   * (the replacement opens it again). One you gave stays: its queries reject with
   * ERR_INVALID_STATE, "database is not open".
   */
  override async validateConnection(connection: StrandConnection): Promise<boolean> {
    return !connection.ownsDatabase || connection.database.isOpen;
  }

  /** @internal Back to the pool: a foreign-keys-off window left open ends here. */
  override releaseConnection(connection: StrandConnection): Promise<void> {
    connection.foreignKeysRestored();
    return super.releaseConnection(connection);
  }

  /** Destroys knex's pool, then closes the database knex opened (one given to it stays open). */
  override async destroy(callback?: (error?: unknown) => void): Promise<void> {
    try {
      await super.destroy(undefined);
      const opening = owned.get(this);
      owned.delete(this);
      const database = await opening?.catch(() => undefined);
      await database?.close();
    } catch (error) {
      if (typeof callback === 'function') return callback(error);
      throw error;
    }
    if (typeof callback === 'function') callback();
  }

  /**
   * @internal Runs one compiled query; fills `response` (and `context` for writes). An empty query
   * throws synchronously, as in the sqlite3 dialect (knex then reports it without SQL before it).
   */
  _query(connection: StrandConnection, query: KnexQuery): Promise<KnexQuery> {
    if (!query.sql) throw new Error('The query is empty');
    return runQuery(connection, query, acquireTimeout(this));
  }

  /** @internal Streams a select's rows into knex's stream, through a cursor. */
  _stream(connection: StrandConnection, query: KnexQuery, stream: Writable): Promise<void> {
    if (!query.sql) throw new Error('The query is empty');
    return streamQuery(connection, query, stream, acquireTimeout(this));
  }

  /** @internal `.timeout(ms, { cancel: true })`: aborts the query, then resolves once it stopped. */
  override cancelQuery(connection?: StrandConnection): Promise<void> {
    return connection === undefined ? Promise.resolve() : connection.cancel();
  }
}

Object.assign(SqliteStrandClient.prototype, { driverName: 'sqlite-strand', canCancelQuery: true });
