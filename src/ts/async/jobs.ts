// The job protocol, TypeScript half (src/native/async/async_job.h J1–J4): the job kinds, one spec
// type per kind (what a call site asks for, named by what it means), one encoder per kind (what
// the engine passes to native add() for it: job_decoders.cc reads the same arguments in the same
// order), and per kind the outcome onComplete hands back (job_delivery.cc).
import type { BoxedValues } from '../binding';
import type { FunctionKind } from './async-functions';

/**
 * Must match STRAND_JOB_KINDS in src/native/async/async_job.h (test/async/job-protocol.test.mjs
 * compares it with the addon's NativeAsyncDatabase.jobKinds).
 */
export const enum JobKind {
  Open = 0,
  Exec = 1,
  Run = 2,
  Get = 3,
  All = 4,
  Prepare = 5,
  IterOpen = 6,
  IterNext = 7,
  IterClose = 8,
  Finalize = 9,
  Close = 10,
  Columns = 11,
  Backup = 12,
  /** Never submitted: a running Backup's progress report (its id negated). */
  BackupProgress = 13,
  Serialize = 14,
  Deserialize = 15,
  Function = 16,
  SessionCreate = 17,
  SessionChangeset = 18,
  SessionPatchset = 19,
  SessionClose = 20,
  ApplyChangeset = 21,
}

// --- Specs: one per kind ---------------------------------------------------------------------

/** What a Run/Get/All/IterOpen runs: a prepared statement or SQL text, with its parameters. */
export interface QueryFields {
  /** The prepared statement's id; 0: ad-hoc SQL text (`sql`). */
  statement: number;
  sql: string | undefined;
  readBigInts: boolean;
  allowBareNamedParameters: boolean;
  allowUnknownNamedParameters: boolean;
  /** SQL parameters, converted when the job is staged (or snapshotted when it is parked). */
  params: unknown[];
}

export type QueryKind = JobKind.Run | JobKind.Get | JobKind.All | JobKind.IterOpen;

/** A query, or the query an iteration opens with (its batch fields are added per request). */
export interface QuerySpec<K extends QueryKind = QueryKind> extends QueryFields {
  kind: K;
}

/** At most `batchRows` rows, and about `batchBytes` bytes, per batch. */
interface BatchFields {
  batchRows: number;
  batchBytes: number;
}

export interface IterOpenSpec extends QueryFields, BatchFields {
  kind: JobKind.IterOpen;
  /** The id of the new cursor. */
  cursor: number;
}

export interface IterNextSpec extends BatchFields {
  kind: JobKind.IterNext;
  cursor: number;
  readBigInts: boolean;
}

export interface OpenSpec {
  kind: JobKind.Open;
}
export interface CloseSpec {
  kind: JobKind.Close;
}
export interface ExecSpec {
  kind: JobKind.Exec;
  sql: string;
}
export interface PrepareSpec {
  kind: JobKind.Prepare;
  sql: string;
  /** The id of the new statement. */
  statement: number;
}
export interface StatementSpec {
  kind: JobKind.Finalize | JobKind.Columns;
  statement: number;
}
export interface IterCloseSpec {
  kind: JobKind.IterClose;
  cursor: number;
}
export interface BackupSpec {
  kind: JobKind.Backup;
  /** The destination file. */
  path: string;
  /** The schema copied… */
  source: string;
  /** …into this schema of the destination. */
  target: string;
  /** Pages per step. */
  rate: number;
  /** Called with (totalPages, remainingPages) after each step; false cancels the job. */
  onProgress: ((totalPages: number, remainingPages: number) => boolean) | undefined;
}
export interface SerializeSpec {
  kind: JobKind.Serialize;
  dbName: string;
}
export interface DeserializeSpec {
  kind: JobKind.Deserialize;
  dbName: string;
  /** A private copy: the job may wait behind a transaction before its bytes are taken. */
  buffer: Uint8Array;
}
export interface FunctionSpec {
  kind: JobKind.Function;
  name: string;
  /** The FunctionTable entry that runs its calls. */
  id: number;
  functionKind: FunctionKind.Scalar | FunctionKind.Aggregate | FunctionKind.Window;
  /** -1: any number of arguments. */
  arity: number;
  /** SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY. */
  flags: number;
  useBigIntArguments: boolean;
}
export interface SessionCreateSpec {
  kind: JobKind.SessionCreate;
  session: number;
  dbName: string;
  /** '': every table. */
  table: string;
}
export interface SessionSpec {
  kind: JobKind.SessionChangeset | JobKind.SessionPatchset | JobKind.SessionClose;
  session: number;
}
export interface ApplyChangesetSpec {
  kind: JobKind.ApplyChangeset;
  /** A private copy: the job may wait behind a transaction before its bytes are taken. */
  changeset: Uint8Array;
  /** The FunctionTable entry holding filter/onConflict; 0: neither. */
  callbacks: number;
  hasFilter: boolean;
  hasConflict: boolean;
}

