// FunctionTable: the JS side of an AsyncDatabase's user functions (src/native/async/async_functions.h).
// It holds what must stay on the JS thread — the callbacks, the aggregate accumulators and the
// values callbacks throw — and runs one call at a time, synchronously, inside the TSFN callback
// while the database thread waits for the answer.
//
// One table per connection. With parallel readers (reader-pool.ts) every connection's table shares
// one registry of functions (the same ids everywhere: a registration goes to every connection),
// while what a connection's thread numbers — call ids, aggregate group ids — stays in that
// connection's table: two threads number them independently, so they would collide in a shared
// one.
import { keepOriginalStack } from './async-errors';
import { codedError } from '../shared/errors';
import { isInt32 } from '../shared/v8-checks';

/**
 * Must match STRAND_CALL_TYPES in src/native/async/async_functions.h (test/async/job-protocol.test.mjs
 * compares it with the addon's NativeAsyncDatabase.callTypes).
 */
export const enum CallType {
  Scalar = 1,
  Step = 2,
  Inverse = 3,
  Value = 4,
  Final = 5,
  Discard = 6,
  /** applyChangeset's filter(tableName) → 1 keep / 0 skip. */
  Filter = 7,
  /** applyChangeset's onConflict(conflictType) → its answer when an int32, else -1. */
  Conflict = 8,
}

/**
 * Must match STRAND_FUNCTION_KINDS in src/native/async/async_job.h, but for Changeset (JS only);
 * test/async/job-protocol.test.mjs compares it with the addon's NativeAsyncDatabase.functionKinds.
 */
export const enum FunctionKind {
  Scalar = 1,
  Aggregate = 2,
  Window = 3,
  /** JS only: the callbacks of one AsyncDatabase#applyChangeset (async_sessions.h S4). */
  Changeset = 4,
}

type Callable = (...args: unknown[]) => unknown;

export interface ScalarEntry {
  kind: FunctionKind.Scalar;
  fn: Callable;
  useBigInt: boolean;
}

export interface AggregateEntry {
  kind: FunctionKind.Aggregate | FunctionKind.Window;
  start: unknown;
  startIsFunction: boolean;
  step: Callable;
  result: Callable | undefined;
  inverse: Callable | undefined;
  useBigInt: boolean;
}

export interface ChangesetEntry {
  kind: FunctionKind.Changeset;
  filter: Callable | undefined;
  onConflict: Callable | undefined;
}

type Entry = ScalarEntry | AggregateEntry | ChangesetEntry;

// Thrown values whose statement never reports them (e.g. result() throwing while SQLite frees an
// abandoned group after the statement already failed) are not kept forever: only the newest few.
const MAX_UNCLAIMED = 64;

function outOfRange(value: bigint): Error {
  return codedError(RangeError, 'ERR_OUT_OF_RANGE', `Value is too large to be represented as a JavaScript number: ${value}`);
}

// The functions of one database, shared by the tables of all its connections.
class Registry {
  readonly entries = new Map<number, Entry>();
  nextId = 1;
}

export class FunctionTable {
  readonly #registry: Registry;
  readonly #thrown = new Map<number, unknown>();
  // Accumulators by group id (ids come from this connection's thread, never reused), per function.
  // Weak: a dropped function's accumulators go with it.
  readonly #groups = new WeakMap<AggregateEntry, Map<number, unknown>>();

  /** A table of its own, or (`sharing`) one over the same functions as another connection's. */
  constructor(sharing?: FunctionTable) {
    this.#registry = sharing === undefined ? new Registry() : sharing.#registry;
  }

  /** Adds a function; its id goes to the registration job. */
  add(entry: Entry): number {
    const id = this.#registry.nextId++;
    this.#registry.entries.set(id, entry);
    return id;
  }

  /** Drops a function that was replaced, or whose registration failed. */
  drop(id: number): void {
    this.#registry.entries.delete(id);
  }

  /** Accumulators currently held (for tests: groups abandoned by errors must not stay). */
  get accumulators(): number {
    let count = 0;
    for (const entry of this.#registry.entries.values()) {
      if (entry.kind === FunctionKind.Aggregate || entry.kind === FunctionKind.Window) count += this.#groups.get(entry)?.size ?? 0;
    }
    return count;
  }

