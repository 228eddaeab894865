// Transaction: the scope a transaction's callback runs its statements through (AsyncDatabase
// #transaction), and the BEGIN/COMMIT/ROLLBACK (or SAVEPOINT) sequence around the callback.
import { checkOperationOptions, type DatabaseCore, type OperationOptions } from './async-core';
import { Queries } from './async-queries';
import { AsyncStatement, startPrepare } from './async-statement';
import { INTERNAL } from '../shared/class-shape';
import { codedError, invalidArgType } from '../shared/errors';
import type { Row } from '../shared/row-factory';
import type { RowFor } from '../shared/row-types';

/** How a transaction begins: BEGIN DEFERRED (default), IMMEDIATE or EXCLUSIVE. */
export interface TransactionOptions {
  mode?: 'deferred' | 'immediate' | 'exclusive';
}

/** The BEGIN of a transaction with `options`; `mode` must be one of TransactionOptions'. */
export function beginStatement(options: TransactionOptions): string {
  const mode = options.mode ?? 'deferred';
  if (mode !== 'deferred' && mode !== 'immediate' && mode !== 'exclusive') {
    throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The "options.mode" argument must be 'deferred', 'immediate' or 'exclusive'.`);
  }
  return `BEGIN ${mode.toUpperCase()}`;
}

/**
 * A transaction in progress: run its statements through this scope. Operations issued on the
 * database itself (or on its statements) wait until the transaction ends. `R` is the type of the
 * scope's rows (those of the `db` or view it was started on); `D` the database's own, which a
 * nested transaction starts from.
 */
export class Transaction<R = Row, D = R> extends Queries<R> {
  #active = true;
  #depth: number;

  /** @internal */
  constructor(token: symbol, core: DatabaseCore, depth: number, options?: OperationOptions) {
    super(token, core, true, options);
    this.#depth = depth;
  }

  /** @internal */
  end(): void {
    this.#active = false;
  }

  /** The same scope with per-operation options; its row type follows a literal `returnArrays`. */
  with<ReturnArrays extends boolean | undefined = undefined>(
    options: OperationOptions<ReturnArrays>,
  ): Transaction<RowFor<ReturnArrays, R>, D> {
    return newTransaction(this.core, this.#depth, { ...this.options, ...checkOperationOptions(options) });
  }

  /**
   * A statement of this database, run inside this transaction, with this scope's per-operation
   * options (those of a `with()` view passed in are not kept): its rows are this scope's `R`.
   */
  statement(statement: AsyncStatement<unknown>): AsyncStatement<R> {
    const state = AsyncStatement.stateIn(this.core, statement);
    if (state === undefined) throw invalidArgType('The "statement" argument must be an AsyncStatement.');
    if (state === 'foreign') {
      throw codedError(TypeError, 'ERR_INVALID_ARG_VALUE', 'The "statement" argument must be a statement of this database.');
    }
    return new AsyncStatement<R>(INTERNAL, this.core, state, this.options, true);
  }

  /**
   * Compiles a statement inside this transaction, where `db.prepare()` would wait for it to end.
   * The statement is the database's, as one `db.prepare()` returns (its rows are the database's
   * `D`): run it here through `statement()`, and after the transaction through the database.
   */
  async prepare(sql: string): Promise<AsyncStatement<D>> {
    const job = startPrepare(this.core, true, sql, this.options);
    await job.compiled;
    return job.statement() as AsyncStatement<D>;
  }

  /**
   * A nested transaction: a SAVEPOINT, released on success, rolled back to on error. Its scope
   * starts without this scope's per-operation options: its rows are the database's `D`.
   */
  transaction<T>(fn: (tx: Transaction<D, D>) => Promise<T> | T): Promise<T> {
    const name = `strand_savepoint_${this.#depth + 1}`;
    return runScoped(this.core, newTransaction<D, D>(this.core, this.#depth + 1), `SAVEPOINT ${name}`, `RELEASE ${name}`, `ROLLBACK TO ${name}; RELEASE ${name}`, fn);
  }
}

// The class is instantiated through this, never by name inside its own body: the bundler renames
// a class that refers to itself (`class _Transaction`), and V8 would show that name in messages
// such as "#<_Transaction> could not be cloned".
export function newTransaction<R, D>(core: DatabaseCore, depth: number, options?: OperationOptions): Transaction<R, D> {
  return new Transaction<R, D>(INTERNAL, core, depth, options);
}

/** Runs `fn` in `scope` between `begin` and `commit`, or `rollback` if `fn` or the commit fails. */
export async function runScoped<T, S extends Transaction<unknown, unknown>>(
  core: DatabaseCore,
  scope: S,
  begin: string,
  commit: string,
  rollback: string,
  fn: (tx: S) => Promise<T> | T,
): Promise<T> {
  await scope.exec(begin);
  let result: T;
  try {
    result = await fn(scope);
  } catch (error) {
    // SQLite may already have rolled back (e.g. on SQLITE_FULL); then ROLLBACK fails harmlessly.
    await scope.exec(rollback).catch(() => undefined);
    scope.end();
    throw error;
  }
  try {
    await scope.exec(commit);
  } catch (error) {
    await scope.exec(rollback).catch(() => undefined);
    scope.end();
    throw error;
  }
  scope.end();
  return result;
}
