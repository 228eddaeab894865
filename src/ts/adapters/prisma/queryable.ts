// queryRaw / executeRaw: what the adapter and its transactions share, each over its own scope
// (the database, or the transaction's `tx`).
import type { SqlQuery, SqlQueryable, SqlResultSet } from '@prisma/driver-adapter-utils';
import type { SQLInputValue } from 'sqlite-strand';
import { columnTypes, prismaRow, sqliteArgument, type TimestampFormat } from './conversion';
import { adapterError } from './errors';
import { ADAPTER_NAME } from './name';
import { inScope, type Scope, type StatementCache } from './statements';

/** What a queryable needs besides its scope: the database's statement cache and the argument format. */
export interface QueryContext {
  readonly statements: StatementCache;
  readonly timestampFormat: TimestampFormat;
}

/** Runs Prisma's queries in a scope. */
export abstract class StrandQueryable implements SqlQueryable {
  readonly provider = 'sqlite';
  readonly adapterName = ADAPTER_NAME;
  protected readonly context: QueryContext;

  constructor(context: QueryContext) {
    this.context = context;
  }

  /** Where the next query runs; throws if it cannot run any more (a transaction that ended). */
  protected abstract scope(): Scope;

  /** The query's result set: its columns, their types and its rows. */
  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    const { statements } = this.context;
    try {
      const scope = this.scope();
      const args = this.#arguments(query);
      const cached = statements.get(query.sql, scope);
      let entry = cached instanceof Promise ? await cached : cached;
      if (entry.columnNames.length === 0) {
        const { lastInsertRowid } = await inScope(scope, entry.statement).run(...args);
        statements.ran(query.sql);
        return { columnNames: [], columnTypes: [], rows: [], lastInsertId: String(lastInsertRowid) };
      }
      const rows = (await inScope(scope, entry.statement).all(...args)) as unknown[][];
      if (rows.length > 0 && rows[0]!.length !== entry.columnNames.length) {
        // The schema changed since the statement was compiled (statements.ts): its columns anew.
        statements.forget(query.sql);
        entry = await statements.get(query.sql, scope);
      }
      const types = columnTypes(entry.declaredTypes, rows);
      return { columnNames: [...entry.columnNames], columnTypes: types, rows: rows.map((row) => prismaRow(row, types)) };
    } catch (error) {
      throw adapterError(error);
    }
  }

  /** The number of rows the statement changed. */
  async executeRaw(query: SqlQuery): Promise<number> {
    try {
      const scope = this.scope();
      const args = this.#arguments(query);
      const cached = this.context.statements.get(query.sql, scope);
      const { statement } = cached instanceof Promise ? await cached : cached;
      const { changes } = await inScope(scope, statement).run(...args);
      this.context.statements.ran(query.sql);
      return Number(changes);
    } catch (error) {
      throw adapterError(error);
    }
  }

  #arguments(query: SqlQuery): SQLInputValue[] {
    return query.args.map((arg, i) => sqliteArgument(arg, query.argTypes[i], this.context.timestampFormat) as SQLInputValue);
  }
}
