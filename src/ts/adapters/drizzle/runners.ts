// Runners: what a drizzle query runs on — SQL text through the database or a transaction's scope,
// or a prepared AsyncStatement — with the row shape drizzle asked for. Drizzle maps selected
// fields by position, so its mapped selects, relational queries and values() read arrays; plain
// all()/get() read objects. Each runner holds one `with()` view per shape, made once, so no query
// builds a view or toggles a statement's setters (which would leak into concurrent queries).
import type { AsyncDatabase, AsyncStatement, SQLInputValue, StatementResultingChanges, Transaction } from 'sqlite-strand';

const NO_NAMED_PARAMETERS = Object.freeze({});

/**
 * Drizzle's parameters, all positional (`?`). The library, like node:sqlite, reads a first
 * argument that is a plain object as a bag of named parameters, which would leave a raw
 * `sql\`…${new Date()}\`` bound to nothing (NULL) instead of refused: then an empty bag goes first.
 * Typed as anonymous values: drizzle's are unchecked here, and the library checks each as it binds.
 */
function positional(params: unknown[]): SQLInputValue[] {
  const first = params[0];
  if (typeof first !== 'object' || first === null || ArrayBuffer.isView(first)) return params as SQLInputValue[];
  return [NO_NAMED_PARAMETERS, ...params] as SQLInputValue[];
}

/** Runs SQL text or a statement, reading rows as objects or as arrays. */
export interface QueryRunner {
  run(sql: string, params: unknown[]): Promise<StatementResultingChanges>;
  all(sql: string, params: unknown[], arrays: boolean): Promise<unknown[]>;
  get(sql: string, params: unknown[], arrays: boolean): Promise<unknown>;
}

/** The part of AsyncDatabase and Transaction a scope runner uses (both have it). */
type Scope = Pick<AsyncDatabase, 'run' | 'get' | 'all'> & { with(options: { returnArrays: boolean; readBigInts: boolean }): Scope };

/** SQL text through the database itself or a transaction's scope. */
export class ScopeRunner implements QueryRunner {
  readonly #objects: Scope;
  readonly #arrays: Scope;

  constructor(scope: AsyncDatabase | Transaction, readBigInts: boolean) {
    this.#objects = (scope as Scope).with({ returnArrays: false, readBigInts });
    this.#arrays = (scope as Scope).with({ returnArrays: true, readBigInts });
  }

  run(sql: string, params: unknown[]): Promise<StatementResultingChanges> {
    return this.#objects.run(sql, ...positional(params));
  }

  all(sql: string, params: unknown[], arrays: boolean): Promise<unknown[]> {
    return (arrays ? this.#arrays : this.#objects).all(sql, ...positional(params));
  }

  get(sql: string, params: unknown[], arrays: boolean): Promise<unknown> {
    return (arrays ? this.#arrays : this.#objects).get(sql, ...positional(params));
  }
}

/** A statement prepared once on the database thread; the SQL text argument is ignored. */
export class StatementRunner implements QueryRunner {
  readonly #objects: AsyncStatement<unknown>;
  readonly #arrays: AsyncStatement<unknown>;

  constructor(statement: AsyncStatement, readBigInts: boolean) {
    this.#objects = statement.with({ returnArrays: false, readBigInts });
    this.#arrays = statement.with({ returnArrays: true, readBigInts });
  }

  run(_sql: string, params: unknown[]): Promise<StatementResultingChanges> {
    return this.#objects.run(...positional(params));
  }

  all(_sql: string, params: unknown[], arrays: boolean): Promise<unknown[]> {
    return (arrays ? this.#arrays : this.#objects).all(...positional(params));
  }

  get(_sql: string, params: unknown[], arrays: boolean): Promise<unknown> {
    return (arrays ? this.#arrays : this.#objects).get(...positional(params));
  }
}
