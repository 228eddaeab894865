// SQLite errors as Prisma's MappedError kinds, from which the client makes its own errors (a
// UniqueConstraintViolation becomes P2002, a ForeignKeyConstraintViolation P2003, ...). Only our
// SqliteError (code ERR_SQLITE_ERROR, errcode = SQLite's extended result code) is mapped; any
// other error (a closed database, an aborted call) is rethrown as it is, and the client reports it
// unchanged.
import { DriverAdapterError, type Error as PrismaError, type MappedError } from '@prisma/driver-adapter-utils';

// SQLite's extended result codes (https://www.sqlite.org/rescode.html) that have a kind of their own.
const SQLITE_BUSY = 5;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_NOTNULL = 1299;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_TRIGGER = 1811;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

interface SqliteErrorLike {
  code: 'ERR_SQLITE_ERROR';
  errcode: number;
  message: string;
}

function isSqliteError(error: unknown): error is SqliteErrorLike {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode, message } = error as Record<string, unknown>;
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && typeof message === 'string';
}

// "UNIQUE constraint failed: User.email, User.name" -> ['User.email', 'User.name']
function failedColumns(message: string): string[] | undefined {
  const list = message.split('constraint failed: ')[1];
  return list === undefined ? undefined : list.split(', ');
}

const fieldOf = (column: string): string => column.slice(column.lastIndexOf('.') + 1);
const tableOf = (column: string): string | undefined => (column.includes('.') ? column.slice(0, column.lastIndexOf('.')) : undefined);
const after = (message: string, marker: string): string | undefined => {
  const at = message.indexOf(marker);
  return at === -1 ? undefined : message.slice(at + marker.length);
};

/** The MappedError standing for SQLite error `errcode` with `message`. */
export function mappedError(errcode: number, message: string): MappedError {
  switch (errcode) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: {
      const columns = failedColumns(message);
      return {
        kind: 'UniqueConstraintViolation',
        constraint: columns === undefined ? undefined : { fields: columns.map(fieldOf) },
        table: columns === undefined ? undefined : tableOf(columns[0]!),
      };
    }
    case SQLITE_CONSTRAINT_NOTNULL: {
      const columns = failedColumns(message);
      return { kind: 'NullConstraintViolation', constraint: columns === undefined ? undefined : { fields: columns.map(fieldOf) } };
    }
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    // A trigger's RAISE(ABORT, ...): Prisma's own SQLite adapters report it as a foreign key error.
    case SQLITE_CONSTRAINT_TRIGGER:
      return { kind: 'ForeignKeyConstraintViolation', constraint: { foreignKey: {} } };
  }
  // SQLITE_BUSY and its extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT): the lock was
  // not granted within the database's `timeout`.
  if ((errcode & 0xff) === SQLITE_BUSY) return { kind: 'SocketTimeout' };
  if (message.startsWith('no such table: ')) return { kind: 'TableDoesNotExist', table: after(message, 'no such table: ') };
  if (message.startsWith('no such column: ')) return { kind: 'ColumnNotFound', column: after(message, 'no such column: ') };
  if (message.includes(' has no column named ')) return { kind: 'ColumnNotFound', column: after(message, ' has no column named ') };
  return { kind: 'sqlite', extendedCode: errcode, message };
}

/**
 * What the adapter throws for `error`: a DriverAdapterError carrying the mapped kind (and the
 * original code and message) for an SQLite error, `error` itself otherwise.
 */
export function adapterError(error: unknown): unknown {
  if (!isSqliteError(error)) return error;
  const payload: PrismaError = {
    ...mappedError(error.errcode, error.message),
    originalCode: String(error.errcode),
    originalMessage: error.message,
  };
  return new DriverAdapterError(payload);
}

/** `promise`, its SQLite errors turned into DriverAdapterErrors. */
export function mapErrors<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: unknown) => {
    throw adapterError(error);
  });
}
