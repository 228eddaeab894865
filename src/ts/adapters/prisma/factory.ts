// PrismaSqliteStrand: the driver adapter factory handed to `new PrismaClient({ adapter })`. Prisma
// calls connect() when the client connects (its first query, or $connect()) and the connection's
// dispose() on $disconnect().
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { AsyncDatabase, type AsyncDatabaseOptions, type TransactionOptions } from 'sqlite-strand';
import { StrandAdapter } from './adapter';
import type { TimestampFormat } from './conversion';
import { ADAPTER_NAME } from './name';
import { StatementCache } from './statements';

/**
 * What the adapter runs on:
 * - `{ url, ...options }`: a database file (`file:` prefix optional, as in Prisma's URLs, or
 *   `':memory:'`) that the adapter opens with `AsyncDatabase.open(path, options)` at each
 *   connect() and closes at dispose();
 * - an `AsyncDatabase`: used as it is, never closed by the adapter (its owner closes it);
 * - a function returning a promise of one: called once, at the first connect() (again only if
 *   that promise rejected); the database is the caller's to close, as above.
 */
export type PrismaSqliteStrandConfig = ({ url: string } & AsyncDatabaseOptions) | AsyncDatabase | (() => Promise<AsyncDatabase>);

/** How the adapter behaves. */
export interface PrismaSqliteStrandOptions {
  /** How DateTime arguments are stored: `'iso8601'` text (default, as Prisma's own SQLite adapters) or `'unixepoch-ms'` numbers. */
  timestampFormat?: TimestampFormat;
  /** The BEGIN of Prisma's transactions: `'deferred'` (default), `'immediate'` or `'exclusive'`. */
  transactionMode?: NonNullable<TransactionOptions['mode']>;
  /** How many prepared statements each connection keeps, by SQL text (default 100; 0: none). */
  statementCacheSize?: number;
}

// SQLite's default SQLITE_MAX_VARIABLE_NUMBER (since 3.32), which sqlite-strand keeps.
const DEFAULT_MAX_BIND_VALUES = 32766;

function codedError(Type: typeof TypeError | typeof RangeError, code: string, message: string): Error {
  return Object.assign(new Type(message), { code });
}

function checkOptions(options: PrismaSqliteStrandOptions | undefined): Required<PrismaSqliteStrandOptions> {
  if (options === undefined) return { timestampFormat: 'iso8601', transactionMode: 'deferred', statementCacheSize: 100 };
  if (typeof options !== 'object' || options === null) {
    throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be an object.');
  }
  const { timestampFormat = 'iso8601', transactionMode = 'deferred', statementCacheSize = 100 } = options;
  if (timestampFormat !== 'iso8601' && timestampFormat !== 'unixepoch-ms') {
    throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The "options.timestampFormat" argument must be 'iso8601' or 'unixepoch-ms'.`);
  }
  if (transactionMode !== 'deferred' && transactionMode !== 'immediate' && transactionMode !== 'exclusive') {
    throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The "options.transactionMode" argument must be 'deferred', 'immediate' or 'exclusive'.`);
  }
  if (typeof statementCacheSize !== 'number' || !Number.isInteger(statementCacheSize) || statementCacheSize < 0) {
    throw codedError(RangeError, 'ERR_OUT_OF_RANGE', 'The "options.statementCacheSize" argument must be an integer >= 0.');
  }
  return { timestampFormat, transactionMode, statementCacheSize };
}

/** How each connect() gets its database, and whether dispose() closes it. */
type DatabaseSource = { open: () => Promise<AsyncDatabase>; owns: boolean; maxBindValues: number };

function databaseSource(config: PrismaSqliteStrandConfig): DatabaseSource {
  if (config instanceof AsyncDatabase) return { open: () => Promise.resolve(config), owns: false, maxBindValues: DEFAULT_MAX_BIND_VALUES };
  if (typeof config === 'function') {
    let opening: Promise<AsyncDatabase> | undefined;
    const open = (): Promise<AsyncDatabase> => {
      opening ??= Promise.resolve()
        .then(config)
        .then((db) => {
          if (!(db instanceof AsyncDatabase)) {
            throw codedError(TypeError, 'ERR_INVALID_RETURN_VALUE', 'The database function must return a promise of an AsyncDatabase.');
          }
          return db;
        });
      opening.catch(() => (opening = undefined)); // a failed open is tried again at the next connect()
      return opening;
    };
    return { open, owns: false, maxBindValues: DEFAULT_MAX_BIND_VALUES };
  }
  if (typeof config === 'object' && config !== null && typeof (config as { url?: unknown }).url === 'string') {
    const { url, ...options } = config;
    const path = url.startsWith('file:') ? url.slice('file:'.length) : url;
    return {
      // The row type does not matter: the adapter sets each statement it runs to arrays (statements.ts).
      open: () => AsyncDatabase.open(path, options) as Promise<AsyncDatabase>,
      owns: true,
      maxBindValues: options.limits?.variableNumber ?? DEFAULT_MAX_BIND_VALUES,
    };
  }
  throw codedError(
    TypeError,
    'ERR_INVALID_ARG_TYPE',
    'The "config" argument must be an AsyncDatabase, a function returning a promise of one, or an object with a string "url".',
  );
}

/**
 * Prisma's driver adapter factory for sqlite-strand: Prisma Client's queries run on an
 * AsyncDatabase's own thread (and, with `readers`, its reads on the reader connections).
 *
 * ```ts
 * const prisma = new PrismaClient({ adapter: new PrismaSqliteStrand({ url: 'file:./dev.db' }) });
 * ```
 */
export class PrismaSqliteStrand implements SqlDriverAdapterFactory {
  readonly provider = 'sqlite';
  readonly adapterName = ADAPTER_NAME;
  readonly #source: DatabaseSource;
  readonly #options: Required<PrismaSqliteStrandOptions>;

  constructor(config: PrismaSqliteStrandConfig, options?: PrismaSqliteStrandOptions) {
    this.#source = databaseSource(config);
    this.#options = checkOptions(options);
  }

  /** A connection: the database (opened now for a `url`) with its own statement cache. */
  async connect(): Promise<SqlDriverAdapter> {
    const db = await this.#source.open();
    return new StrandAdapter({
      db,
      ownsDatabase: this.#source.owns,
      statements: new StatementCache(this.#options.statementCacheSize),
      timestampFormat: this.#options.timestampFormat,
      transactionMode: this.#options.transactionMode,
      maxBindValues: this.#source.maxBindValues,
    });
  }
}