export type JobSpec =
  | OpenSpec
  | CloseSpec
  | ExecSpec
  | QuerySpec<JobKind.Run | JobKind.Get | JobKind.All>
  | IterOpenSpec
  | IterNextSpec
  | IterCloseSpec
  | PrepareSpec
  | StatementSpec
  | BackupSpec
  | SerializeSpec
  | DeserializeSpec
  | FunctionSpec
  | SessionCreateSpec
  | SessionSpec
  | ApplyChangesetSpec;

/** The specs whose params are SQL parameters, read when the job is staged. */
export function bindsParameters(spec: JobSpec): spec is QuerySpec<JobKind.Run | JobKind.Get | JobKind.All> | IterOpenSpec {
  return spec.kind === JobKind.Run || spec.kind === JobKind.Get || spec.kind === JobKind.All || spec.kind === JobKind.IterOpen;
}

// --- Outcomes: a/b/c of onComplete per kind (job_delivery.cc) --------------------------------

type RowsOutcome = [boxed: BoxedValues, names: string[] | undefined];
type BytesOutcome = [bytes: Uint8Array];

export interface Outcomes {
  [JobKind.Open]: [];
  [JobKind.Exec]: [];
  [JobKind.Run]: [changes: number | bigint, lastInsertRowid: number | bigint];
  [JobKind.Get]: RowsOutcome;
  [JobKind.All]: RowsOutcome;
  [JobKind.Prepare]: [names: string[] | undefined, parameters: number, sourceSQL: string];
  [JobKind.IterOpen]: [...RowsOutcome, done: boolean];
  [JobKind.IterNext]: [...RowsOutcome, done: boolean];
  [JobKind.IterClose]: [];
  [JobKind.Finalize]: [];
  [JobKind.Close]: [];
  /** [origin, database, name, table, declared type] per column, flat. */
  [JobKind.Columns]: [metadata: (string | null)[]];
  [JobKind.Backup]: [pages: number];
  [JobKind.BackupProgress]: [totalPages: number, remainingPages: number];
  [JobKind.Serialize]: BytesOutcome;
  [JobKind.Deserialize]: [];
  /** The FunctionTable id of the function it replaced; 0: none. */
  [JobKind.Function]: [replaced: number];
  [JobKind.SessionCreate]: [];
  [JobKind.SessionChangeset]: BytesOutcome;
  [JobKind.SessionPatchset]: BytesOutcome;
  [JobKind.SessionClose]: [];
  /** True: applied; false: a conflict aborted it. */
  [JobKind.ApplyChangeset]: [applied: boolean];
}

/** What a job of kind K resolves to, from its outcome (called while its rows are in the scratch). */
export type Finish<K extends JobKind, T> = (...outcome: Outcomes[K]) => T;

// --- Encoders: add()'s arguments per kind (job_decoders.cc) ----------------------------------

type QueryArguments = [
  statement: number,
  sql: string | undefined,
  readBigInts: boolean,
  allowBare: boolean,
  allowUnknown: boolean,
  ...params: unknown[],
];
type BatchArguments = [cursor: number, batchRows: number, batchBytes: number];

