// Connections: where a drizzle session's queries go. The database connection runs them on the
// AsyncDatabase (opened lazily when drizzle() was given a function) and can prepare statements;
// a transaction connection runs them through the scope of a db.transaction() callback, which holds
// the database's queue, so nothing issued from outside the transaction can land inside it.
import { AsyncDatabase, type Transaction } from 'sqlite-strand';
import { ScopeRunner, StatementRunner } from './runners';

/** What drizzle() accepts: an open AsyncDatabase, or a function that opens one (called once, lazily). */
export type DatabaseInput = AsyncDatabase | (() => Promise<AsyncDatabase>);

/** How a transaction begins (drizzle's `behavior`). */
export type TransactionBehavior = 'deferred' | 'immediate' | 'exclusive';

/** Where a session's queries run. */
export interface Connection {
  /** The runner for SQL text; a promise only while a lazily opened database is opening. */
  scope(): ScopeRunner | Promise<ScopeRunner>;
  /** Prepares `sql` as a statement of the database; undefined inside a transaction (see below). */
  readonly prepare: ((sql: string) => Promise<StatementRunner>) | undefined;
  /** Runs `fn` in a transaction (a savepoint when this connection is already one). */
  transaction<T>(fn: (connection: Connection) => Promise<T>, behavior: TransactionBehavior | undefined): Promise<T>;
}

function invalidArgType(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

// Runs `fn` on the connection of a transaction scope, which refuses queries once `fn` has settled.
async function inScope<T>(scope: Transaction, readBigInts: boolean, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = new TransactionConnection(scope, readBigInts);
  try {
    return await fn(connection);
  } finally {
    connection.end();
  }
}

/**
 * Whether `value` is an AsyncDatabase: of this copy of the library, or of the other build of it —
 * an application that `require()`s the adapter and `import`s the library gets the CommonJS and the
 * ESM copies of the classes (both on the one native addon), and `instanceof` fails across them.
 */
function isAsyncDatabase(value: unknown): value is AsyncDatabase {
  if (value instanceof AsyncDatabase) return true;
  const candidate = value as { constructor?: { name?: unknown }; transaction?: unknown; prepare?: unknown; with?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.constructor?.name === 'AsyncDatabase' &&
    typeof candidate.transaction === 'function' &&
    typeof candidate.prepare === 'function' &&
    typeof candidate.with === 'function'
  );
}

/** Checks drizzle()'s first argument. */
export function checkDatabaseInput(input: unknown): asserts input is DatabaseInput {
  if (!isAsyncDatabase(input) && typeof input !== 'function') {
    throw invalidArgType('The "database" argument must be an AsyncDatabase or a function returning a promise of one.');
  }
}

/** The database itself: queries on SQL text, prepared statements, transactions. */
export class DatabaseConnection implements Connection {
  readonly #readBigInts: boolean;
  #database: AsyncDatabase | undefined;
  #runner: ScopeRunner | undefined;
  #opening: Promise<ScopeRunner> | undefined;
  readonly #open: (() => Promise<AsyncDatabase>) | undefined;

  constructor(input: DatabaseInput, readBigInts: boolean) {
    this.#readBigInts = readBigInts;
    if (typeof input !== 'function') {
      this.#database = input;
      this.#runner = new ScopeRunner(input, readBigInts);
    } else {
      this.#open = input;
    }
  }

  /**
   * The database, opening it through the function given to drizzle() on first use — once: the
   * promise is kept, so a rejection rejects every later query with the same error (the function
   * is not called again; make a new drizzle() instance to retry).
   */
  database(): Promise<AsyncDatabase> {
    if (this.#database !== undefined) return Promise.resolve(this.#database);
    return this.#openOnce().then(() => this.#database as AsyncDatabase);
  }

  scope(): ScopeRunner | Promise<ScopeRunner> {
    return this.#runner ?? this.#openOnce();
  }

  #openOnce(): Promise<ScopeRunner> {
    this.#opening ??= (async () => {
      const database = await (this.#open as () => Promise<AsyncDatabase>)();
      if (!isAsyncDatabase(database)) {
        throw invalidArgType('The function passed to drizzle() must resolve to an AsyncDatabase.');
      }
      this.#database = database;
      this.#runner = new ScopeRunner(database, this.#readBigInts);
      return this.#runner;
    })();
    return this.#opening;
  }

  readonly prepare = async (sql: string): Promise<StatementRunner> => {
    const database = this.#database ?? (await this.database());
    return new StatementRunner(await database.prepare(sql), this.#readBigInts);
  };

  async transaction<T>(fn: (connection: Connection) => Promise<T>, behavior: TransactionBehavior | undefined): Promise<T> {
    const database = this.#database ?? (await this.database());
    return database.transaction((scope) => inScope(scope, this.#readBigInts, fn), { mode: behavior ?? 'deferred' });
  }
}

/**
 * A transaction's scope. It cannot prepare statements: AsyncDatabase#prepare() called from inside
 * the transaction's callback would wait for the transaction it runs in (the library refuses it),
 * so queries prepared here run as SQL text.
 *
 * Once the transaction's callback has settled, its `tx` refuses queries (ERR_INVALID_STATE): a
 * transaction scope's queries skip the database's queue (the transaction holds it), so a `tx` kept
 * and used later would run at once, inside whatever transaction holds the queue then — another
 * request's, which could roll the query back with its own.
 */
export class TransactionConnection implements Connection {
  readonly #scope: Transaction;
  readonly #runner: ScopeRunner;
  readonly #readBigInts: boolean;
  #ended = false;

  constructor(scope: Transaction, readBigInts: boolean) {
    this.#scope = scope;
    this.#readBigInts = readBigInts;
    this.#runner = new ScopeRunner(scope, readBigInts);
  }

  scope(): ScopeRunner {
    if (this.#ended) {
      throw Object.assign(new Error('The transaction has ended: run the query on the database, or in a transaction of its own.'), { code: 'ERR_INVALID_STATE' });
    }
    return this.#runner;
  }

  /** Called when the transaction's callback has settled. */
  end(): void {
    this.#ended = true;
  }

  readonly prepare = undefined;

  /** A SAVEPOINT (SQLite has no nested BEGIN, so `behavior` does not apply). */
  transaction<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return this.#scope.transaction((inner) => inScope(inner, this.#readBigInts, fn));
  }
}