  #groupsOf(entry: AggregateEntry): Map<number, unknown> {
    let groups = this.#groups.get(entry);
    if (groups === undefined) {
      groups = new Map();
      this.#groups.set(entry, groups);
    }
    return groups;
  }

  /**
   * The error a failed job rejects with: the value call `id` threw, when the job's error stands
   * for it (its completion's thrownCall, rule F7) and it is still kept, else `error` itself.
   */
  claim(error: Error, id: number): unknown {
    if (!this.#thrown.has(id)) return error;
    const value = this.#thrown.get(id);
    this.#thrown.delete(id);
    // A job's error cannot be `undefined` (that means success): `throw undefined` rejects with
    // the SQLite error that stands for it.
    return value === undefined ? error : value;
  }

  /**
   * One call from the database thread. Returns the SQL result (Scalar, Value, Final); if a
   * callback throws, keeps the thrown value under `callId` and rethrows it (the native side only
   * notes that it threw).
   */
  call(callId: number, type: CallType, functionId: number, group: number, args: unknown[]): unknown {
    const entry = this.#registry.entries.get(functionId);
    if (entry === undefined) return null;
    try {
      if (entry.kind === FunctionKind.Scalar) {
        checkArguments(entry.useBigInt, args);
        return Reflect.apply(entry.fn, undefined, args);
      }
      if (entry.kind === FunctionKind.Changeset) return changesetCall(entry, type, args[0]);
      return aggregateCall(entry, this.#groupsOf(entry), type, group, args);
    } catch (thrown) {
      keepOriginalStack(thrown);
      this.#thrown.set(callId, thrown);
      if (this.#thrown.size > MAX_UNCLAIMED) this.#thrown.delete(this.#thrown.keys().next().value as number);
      throw thrown;
    }
  }
}

// Integers beyond 2^53 arrive as bigints; without useBigIntArguments that is node's error.
function checkArguments(useBigInt: boolean, args: unknown[]): void {
  if (useBigInt) return;
  for (const arg of args) if (typeof arg === 'bigint') throw outOfRange(arg);
}

function startValue(entry: AggregateEntry): unknown {
  return entry.startIsFunction ? Reflect.apply(entry.start as Callable, undefined, []) : entry.start;
}

function resultOf(entry: AggregateEntry, accumulator: unknown): unknown {
  return entry.result === undefined ? accumulator : Reflect.apply(entry.result, undefined, [accumulator]);
}

// applyChangeset's callbacks, called like the sync path's (changeset_apply.cc): receiver null,
// the filter's answer taken as ToBoolean, onConflict's passed on when it is an int32 (V8's
// IsInt32: -0 is not), else -1 — which SQLite rejects with SQLITE_MISUSE.
function changesetCall(entry: ChangesetEntry, type: CallType, arg: unknown): number {
  if (type === CallType.Filter) return Reflect.apply(entry.filter!, null, [arg]) ? 1 : 0;
  const answer: unknown = Reflect.apply(entry.onConflict!, null, [arg]);
  return isInt32(answer) ? answer : -1;
}

// In the sync path's order (user_functions.cc): the group's accumulator is made (and kept) before
// the arguments are converted and the callback runs.
function aggregateCall(entry: AggregateEntry, groups: Map<number, unknown>, type: CallType, group: number, args: unknown[]): unknown {
  switch (type) {
    case CallType.Step:
    case CallType.Inverse: {
      if (!groups.has(group)) groups.set(group, startValue(entry));
      checkArguments(entry.useBigInt, args);
      const callback = type === CallType.Step ? entry.step : entry.inverse!;
      groups.set(group, Reflect.apply(callback, undefined, [groups.get(group), ...args]));
      return undefined;
    }
    case CallType.Value:
      return resultOf(entry, groups.has(group) ? groups.get(group) : startValue(entry));
    case CallType.Final: {
      if (!groups.has(group)) return resultOf(entry, startValue(entry));
      const accumulator = groups.get(group);
      groups.delete(group);
      return resultOf(entry, accumulator);
    }
    case CallType.Discard:
      groups.delete(group);
      return undefined;
    default:
      return null;
  }
}
