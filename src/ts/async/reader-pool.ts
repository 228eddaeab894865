// ReaderPool: `AsyncDatabase.open(path, { readers: N })` — one writer connection plus N read-only
// reader connections on one WAL file, each an Engine with its own database thread, behind the
// interface of a single Engine (DatabaseCore uses either). Every call settles as it would on one
// connection in call order (docs/ASYNC.md, "Parallel readers").
//
// ORDERING RULES (each one keeps a result what a single connection would give)
//  R1. Reads run on readers only while the writer has nothing that could change what they see in
//      flight ("barriers": writes, exec, DDL, registrations), is in autocommit, has no cursor of a
//      writing statement open (its implicit transaction is open), and has no connection-local
//      state (read-routing.ts). A read issued behind a barrier goes to the writer,
//      in its FIFO, after the barrier — except a cursor's first batch (R4).
//  R2. A barrier waits until every read in flight on a reader has completed: a read issued before
//      a write must not see it, and a reader's snapshot starts when its read does.
//  R3. Whatever is held keeps everything issued after it behind it, in call order (`#line`),
//      except the batches of a cursor that lives on a reader: its snapshot is fixed, so it does
//      not care what the writer does meanwhile.
//  R4. A cursor stays on the connection it opened on, for one consistent snapshot. Where it opens
//      depends only on the call order, never on timing: it waits for the barriers before it, then
//      opens on a reader unless the writer is in a transaction (or routing is off).
//  R5. A prepared statement is prepared on a reader the first time a read of it goes there (the
//      Prepare job ahead of the read, in that reader's FIFO). After a run that failed, its next
//      run goes to the same connection, which reports that error again as a single connection
//      does (jobs.cc AcquireTarget).
//  R6. Function registrations, finalization and close reach every connection (registration and
//      close as barriers); interrupt() interrupts every thread; join() joins every thread. A
//      registration that a reader cannot take yet (its open cursor runs a statement) is replayed
//      there once its cursors end; until then it gets no new work.
//
// LIFETIME: each Engine roots itself while it has jobs in flight (engine.ts), and each job's
// completion closure holds this pool, so a pool with held work is kept alive by the very jobs
// it waits for. Env teardown and GC reach every connection through its own native object.
import { binding, type NativeDatabaseConfig } from '../binding';
import { FunctionTable } from './async-functions';
import { Engine, JobKind, type Completion, type JobSpec } from './engine';
import type { FunctionSpec } from './jobs';
import { isReadSql, localStateIn, perConnectionSettings } from './read-routing';

/** What DatabaseCore needs of its job sink: an Engine, or a ReaderPool standing for one. */
export interface JobSink {
  readonly functions: FunctionTable;
  readonly inTransaction: boolean;
  onQueries: ((queries: unknown[]) => void) | undefined;
  submit(spec: JobSpec, settle: Completion): number;
  cancel(id: number): 'removed' | 'interrupted' | 'none';
  interrupt(): void;
  join(): void;
}

// For tests only (the async fuzzer's reference places cursors as the pool does): the routing rule,
// kept on the addon's exports object like engine.ts's counters.
(binding as unknown as { readRouting?: unknown }).readRouting ??= { isReadSql, localStateIn, perConnectionSettings };

/** The most readers one database may have: each one is a thread and a connection. */
export const MAX_READERS = 64;

interface StatementInfo {
  sql: string;
  read: boolean;
  /** The connections it is prepared on (the writer always). */
  on: Set<Engine>;
  /** A reader's Prepare of it failed: the error its read there rejects with. */
  prepareErrors: Map<Engine, Error>;
  /** Its last run failed there (R5). */
  failedOn: Engine | undefined;
}

type Route =
  | { to: 'hold' }
  | { to: 'reader'; engine: Engine }
  | { to: 'writer'; barrier: boolean }
  | { to: 'cursor'; engine: Engine }
  | { to: 'all'; barrier: boolean; engines: Engine[] };

interface Held {
  id: number;
  spec: JobSpec;
  settle: Completion;
}

