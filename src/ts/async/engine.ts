// Engine: the JS side of one native AsyncDatabase (src/native/async/async_database.h). It numbers
// jobs, stages them natively as they are called and flushes them to the database thread once per
// tick (from a microtask; a long burst in slices of EARLY_FLUSH_JOBS), settles each job when its
// completion arrives, polls for completions while they are imminent (#poll), and keeps the
// process (TSFN ref) and itself (a strong root) alive exactly while jobs are outstanding.
import { setImmediate } from 'node:timers';
import { FunctionTable, type CallType } from './async-functions';
import { binding, type NativeDatabaseConfig } from '../binding';
import { encodeJob, JobKind, type JobSpec, type NativeJobQueue } from './jobs';
import { invalidState } from '../shared/errors';
import { DATABASE_NOT_OPEN } from '../shared/messages';
import { queryChannel } from '../shared/query-diagnostics';

// The job protocol lives in jobs.ts; call sites import its kinds and specs from here too.
export { JobKind, type JobSpec } from './jobs';

// The kinds of job that can run SQL statements, and so publish on 'sqlite.db.query' — those of
// DatabaseSync's calls that do (exec, statements, iteration, serialize/deserialize, sessions'
// changeset/patchset, applyChangeset). Not Prepare, Columns, Finalize, Close, Backup or Function:
// node publishes nothing for their DatabaseSync counterparts.
const TRACED_KINDS: readonly boolean[] = (() => {
  const kinds: boolean[] = [];
  for (const kind of [
    JobKind.Exec,
    JobKind.Run,
    JobKind.Get,
    JobKind.All,
    JobKind.IterOpen,
    JobKind.IterNext,
    JobKind.IterClose,
    JobKind.Serialize,
    JobKind.Deserialize,
    JobKind.SessionChangeset,
    JobKind.SessionPatchset,
    JobKind.ApplyChangeset,
  ]) {
    kinds[kind] = true;
  }
  return kinds;
})();

/**
 * Settles one job from its completion: (error, a, b, c), a/b/c the kind's outcome (jobs.ts
 * Outcomes), undefined when it failed.
 */
export type Completion = (error: Error | undefined, a: unknown, b: unknown, c: unknown) => void;

/** onComplete(id, error, a, b, c, queries, inTransaction, thrownCall): src/native/async/job_delivery.cc. */
type OnComplete = (
  id: number,
  error: Error | undefined,
  a: unknown,
  b: unknown,
  c: unknown,
  queries?: unknown[],
  inTransaction?: boolean,
  thrownCall?: number,
) => void;

/** onCall(callId, type, functionId, groupId, args): one user-function call (async_functions.h). */
type OnCall = (callId: number, type: CallType, functionId: number, group: number, args: unknown[]) => unknown;

interface NativeAsyncDatabase extends NativeJobQueue {
  flush(): void;
  cancel(id: number): 'removed' | 'interrupted' | 'none';
  interrupt(): void;
  ref(): void;
  unref(): void;
  join(): void;
}

// Engines with jobs in flight. A promise's resolver lives only in its engine's table, so without
// this root an engine whose database object was dropped mid-query could be collected, and the
// caller awaiting the promise would wait forever.
const busyEngines = new Set<Engine>();

// A burst of calls in one tick (64 gets in flight) goes to the database thread in slices of this
// many jobs as they are staged, not all at the end of the tick: the thread works through the first
// ones while JS is still staging the rest. Measured on 64 gets in flight: 8 and 16 alike, both
// ~20% faster per get than one flush at the end of the tick.
const EARLY_FLUSH_JOBS = 16;

// How long the event loop keeps polling for completions after the last submission or completion
// while jobs are in flight (see Engine.#poll). As the database thread's spin (scheduler.cc
// kSpinWindow): 1 ms measured no faster than 0.25 ms, and costs more CPU when a query runs long.
const POLL_WINDOW_MS = 0.25;