interface AddArguments {
  [JobKind.Open]: [];
  [JobKind.Close]: [];
  [JobKind.Exec]: [sql: string];
  [JobKind.Run]: QueryArguments;
  [JobKind.Get]: QueryArguments;
  [JobKind.All]: QueryArguments;
  [JobKind.IterOpen]: [...BatchArguments, ...QueryArguments];
  [JobKind.IterNext]: [...BatchArguments, readBigInts: boolean];
  [JobKind.IterClose]: [cursor: number];
  [JobKind.Prepare]: [statement: number, sql: string];
  [JobKind.Finalize]: [statement: number];
  [JobKind.Columns]: [statement: number];
  [JobKind.Backup]: [path: string, source: string, target: string, rate: number, reportProgress: boolean];
  [JobKind.Serialize]: [schema: string];
  [JobKind.Deserialize]: [schema: string, image: Uint8Array];
  [JobKind.Function]: [name: string, id: number, functionKind: number, arity: number, flags: number, useBigIntArguments: boolean];
  [JobKind.SessionCreate]: [session: number, schema: string, table: string];
  [JobKind.SessionChangeset]: [session: number];
  [JobKind.SessionPatchset]: [session: number];
  [JobKind.SessionClose]: [session: number];
  [JobKind.ApplyChangeset]: [changeset: Uint8Array, callbacks: number, hasFilter: boolean, hasConflict: boolean];
}

type SubmittedKind = keyof AddArguments;

/** The native database's add(): id, kind and trace, then that kind's own arguments. */
export interface NativeJobQueue {
  add<K extends SubmittedKind>(id: number, kind: K, trace: boolean, ...args: AddArguments[K]): void;
}

/** Stages `spec` as job `id` on `native`: each kind passes its own arguments, and only those. */
export function encodeJob(native: NativeJobQueue, id: number, trace: boolean, spec: JobSpec): void {
  switch (spec.kind) {
    case JobKind.Run:
    case JobKind.Get:
    case JobKind.All:
      // Spelled out, not built as an array and spread: this is the hot path (await stmt.get(x)),
      // and spreading `params` straight into the call allocates nothing more.
      return native.add(
        id,
        spec.kind,
        trace,
        spec.statement,
        spec.sql,
        spec.readBigInts,
        spec.allowBareNamedParameters,
        spec.allowUnknownNamedParameters,
        ...spec.params,
      );
    case JobKind.IterOpen:
      return native.add(
        id,
        spec.kind,
        trace,
        spec.cursor,
        spec.batchRows,
        spec.batchBytes,
        spec.statement,
        spec.sql,
        spec.readBigInts,
        spec.allowBareNamedParameters,
        spec.allowUnknownNamedParameters,
        ...spec.params,
      );
    case JobKind.IterNext:
      return native.add(id, spec.kind, trace, spec.cursor, spec.batchRows, spec.batchBytes, spec.readBigInts);
    case JobKind.IterClose:
      return native.add(id, spec.kind, trace, spec.cursor);
    case JobKind.Open:
    case JobKind.Close:
      return native.add(id, spec.kind, trace);
    case JobKind.Exec:
      return native.add(id, spec.kind, trace, spec.sql);
    case JobKind.Prepare:
      return native.add(id, spec.kind, trace, spec.statement, spec.sql);
    case JobKind.Finalize:
    case JobKind.Columns:
      return native.add(id, spec.kind, trace, spec.statement);
    case JobKind.Backup:
      return native.add(id, spec.kind, trace, spec.path, spec.source, spec.target, spec.rate, spec.onProgress !== undefined);
    case JobKind.Serialize:
      return native.add(id, spec.kind, trace, spec.dbName);
    case JobKind.Deserialize:
      return native.add(id, spec.kind, trace, spec.dbName, spec.buffer);
    case JobKind.Function:
      return native.add(id, spec.kind, trace, spec.name, spec.id, spec.functionKind, spec.arity, spec.flags, spec.useBigIntArguments);
    case JobKind.SessionCreate:
      return native.add(id, spec.kind, trace, spec.session, spec.dbName, spec.table);
    case JobKind.SessionChangeset:
    case JobKind.SessionPatchset:
    case JobKind.SessionClose:
      return native.add(id, spec.kind, trace, spec.session);
    case JobKind.ApplyChangeset:
      return native.add(id, spec.kind, trace, spec.changeset, spec.callbacks, spec.hasFilter, spec.hasConflict);
  }
}
