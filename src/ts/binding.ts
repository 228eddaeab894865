// Loads the native addon (a prebuild for this platform, or the one built from source at install)
// and describes what it exports. Nothing outside src/ts touches the addon directly.
import path from 'node:path';
import nodeGypBuild from 'node-gyp-build';

/**
 * Shared per-env memory through which rows cross from C++ (see src/native/row_scratch.h):
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

export interface NativeDatabase {
  open(): void;
  close(): void;
  isOpen(): boolean;
  isTransaction(): boolean;
  exec(sql: unknown): void;
  prepare(sql: unknown, options?: NativeStatementOptions): NativeStatement;
  location(dbName?: unknown): string | null;
  limit(id: number, value?: number): number;
  enableLoadExtension(allow: unknown): void;
  enableDefensive(active: unknown): void;
  loadExtension(path: unknown, entryPoint?: unknown): void;
  serialize(dbName?: unknown): Uint8Array;
  deserialize(buffer: unknown, options?: unknown): void;
  setAuthorizer(callback: unknown): void;
}

interface NativeBinding {
  NativeDatabase: new (config: NativeDatabaseConfig) => NativeDatabase;
  NativeStatement: new () => NativeStatement;
  scratch: RowScratch;
  sqliteVersion: string;
  sqliteSourceId: string;
}

// dist/index.{js,cjs} sit one level below the package root, where binding.gyp and prebuilds/ are.
export const binding: NativeBinding = nodeGypBuild(path.join(__dirname, '..'));
