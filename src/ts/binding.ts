// Loads the native addon (a prebuild for this platform, or the one built from source at install)
// and describes what it exports. Nothing outside src/ts touches the addon directly.
import path from 'node:path';
import nodeGypBuild from 'node-gyp-build';

/**
 * Shared per-env memory through which rows cross from C++ (see src/native/core/row_scratch.h):
 * one tag per cell (0 number, 1 null, 2 boxed), the numbers, and
 * meta = [row count, column count, column names changed].
 * `tags` and `numbers` are replaced when they grow: read them afresh on every call.
 */
export interface RowScratch {
  tags: Uint8Array;
  numbers: Float64Array;
  meta: Int32Array;
}

/** The strings, blobs and bigints of the rows just read, in cell order; null when there are none. */
export type BoxedValues = unknown[] | null;
/** A single value of a row, as SQLite returns it. */
type SQLOutputValue = string | bigint | Uint8Array;

export interface NativeDatabaseConfig {
  location: string;
  readOnly: boolean;
  enableForeignKeyConstraints: boolean;
  enableDoubleQuotedStringLiterals: boolean;
  allowExtension: boolean;
  defensive: boolean;
  timeout: number;
  readBigInts: boolean;
  returnArrays: boolean;
  allowBareNamedParameters: boolean;
  allowUnknownNamedParameters: boolean;
  /** One entry per SQLITE_LIMIT_* id; -1 keeps SQLite's default. */
  limits: number[];
}

/** prepare() overrides; undefined keeps the database's default. */
export interface NativeStatementOptions {
  readBigInts?: boolean;
  returnArrays?: boolean;
  allowBareNamedParameters?: boolean;
  allowUnknownNamedParameters?: boolean;
  persistent?: boolean;
  /** Internal (SQLTagStore): bind argument i to parameter i + 1; the counts must match. */
  positional?: boolean;
}

export interface NativeStatement {
  /** undefined: the results are numbers, in scratch.numbers[0..1]; else [changes, lastInsertRowid] as bigints. */
  run(...params: unknown[]): [bigint, bigint] | undefined;
  /** The boxed values of the row (a lone value unwrapped), or undefined when there is no row. */
  get(...params: unknown[]): BoxedValues | SQLOutputValue | undefined;
  all(...params: unknown[]): BoxedValues | undefined;
  iterateStart(...params: unknown[]): void;
  iterateNext(): BoxedValues | SQLOutputValue | undefined;
  columnNames(): string[];
  iterateStop(): void;
  /** Throws if the statement is finalized or its database closed. */
  iterateCheck(): void;
  columns(): (string | null)[];
  sourceSQL(): string;
  expandedSQL(): string;
  setReadBigInts(value: unknown): void;
  setReturnArrays(value: unknown): void;
  setAllowBareNamedParameters(value: unknown): void;
  setAllowUnknownNamedParameters(value: unknown): void;
  /** Whether rows come back as arrays (after prepare options and setReturnArrays). */
  returnArrays(): boolean;
  isFinalized(): boolean;
  close(): void;
  stat(counter: unknown): number;
  resetStats(): void;
}

/** A session of the session extension (src/native/sync/session_sync.h). */
export interface NativeSession {
  changeset(): Uint8Array;
  patchset(): Uint8Array;
  close(): void;
  /** close() that does nothing when the session or its database is already closed. */
  dispose(): void;
}

export interface NativeDatabase {
  open(): void;
  close(): void;
  isOpen(): boolean;
  /** Its authorizer callback is running (src/native/sync/in_use.h). */
  inAuthorizer(): boolean;
  /** One of its callbacks (the authorizer included) is running: SQLite is mid-operation. */
  inCallback(): boolean;
  isTransaction(): boolean;
  exec(sql: unknown): void;
  prepare(sql: unknown, options?: NativeStatementOptions): NativeStatement;
  location(dbName?: unknown): string | null;
  limit(id: number, value?: number): number;
  /** (name, fn, arity, flags, useBigIntArguments), validated by user-functions.ts. */
  function(name: string, fn: Function, arity: number, flags: number, useBigIntArguments: boolean): void;
  /** (name, start, startIsFunction, step, result, inverse, arity, flags, useBigIntArguments). */
  aggregate(
    name: string,
    start: unknown,
    startIsFunction: boolean,
    step: Function,
    result: unknown,
    inverse: Function | undefined,
    arity: number,
    flags: number,
    useBigIntArguments: boolean,
  ): void;
  /** `table` '' records every table. */
  createSession(table: string, dbName: string): NativeSession;
  applyChangeset(
    changeset: Uint8Array,
    filter: ((table: string) => unknown) | undefined,
    onConflict: ((conflictType: number) => unknown) | undefined,
  ): boolean;
  /** `declaration` is the CREATE TABLE text for sqlite3_declare_vtab; hidden[i] marks column i. */
  createModule(
    name: string,
    declaration: string,
    hidden: boolean[],
    rows: (...args: unknown[]) => unknown,
    directOnly: boolean,
    useBigIntArguments: boolean,
  ): void;
  enableLoadExtension(allow: unknown): void;
  enableDefensive(active: unknown): void;
  loadExtension(path: unknown, entryPoint?: unknown): void;
  serialize(dbName?: unknown): Uint8Array;
  deserialize(buffer: unknown, options?: unknown): void;
  setAuthorizer(callback: unknown): void;
  /** Query diagnostics (database_trace.cc): tracer(sql, nanoseconds) → false to remove itself. */
  setQueryTracer(tracer: ((sql: string, duration: number) => boolean) | null): void;
}

interface NativeBinding {
  NativeDatabase: new (config: NativeDatabaseConfig) => NativeDatabase;
  NativeStatement: new () => NativeStatement;
  scratch: RowScratch;
  /** Starts a module-level backup (src/native/sync/backup_job.h); onEvent reports progress and the end. */
  startBackup(
    source: NativeDatabase,
    path: string,
    rate: number,
    sourceName: string,
    targetName: string,
    onEvent: (kind: 0 | 1, a: unknown, b: unknown) => boolean | void,
    hasProgress: boolean,
  ): void;
  sqliteVersion: string;
  sqliteSourceId: string;
  /** Test instrumentation of the query diagnostics (addon.h). */
  queryTraceStats(): { syncTraceInstalls: number; asyncTracedJobs: number };
}

// dist/index.{js,cjs} sit one level below the package root, where binding.gyp and prebuilds/ are.
export const binding: NativeBinding = nodeGypBuild(path.join(__dirname, '..'));