// For tests only (test/async/wakeups.test.mjs): turns of every engine's completion poll. Kept on
// the addon's exports object, the one thing a test shares with the library's bundle (the test
// counters of src/native/async/test_counters.h are read from it too).
const engineCounters: { pollTurns: number } = ((binding as unknown as { engineCounters?: { pollTurns: number } }).engineCounters ??= {
  pollTurns: 0,
});

export class Engine {
  readonly #native: NativeAsyncDatabase;
  /** User functions and their accumulators (async-functions.ts). */
  readonly functions: FunctionTable;
  readonly #jobs = new Map<number, Completion>();
  readonly #progress = new Map<number, (a: number, b: number) => boolean>();
  #nextId = 1;
  #flushScheduled = false;
  // Jobs staged since the last flush (EARLY_FLUSH_JOBS).
  #staged = 0;
  // Completion polling (see #poll): on while jobs are in flight and one settled or was submitted
  // within the last POLL_WINDOW_MS.
  #polling = false;
  #lastActivity = 0;
  // The Close job was submitted: the thread runs nothing after it, so nothing more may be queued.
  #closeSubmitted = false;
  /** The connection's transaction state (sqlite3_get_autocommit) after the last completed job. */
  inTransaction = false;
  /**
   * Publishes the statements a traced job ran — flat [sql, nanoseconds, ...] — on
   * 'sqlite.db.query' (set by the database core; query-diagnostics.ts). Called from the
   * completion, before the job settles; must not throw.
   */
  onQueries: ((queries: unknown[]) => void) | undefined;

