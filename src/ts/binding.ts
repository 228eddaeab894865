// Loads the native addon (a prebuild for this platform, or the one built from source at install)
// and describes what it exports. Nothing outside src/ts touches the addon directly.
import path from 'node:path';
import nodeGypBuild from 'node-gyp-build';

/** Flat row values, or — when the column set may have changed — the values with their names. */
export type NativeRow = unknown[] | { columns: string[]; values: unknown[] };

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
}

export interface NativeStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): NativeRow | undefined;
  all(...params: unknown[]): NativeRow;
  iterateStart(...params: unknown[]): void;
  iterateNext(): NativeRow | undefined;
  iterateStop(): void;
  columns(): (string | null)[];
  sourceSQL(): string;
  expandedSQL(): string;
  setReadBigInts(value: unknown): void;
  setReturnArrays(value: unknown): void;
  setAllowBareNamedParameters(value: unknown): void;
  setAllowUnknownNamedParameters(value: unknown): void;
  close(): void;
}

export interface NativeDatabase {
  open(): void;
  close(): void;
  isOpen(): boolean;
  isTransaction(): boolean;
  exec(sql: unknown): void;
  prepare(sql: unknown): NativeStatement;
  location(dbName?: unknown): string | null;
}

interface NativeBinding {
  NativeDatabase: new (config: NativeDatabaseConfig) => NativeDatabase;
  NativeStatement: new () => NativeStatement;
  sqliteVersion: string;
  sqliteSourceId: string;
}

// dist/index.{js,cjs} sit one level below the package root, where binding.gyp and prebuilds/ are.
export const binding: NativeBinding = nodeGypBuild(path.join(__dirname, '..'));