// The in-flight counter a dispatched job holds (R1, R2).
const enum Counted {
  Nothing,
  ReadOnReader,
  Barrier,
}

interface Dispatched {
  engine: Engine;
  engineId: number;
  counts: Counted;
}

const isQuery = (kind: JobKind): kind is JobKind.Get | JobKind.All | JobKind.IterOpen =>
  kind === JobKind.Get || kind === JobKind.All || kind === JobKind.IterOpen;

export class ReaderPool implements JobSink {
  readonly #writer: Engine;
  readonly #readerConfig: NativeDatabaseConfig;
  readonly #readerCount: number;
  #readers: Engine[] = [];
  #onQueries: ((queries: unknown[]) => void) | undefined;
  #nextId = 1;
  // R3: held jobs, in call order.
  readonly #line: Held[] = [];
  #drainScheduled = false;
  // Reads in flight on readers (R2) and barriers in flight on the writer (R1).
  #readsOnReaders = 0;
  #barriers = 0;
  // Connection-local state was made on the writer (or deserialize() replaced a schema): routing is off.
  #localState = false;
  readonly #dispatched = new Map<number, Dispatched>();
  readonly #cursorHome = new Map<number, Engine>();
  // Cursors of statements that write, open on the writer (R1).
  readonly #writeCursors = new Set<number>();
  // R6: the last registration that took, per function (name and arity), and the readers where a
  // later one could not take yet — SQLite refuses to replace a function on a connection with a
  // statement running, such as a reader's open cursor. Such a reader takes no new work until its
  // cursors end and the registrations it missed are replayed.
  readonly #defined = new Map<string, FunctionSpec>();
  readonly #behind = new Map<Engine, FunctionSpec[]>();
  // Replaced functions that readers behind still call, by FunctionTable id.
  readonly #retired = new Map<number, Set<Engine>>();
  readonly #statements = new Map<number, StatementInfo>();
  readonly #textIsRead = new Map<string, boolean>();
  /**
   * Where jobs went, for tests (test/async/readers.test.mjs proves routing with them): queries run
   * on each reader, by reader index; jobs on the writer; jobs that waited in the line.
   */
  readonly routed = { readers: [] as number[], writer: 0, held: 0 };

  constructor(config: NativeDatabaseConfig, readers: number) {
    this.#writer = new Engine(config);
    this.#readerConfig = { ...config, readOnly: true };
    this.#readerCount = readers;
  }

  get functions(): FunctionTable {
    return this.#writer.functions;
  }

  get inTransaction(): boolean {
    return this.#writer.inTransaction;
  }

  get onQueries(): ((queries: unknown[]) => void) | undefined {
    return this.#onQueries;
  }