  /** `functions`: the connection's function table (reader-pool.ts shares one registry); default, its own. */
  constructor(config: NativeDatabaseConfig, functions = new FunctionTable()) {
    this.functions = functions;
    // The TSFN holds its callback strongly; a WeakRef keeps that from pinning this engine, so an
    // idle database that is no longer referenced can be garbage-collected (and its thread ended).
    const self = new WeakRef(this);
    const onComplete: OnComplete = (id, error, a, b, c, queries, inTransaction, thrownCall) => {
      const engine = self.deref();
      if (engine === undefined) return;
      // A negative id is not a completion: progress of running job -id (a backup).
      if (id < 0) {
        engine.#reportProgress(-id, a as number, b as number);
        return;
      }
      if (typeof inTransaction === 'boolean') engine.inTransaction = inTransaction;
      engine.#complete(id, error, a, b, c, queries, thrownCall ?? 0);
    };
    // Answered synchronously (it may throw: the native side notes it). Calls come only while a
    // job runs, when the engine is rooted in busyEngines.
    const onCall: OnCall = (callId, type, functionId, group, args) => {
      const engine = self.deref();
      return engine === undefined ? null : engine.functions.call(callId, type, functionId, group, args);
    };
    this.#native = new (binding as unknown as {
      NativeAsyncDatabase: new (c: NativeDatabaseConfig, complete: OnComplete, call: OnCall) => NativeAsyncDatabase;
    }).NativeAsyncDatabase(config, onComplete, onCall);
  }

  /** Stages a job; `settle` is called exactly once, from a completion or a synchronous failure. */
  submit(spec: JobSpec, settle: Completion): number {
    if (this.#closeSubmitted) {
      // Clean-ups (closing a cursor, finalizing) are what the close does anyway.
      const cleanup = spec.kind === JobKind.IterClose || spec.kind === JobKind.Finalize || spec.kind === JobKind.Close;
      settle(cleanup ? undefined : invalidState(DATABASE_NOT_OPEN), undefined, undefined, undefined);
      return 0;
    }
    if (spec.kind === JobKind.Close) this.#closeSubmitted = true;
    const id = this.#nextId++;
    // Decided now, once per job: the database thread times and expands SQL only for a job that
    // someone was listening for when it was submitted.
    const trace = queryChannel.hasSubscribers && TRACED_KINDS[spec.kind] === true;
    try {
      encodeJob(this.#native, id, trace, spec);
    } catch (error) {
      settle(error as Error, undefined, undefined, undefined);
      return 0;
    }
    if (this.#jobs.size === 0) {
      busyEngines.add(this);
      this.#native.ref();
    }
    this.#jobs.set(id, settle);
    if (spec.kind === JobKind.Backup && spec.onProgress !== undefined) this.#progress.set(id, spec.onProgress);
    if (++this.#staged >= EARLY_FLUSH_JOBS) {
      this.#flushStaged();
    } else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flushAtTickEnd);
    }
    this.#lastActivity = performance.now();
    if (!this.#polling) {
      this.#polling = true;
      setImmediate(this.#poll);
    }
    return id;
  }

  /**
   * Cancels job `id`: 'removed' — it never ran and is settled by nobody (the caller settles it);
   * 'interrupted' — it runs and will complete with an interrupt error; 'none' — too late.
   */
  cancel(id: number): 'removed' | 'interrupted' | 'none' {
    if (!this.#jobs.has(id)) return 'none';
    const outcome = this.#native.cancel(id);
    if (outcome === 'removed') this.#forget(id);
    return outcome;
  }

  interrupt(): void {
    this.#native.interrupt();
  }

  /** Jobs submitted and not yet settled (reader-pool.ts routes a read to the least-loaded reader). */
  get pending(): number {
    return this.#jobs.size;
  }

  /** After the Close job completed: joins the thread and releases the native resources. */
  join(): void {
    this.#native.join();
  }

  // Moves the staged jobs to the database thread (rule 3): early, from submit(), for a long
  // burst; otherwise once at the end of the tick (#flushAtTickEnd, one bound function for all).
  #flushStaged(): void {
    this.#staged = 0;
    this.#native.flush();
  }

  readonly #flushAtTickEnd = (): void => {
    this.#flushScheduled = false;
    this.#flushStaged();
  };

  // Completion polling. While jobs are in flight, and for at most POLL_WINDOW_MS after the last
  // submission or completion, a chain of immediates keeps the event loop turning instead of
  // letting it sleep in epoll: the loop polls with a zero timeout, so a completion is taken as
  // soon as the database thread signals it. Waking a sleeping JS thread is what a sequential
  // `await stmt.get()` paid for most (measured on this 2-core VM: the TSFN signal took 20-80 µs to
  // reach the completion callback when the loop slept, ~4 µs when it polled). The loop is never
  // blocked: every other event is served on each turn, and a long query costs one window of
  // polling, then the loop sleeps as before. Nothing is kept alive by it: it stops as soon as no
  // job is in flight (and jobs in flight keep the process alive anyway, through the TSFN ref).
  readonly #poll = (): void => {
    if (this.#jobs.size === 0 || performance.now() - this.#lastActivity > POLL_WINDOW_MS) {
      this.#polling = false;
      return;
    }
    engineCounters.pollTurns++;
    setImmediate(this.#poll);
  };

  #forget(id: number): void {
    this.#jobs.delete(id);
    this.#progress.delete(id);
    if (this.#jobs.size === 0) {
      busyEngines.delete(this);
      this.#native.unref();
    }
  }

  // Runs inside the TSFN callback, which must never throw: progress handlers catch their own.
  #reportProgress(id: number, total: number, remaining: number): void {
    const report = this.#progress.get(id);
    if (report === undefined) return;
    try {
      if (!report(total, remaining)) this.cancel(id);
    } catch (unexpected) {
      queueMicrotask(() => {
        throw unexpected;
      });
    }
  }

  // Runs inside the TSFN callback, which must never throw: settle functions catch their own.
  #complete(
    id: number,
    error: Error | undefined,
    a: unknown,
    b: unknown,
    c: unknown,
    queries: unknown[] | undefined,
    thrownCall: number,
  ): void {
    const settle = this.#jobs.get(id);
    if (settle === undefined) return;
    this.#forget(id);
    this.#lastActivity = performance.now();
    // Published first: a subscriber has seen a query before the code awaiting it resumes.
    if (queries !== undefined) this.onQueries?.(queries);
    try {
      // A job failed by a throwing user function rejects with what it threw (rule F7).
      if (thrownCall !== 0) error = this.functions.claim(error!, thrownCall) as Error;
      settle(error, a, b, c);
    } catch (unexpected) {
      queueMicrotask(() => {
        throw unexpected;
      });
    }
  }
}
