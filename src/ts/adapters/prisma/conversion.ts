// Values between Prisma's query compiler and SQLite: the arguments Prisma binds (by their
// ArgType) and the column types and row values it reads back (ColumnTypeEnum).
//
// SQLite's types are dynamic, so a column's type comes from its declared type when it has one
// Prisma knows, and otherwise from the first non-null value in it (an expression, a view column,
// a table declared without types). Statements run with readBigInts, so an INTEGER arrives as a
// bigint and a REAL as a number: that is what tells them apart when a column has no declared type.
import { ColumnTypeEnum, type ArgType, type ColumnType } from '@prisma/driver-adapter-utils';

/** How a DateTime argument is written: ISO 8601 text (Prisma's own format) or Unix epoch milliseconds. */
export type TimestampFormat = 'iso8601' | 'unixepoch-ms';

// Declared types as Prisma's SQLite migrations write them, and their usual synonyms.
const DECLARED_TYPES: Record<string, ColumnType> = {
  DECIMAL: ColumnTypeEnum.Numeric,
  FLOAT: ColumnTypeEnum.Float,
  DOUBLE: ColumnTypeEnum.Double,
  'DOUBLE PRECISION': ColumnTypeEnum.Double,
  NUMERIC: ColumnTypeEnum.Double,
  REAL: ColumnTypeEnum.Double,
  TINYINT: ColumnTypeEnum.Int32,
  SMALLINT: ColumnTypeEnum.Int32,
  MEDIUMINT: ColumnTypeEnum.Int32,
  INT: ColumnTypeEnum.Int32,
  INTEGER: ColumnTypeEnum.Int32,
  SERIAL: ColumnTypeEnum.Int32,
  INT2: ColumnTypeEnum.Int32,
  BIGINT: ColumnTypeEnum.Int64,
  'UNSIGNED BIG INT': ColumnTypeEnum.Int64,
  INT8: ColumnTypeEnum.Int64,
  DATETIME: ColumnTypeEnum.DateTime,
  TIMESTAMP: ColumnTypeEnum.DateTime,
  TIME: ColumnTypeEnum.Time,
  DATE: ColumnTypeEnum.Date,
  TEXT: ColumnTypeEnum.Text,
  CLOB: ColumnTypeEnum.Text,
  CHARACTER: ColumnTypeEnum.Text,
  VARCHAR: ColumnTypeEnum.Text,
  'VARYING CHARACTER': ColumnTypeEnum.Text,
  NCHAR: ColumnTypeEnum.Text,
  'NATIVE CHARACTER': ColumnTypeEnum.Text,
  NVARCHAR: ColumnTypeEnum.Text,
  BLOB: ColumnTypeEnum.Bytes,
  BOOLEAN: ColumnTypeEnum.Boolean,
  JSONB: ColumnTypeEnum.Json,
};

/** The column type a declared type stands for, or null (no declared type, or one Prisma does not know). */
export function declaredColumnType(declared: string | null): ColumnType | null {
  if (declared === null) return null;
  // `VARCHAR(255)`, `DECIMAL(10, 2)`: the size says nothing about the kind of value.
  const name = declared.replace(/\(.*\)\s*$/s, '').trim().toUpperCase();
  return DECLARED_TYPES[name] ?? null;
}

/** The column type of a value read with readBigInts. */
function valueColumnType(value: unknown): ColumnType {
  switch (typeof value) {
    case 'string':
      return ColumnTypeEnum.Text;
    case 'bigint':
      return ColumnTypeEnum.Int64;
    case 'number':
      return ColumnTypeEnum.UnknownNumber;
    default:
      if (value instanceof Uint8Array) return ColumnTypeEnum.Bytes;
      throw new TypeError(`sqlite-strand/prisma: unexpected value of type ${typeof value} in a result row`);
  }
}

/**
 * The type of each result column: its declared type, else the type of its first non-null value;
 * a column with no declared type and only nulls is Int32 (any type reads a null).
 */
export function columnTypes(declared: readonly (string | null)[], rows: readonly unknown[][]): ColumnType[] {
  return declared.map((type, column) => {
    const fromDeclaration = declaredColumnType(type);
    if (fromDeclaration !== null) return fromDeclaration;
    for (const row of rows) {
      if (row[column] !== null) return valueColumnType(row[column]);
    }
    return ColumnTypeEnum.Int32;
  });
}

/**
 * A row as Prisma reads it: integers as numbers (as text when beyond 2^53, which Prisma parses
 * back), a real stored in an integer column truncated, a number in a DateTime column (epoch
 * milliseconds) as ISO text. Rewrites `row` in place: it is ours, fresh from the database.
 */
export function prismaRow(row: unknown[], types: readonly ColumnType[]): unknown[] {
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    const type = types[i];
    if (type === ColumnTypeEnum.DateTime && (typeof value === 'number' || typeof value === 'bigint')) {
      row[i] = new Date(Number(value)).toISOString();
    } else if (typeof value === 'bigint') {
      const asNumber = Number(value);
      row[i] = Number.isSafeInteger(asNumber) ? asNumber : value.toString();
    } else if (typeof value === 'number' && (type === ColumnTypeEnum.Int32 || type === ColumnTypeEnum.Int64) && !Number.isInteger(value)) {
      row[i] = Math.trunc(value);
    }
  }
  return row;
}

/** An argument as SQLite binds it, by the type Prisma says it has. */
export function sqliteArgument(arg: unknown, argType: ArgType | undefined, timestampFormat: TimestampFormat): unknown {
  if (arg === null) return null;
  const scalar = argType?.scalarType;
  if (typeof arg === 'string') {
    switch (scalar) {
      case 'int':
        return Number.parseInt(arg, 10);
      case 'float':
      case 'decimal':
        return Number.parseFloat(arg);
      case 'bigint':
        return BigInt(arg);
      case 'bytes':
        return Buffer.from(arg, 'base64');
      case 'datetime':
        return timestamp(new Date(arg), timestampFormat);
      default:
        return arg;
    }
  }
  if (typeof arg === 'boolean') return arg ? 1 : 0;
  if (arg instanceof Date) return timestamp(arg, timestampFormat);
  return arg;
}

function timestamp(date: Date, format: TimestampFormat): string | number {
  // Prisma's own SQLite format: ISO 8601 with an explicit offset.
  return format === 'unixepoch-ms' ? date.getTime() : date.toISOString().replace('Z', '+00:00');
}