  set onQueries(publish: ((queries: unknown[]) => void) | undefined) {
    this.#onQueries = publish;
    this.#writer.onQueries = publish;
    for (const reader of this.#readers) reader.onQueries = publish;
  }

  /** How many reader connections the database has. */
  get readerCount(): number {
    return this.#readerCount;
  }

  /**
   * After the writer opened (it creates the file; a read-only connection cannot): opens the
   * readers, each on its own thread, with the writer's settings, read-only. Rejects with the
   * first failure; the readers that opened are then closed again.
   */
  async openReaders(): Promise<void> {
    const readers: Engine[] = [];
    for (let i = 0; i < this.#readerCount; i++) {
      const reader = new Engine(this.#readerConfig, new FunctionTable(this.#writer.functions));
      reader.onQueries = this.#onQueries;
      readers.push(reader);
    }
    const opened = await Promise.allSettled(readers.map((reader) => submitted(reader, { kind: JobKind.Open })));
    const failure = opened.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) {
      // The readers that opened are closed and joined; one whose open failed has no connection,
      // and its thread ends with its native object (GC), as a failed AsyncDatabase.open()'s does.
      const closing = readers.filter((_, i) => opened[i]!.status === 'fulfilled');
      await Promise.allSettled(closing.map((reader) => submitted(reader, { kind: JobKind.Close })));
      for (const reader of closing) reader.join();
      throw (failure as PromiseRejectedResult).reason;
    }
    this.#readers = readers;
  }

  submit(spec: JobSpec, settle: Completion): number {
    const id = this.#nextId++;
    if (!this.#tryDispatch(id, spec, settle, this.#line.length > 0)) {
      this.#line.push({ id, spec, settle });
      this.routed.held++;
    }
    return id;
  }

  cancel(id: number): 'removed' | 'interrupted' | 'none' {
    const at = this.#line.findIndex((held) => held.id === id);
    if (at >= 0) {
      this.#line.splice(at, 1);
      this.#scheduleDrain();
      return 'removed';
    }
    const dispatched = this.#dispatched.get(id);
    if (dispatched === undefined) return 'none';
    const outcome = dispatched.engine.cancel(dispatched.engineId);
    if (outcome === 'removed') {
      this.#dispatched.delete(id);
      this.#release(dispatched.counts);
      this.#scheduleDrain();
    }
    return outcome;
  }

  interrupt(): void {
    this.#writer.interrupt();
    for (const reader of this.#readers) reader.interrupt();
  }

  join(): void {
    this.#writer.join();
    for (const reader of this.#readers) reader.join();
  }

  // --- routing ---------------------------------------------------------------------------------

  #statementInfo(spec: JobSpec): StatementInfo | undefined {
    return 'statement' in spec && spec.statement !== 0 ? this.#statements.get(spec.statement) : undefined;
  }

  // Where job `spec` goes now (R1–R6), or 'hold'. `lineWaits`: held jobs were issued before it;
  // `info`: its prepared statement's, if it runs one.
  #route(spec: JobSpec, lineWaits: boolean, info: StatementInfo | undefined): Route {
    switch (spec.kind) {
      case JobKind.Get:
      case JobKind.All:
      case JobKind.IterOpen: {
        const read = info !== undefined ? info.read : spec.statement === 0 && spec.sql !== undefined && this.#isRead(spec.sql);
        // Not a read (INSERT … RETURNING, PRAGMA, …): a barrier, which waits for the reads on readers (R2).
        if (!read) return lineWaits || this.#readsOnReaders > 0 ? { to: 'hold' } : { to: 'writer', barrier: true };
        if (this.#readers.length === 0 || this.#localState) return lineWaits ? { to: 'hold' } : { to: 'writer', barrier: false };
        if (lineWaits) return { to: 'hold' };
        if (this.#barriers > 0) return spec.kind === JobKind.IterOpen ? { to: 'hold' } : { to: 'writer', barrier: false };
        // A write cursor left open (INSERT … RETURNING not drained) keeps its statement's implicit
        // transaction open: only the writer sees its rows until it ends.
        if (this.#writer.inTransaction || this.#writeCursors.size > 0) return { to: 'writer', barrier: false };
        const failedOn = info?.failedOn;
        if (failedOn !== undefined) return failedOn === this.#writer || this.#behind.has(failedOn) ? { to: 'writer', barrier: false } : { to: 'reader', engine: failedOn };
        const reader = this.#leastLoadedReader();
        return reader === undefined ? { to: 'writer', barrier: false } : { to: 'reader', engine: reader };
      }
      case JobKind.IterNext:
      case JobKind.IterClose: {
        const home = this.#cursorHome.get(spec.cursor);
        if (home !== undefined && home !== this.#writer) return { to: 'cursor', engine: home };
        return lineWaits ? { to: 'hold' } : { to: 'writer', barrier: false };
      }
      case JobKind.Finalize: {
        if (lineWaits) return { to: 'hold' };
        const info = this.#statements.get(spec.statement);
        return { to: 'all', barrier: false, engines: info === undefined ? [this.#writer] : [...info.on] };
      }
      case JobKind.Function:
      case JobKind.Close:
        if (lineWaits || this.#readsOnReaders > 0) return { to: 'hold' };
        return { to: 'all', barrier: true, engines: [this.#writer, ...this.#readers] };
      case JobKind.Prepare:
      case JobKind.Columns:
      case JobKind.Serialize:
      case JobKind.Backup:
      case JobKind.SessionCreate:
      case JobKind.SessionChangeset:
      case JobKind.SessionPatchset:
      case JobKind.SessionClose:
        // Writer jobs that change nothing a reader could see.
        return lineWaits ? { to: 'hold' } : { to: 'writer', barrier: false };
      default:
        return lineWaits || this.#readsOnReaders > 0 ? { to: 'hold' } : { to: 'writer', barrier: true };
    }
  }

  // isReadSql of SQL text, remembered for the texts seen last (an application repeats its SQL).
  #isRead(sql: string): boolean {
    let read = this.#textIsRead.get(sql);
    if (read === undefined) {
      read = isReadSql(sql);
      if (this.#textIsRead.size >= 256) this.#textIsRead.delete(this.#textIsRead.keys().next().value as string);
      this.#textIsRead.set(sql, read);
    }
    return read;
  }

  // The reader with the fewest jobs in flight among those up to date with the registrations (R6);
  // undefined if none is.
  #leastLoadedReader(): Engine | undefined {
    // Ties go to the first: back-to-back reads from one caller stay on one reader, in its read runs.
    let best: Engine | undefined;
    for (const reader of this.#readers) {
      if (this.#behind.size > 0 && this.#behind.has(reader)) continue;
      if (best === undefined || reader.pending < best.pending) best = reader;
    }
    return best;
  }

  #tryDispatch(id: number, spec: JobSpec, settle: Completion, lineWaits: boolean): boolean {
    // Looked up once per job, here: routing, the reader's Prepare and the completion all use it.
    const info = this.#statementInfo(spec);
    const route = this.#route(spec, lineWaits, info);
    switch (route.to) {
      case 'hold':
        return false;
      case 'writer':
        this.#onWriter(id, spec, settle, route.barrier, info);
        return true;
      case 'reader':
        this.#onReader(id, spec as Extract<JobSpec, { kind: JobKind.Get | JobKind.All | JobKind.IterOpen }>, settle, route.engine, info);
        return true;
      case 'cursor':
        this.#send(id, route.engine, spec, settle, Counted.Nothing);
        return true;
      case 'all':
        this.#onAll(spec, settle, route.engines, route.barrier);
        return true;
    }
  }

  // Submits `spec` to `engine` as pool job `id`. `counts`: which in-flight counter the job holds
  // until it settles (or a cancel removes it). One object and one closure per job: this is the
  // path of every read.
  #send(id: number, engine: Engine, spec: JobSpec, settle: Completion, counts: Counted, info?: StatementInfo, onSettled?: Completion): void {
    const entry: Dispatched = { engine, engineId: 0, counts };
    this.#dispatched.set(id, entry);
    entry.engineId = engine.submit(spec, (error, a, b, c) => {
      this.#dispatched.delete(id);
      this.#release(counts);
      onSettled?.(error, a, b, c);
      if (info !== undefined) {
        // R5: a read that found no statement because its Prepare failed there rejects with that.
        const prepareError = info.prepareErrors.get(engine);
        if (error !== undefined && prepareError !== undefined) {
          info.prepareErrors.delete(engine);
          error = prepareError;
        }
      }
      this.#afterJob(spec, engine, error, c, info);
      settle(error, a, b, c);
      if (this.#line.length > 0) this.#scheduleDrain();
    });
  }

  #release(counts: Counted): void {
    if (counts === Counted.ReadOnReader) this.#readsOnReaders--;
    else if (counts === Counted.Barrier) this.#barriers--;
  }

  #onWriter(id: number, spec: JobSpec, settle: Completion, barrier: boolean, info: StatementInfo | undefined): void {
    if (barrier) {
      this.#barriers++;
      const sql = this.#sqlOf(spec, info);
      if (!this.#localState && (spec.kind === JobKind.Deserialize || sql === undefined || localStateIn(sql))) this.#localState = true;
      // Per-connection settings reach the readers too, in their FIFOs ahead of the reads that
      // follow the barrier (R1 keeps those on the writer until it has run).
      if (sql !== undefined && /pragma/i.test(sql)) {
        for (const setting of perConnectionSettings(sql)) for (const reader of this.#readers) reader.submit({ kind: JobKind.Exec, sql: setting }, () => {});
      }
    }
    if (spec.kind === JobKind.Prepare) {
      this.#statements.set(spec.statement, {
        sql: spec.sql,
        read: isReadSql(spec.sql),
        on: new Set([this.#writer]),
        prepareErrors: new Map(),
        failedOn: undefined,
      });
    }
    if (spec.kind === JobKind.IterOpen) {
      this.#cursorHome.set(spec.cursor, this.#writer);
      if (barrier) this.#writeCursors.add(spec.cursor);
    }
    this.routed.writer++;
    this.#send(id, this.#writer, spec, settle, barrier ? Counted.Barrier : Counted.Nothing, info);
  }

  #onReader(
    id: number,
    spec: Extract<JobSpec, { kind: JobKind.Get | JobKind.All | JobKind.IterOpen }>,
    settle: Completion,
    reader: Engine,
    info: StatementInfo | undefined,
  ): void {
    if (info !== undefined && !info.on.has(reader)) {
      // R5: prepared there first, in the reader's FIFO ahead of the read.
      info.on.add(reader);
      reader.submit({ kind: JobKind.Prepare, sql: info.sql, statement: spec.statement }, (error) => {
        if (error !== undefined) {
          info.on.delete(reader);
          info.prepareErrors.set(reader, error);
        }
      });
    }
    if (spec.kind === JobKind.IterOpen) this.#cursorHome.set(spec.cursor, reader);
    const index = this.#readers.indexOf(reader);
    this.routed.readers[index] = (this.routed.readers[index] ?? 0) + 1;
    this.#readsOnReaders++;
    this.#send(id, reader, spec, settle, Counted.ReadOnReader, info);
  }

  // A job every connection runs (registration, close, finalize): settles with the writer's
  // outcome once every connection has run it.
  // Close goes to the readers first and to the writer once they have all closed: the last
  // connection to close a WAL database checkpoints it and deletes its -wal and -shm files, and a
  // read-only connection cannot, so with the writer closing first the files were left behind.
  #onAll(spec: JobSpec, settle: Completion, engines: Engine[], barrier: boolean): void {
    if (barrier) this.#barriers++;
    const last = spec.kind === JobKind.Close && engines.length > 1 && engines.includes(this.#writer) ? this.#writer : undefined;
    let left = engines.length;
    let outcome: Parameters<Completion> | undefined;
    const failed = new Set<Engine>();
    const send = (engine: Engine): void => {
      this.#send(this.#nextId++, engine, spec, () => {
        if (--left > 0) {
          if (left === 1 && last !== undefined && engine !== last) send(last);
          return;
        }
        if (barrier) this.#barriers--;
        if (spec.kind === JobKind.Function) this.#afterRegistration(spec, outcome!, engines, failed);
        settle(...outcome!);
      }, Counted.Nothing, undefined, (error, a, b, c) => {
        if (error !== undefined) failed.add(engine);
        if (engine === this.#writer) outcome = [error, a, b, c];
      });
    };
    for (const engine of engines) if (engine !== last) send(engine);
    if (spec.kind === JobKind.Finalize) this.#statements.delete(spec.statement);
  }

  // R6. The writer's outcome is the registration's. Where it took on the writer but not on a
  // reader, that reader falls behind until it can replay it; where the writer refused it but a
  // reader took it, the reader gets the function's previous definition back.
  // The function a registration replaced stays in the table while a reader behind still calls it:
  // the outcome then reports none replaced, and #replay drops it once every reader has replaced it.
  #afterRegistration(spec: FunctionSpec, outcome: Parameters<Completion>, engines: Engine[], failed: Set<Engine>): void {
    const tookOnWriter = outcome[0] === undefined;
    const key = `${spec.name.toLowerCase()}/${spec.arity}`;
    const previous = this.#defined.get(key);
    if (tookOnWriter) this.#defined.set(key, spec);
    const stillUsing = new Set<Engine>();
    for (const reader of engines) {
      if (reader === this.#writer) continue;
      if (tookOnWriter && failed.has(reader)) {
        this.#fallBehind(reader, [spec]);
        stillUsing.add(reader);
      } else if (!tookOnWriter && !failed.has(reader) && previous !== undefined) {
        this.#replay(reader, [previous]);
      }
    }
    const replaced = outcome[1] as number;
    if (stillUsing.size > 0 && replaced !== 0) {
      this.#retired.set(replaced, stillUsing);
      outcome[1] = 0;
    }
  }

  #fallBehind(reader: Engine, specs: FunctionSpec[]): void {
    const missed = this.#behind.get(reader) ?? [];
    missed.push(...specs);
    this.#behind.set(reader, missed);
  }

  // Registers `specs` on `reader` again, in order; those that still fail keep it behind. What each
  // replaced there is one function fewer in use; the last reader to replace it drops it.
  #replay(reader: Engine, specs: FunctionSpec[]): void {
    for (const spec of specs) {
      reader.submit(spec, (error, replaced) => {
        if (error !== undefined) {
          this.#fallBehind(reader, [spec]);
          return;
        }
        const users = this.#retired.get(replaced as number);
        if (users === undefined || !users.delete(reader) || users.size > 0) return;
        this.#retired.delete(replaced as number);
        this.#writer.functions.drop(replaced as number);
      });
    }
  }

  // A cursor on `reader` ended: once it has none, it replays the registrations it missed.
  #catchUp(reader: Engine): void {
    const missed = this.#behind.get(reader);
    if (missed === undefined) return;
    for (const home of this.#cursorHome.values()) if (home === reader) return;
    this.#behind.delete(reader);
    this.#replay(reader, missed);
  }

  // Bookkeeping once a job settled: where its cursor lives, where its statement last failed.
  #afterJob(spec: JobSpec, engine: Engine, error: Error | undefined, c: unknown, info: StatementInfo | undefined): void {
    if (spec.kind === JobKind.IterOpen || spec.kind === JobKind.IterNext || spec.kind === JobKind.IterClose) {
      if (spec.kind === JobKind.IterClose || error !== undefined || c === true) {
        this.#cursorHome.delete(spec.cursor);
        this.#writeCursors.delete(spec.cursor);
        if (this.#behind.size > 0) this.#catchUp(engine);
      }
    }
    if (info !== undefined && (isQuery(spec.kind) || spec.kind === JobKind.Run)) info.failedOn = error === undefined ? undefined : engine;
  }

  // The SQL a barrier runs, for read-routing's checks: undefined when it runs SQL the pool cannot
  // see (deserialize()), '' when it runs none.
  #sqlOf(spec: JobSpec, info: StatementInfo | undefined): string | undefined {
    switch (spec.kind) {
      case JobKind.Deserialize:
        return undefined;
      case JobKind.Exec:
        return spec.sql;
      case JobKind.Run:
      case JobKind.Get:
      case JobKind.All:
      case JobKind.IterOpen:
        return spec.statement !== 0 ? info?.sql : spec.sql;
      default:
        return '';
    }
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled || this.#line.length === 0) return;
    this.#drainScheduled = true;
    // From a microtask, not from inside the completion that made room: the code awaiting that
    // completion resumes first, and whatever it issues lines up behind the held jobs.
    queueMicrotask(this.#drain);
  }

  readonly #drain = (): void => {
    this.#drainScheduled = false;
    while (this.#line.length > 0) {
      const head = this.#line[0]!;
      // Nothing issued before the head waits any more.
      if (!this.#tryDispatch(head.id, head.spec, head.settle, false)) break;
      this.#line.shift();
    }
  };
}

// Submits `spec` to `engine` on its own, as a promise (the pool's own Open and Close of readers).
function submitted(engine: Engine, spec: JobSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    engine.submit(spec, (error) => (error === undefined ? resolve() : reject(error)));
  });
}
