// SqliteStrandClient: knex's sqlite3 dialect (query and schema compilers, the DDL helper that
// rebuilds tables for ALTER, its transaction class, processResponse) driving an AsyncDatabase.
// What it changes is the driver: connections (connection.ts), how a compiled query runs — `run`
// for writes knex wants changes/lastID from, `all` for everything else, as the sqlite3 dialect
// does (values.ts shapes bindings and rows) — streams (row-stream.ts), transaction control
// (transaction-control.ts) and cancellation of queries with `.timeout(ms, { cancel: true })`.
//
// knex makes a transaction's client with Object.create(Client.prototype), without running the
// constructor: the methods here keep no state on the client, only on the connection.
import type { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { AsyncDatabase } from 'sqlite-strand';
import { StrandConnection, type QueryScope } from './connection';
import { checkPoolConfig, databaseSource } from './connection-config';
import { rowStream } from './row-stream';
import { Sqlite3Dialect, type KnexQuery } from './sqlite3-dialect';
import { transactionControl } from './transaction-control';
import { plainRows, positionalParameters } from './values';

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

// The configuration, checked before knex uses it. knex's sqlite3 dialect warns when
// `connection.filename` is undefined; with `connection.database` there is none to give.
function checkedConfig(config: Knex.Config): Knex.Config {
  checkPoolConfig(config?.pool);
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

async function runQuery(connection: StrandConnection, query: KnexQuery): Promise<KnexQuery> {
  const control = transactionControl(query.sql);
  if (control !== undefined) {
    if (control.action === 'begin') await connection.begin(query.sql, control.mode);
    else if (control.action === 'commit') await connection.commit(query.sql);
    else await connection.rollback(query.sql);
    query.response = [];
  } else if (query.cancelOnTimeout) {
    await connection.cancellable((signal) => execute(scopeFor(connection, query, signal), query));
  } else {
    await execute(scopeFor(connection, query), query);
  }
  return query;
}

/**
 * knex's client for sqlite-strand: `knex({ client: SqliteStrandClient, connection: { filename,
 * readers?, ...AsyncDatabase.open() options }, useNullAsDefault: true })`. The query builder,
 * schema builder, migrations and transactions are those of knex's `sqlite3` client; each
 * connection is an `AsyncDatabase`, whose own thread runs the queries.
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

  /** @internal Opens (or takes) the database of a new pool connection. */
  override async acquireRawConnection(): Promise<StrandConnection> {
    const source = databaseSource(this.connectionSettings);
    switch (source.kind) {
      case 'file':
        return new StrandConnection(await AsyncDatabase.open(source.path, source.options), true);
      case 'given':
        return new StrandConnection(source.database, false);
      case 'factory':
        return new StrandConnection(await openOnce(source.open), false);
    }
  }

  /** @internal Closes the connection's database if knex opened it. */
  override async destroyRawConnection(connection: StrandConnection): Promise<void> {
    if (connection.ownsDatabase) await connection.database.close();
  }

  /**
   * @internal A connection whose database knex opened is replaced once that database is closed.
   * One you gave stays (replacing it would give the same database again): its queries reject
   * with ERR_INVALID_STATE, "database is not open".
   */
  override async validateConnection(connection: StrandConnection): Promise<boolean> {
    return !connection.ownsDatabase || connection.database.isOpen;
  }

  /**
   * @internal Runs one compiled query; fills `response` (and `context` for writes). An empty query
   * throws synchronously, as in the sqlite3 dialect (knex then reports it without SQL before it).
   */
  _query(connection: StrandConnection, query: KnexQuery): Promise<KnexQuery> {
    if (!query.sql) throw new Error('The query is empty');
    return runQuery(connection, query);
  }

  /** @internal Streams a select's rows into knex's stream, through a cursor. */
  _stream(connection: StrandConnection, query: KnexQuery, stream: Writable): Promise<void> {
    if (!query.sql) throw new Error('The query is empty');
    const cursor = scopeFor(connection, query).iterate(query.sql, ...(positionalParameters(query.bindings) as []));
    const source = rowStream(cursor as AsyncIterableIterator<object>);
    return new Promise<void>((resolve, reject) => {
      source.once('error', (error) => stream.destroy(error));
      stream.once('error', reject);
      stream.once('end', resolve);
      // Destroyed before the end (a `break`, `stream.destroy()`): the cursor closes with the source.
      stream.once('close', () => {
        source.destroy();
        resolve();
      });
      source.pipe(stream);
    });
  }

  /** @internal `.timeout(ms, { cancel: true })`: aborts the query, then resolves once it stopped. */
  override cancelQuery(connection?: StrandConnection): Promise<void> {
    return connection === undefined ? Promise.resolve() : connection.cancel();
  }
}

Object.assign(SqliteStrandClient.prototype, { driverName: 'sqlite-strand', canCancelQuery: true });
