// Job: one operation of an AsyncDatabase, carried from the JS thread to the database thread and
// back. It holds only owned C++ data — copied SQL, parameters as SqlValues, rows as OwnedRows,
// errors as ErrorInfo — never a napi_value, reference or env pointer (docs/ARCHITECTURE.md rule 1), so
// it can be dropped on any thread, even after its env is gone.
//
// THE JOB PROTOCOL (the TypeScript mirror is src/ts/async/jobs.ts):
//  J1. A Job is a few common fields — id, kind, trace on the way in; ok/error, thrown_call,
//      in_transaction and the traced queries on the way out — plus one payload per kind: a
//      std::variant of the structs below, each holding that kind's inputs and, after them, its
//      outcome. No field serves two kinds with two meanings; a handler reads and writes only its
//      own kind's payload (kinds that mean the same, Get/All or SessionChangeset/Patchset, share
//      one struct). The payload sits inside the Job: staging a job is still one allocation.
//  J2. The payload always matches `kind`: the JS thread's decoder for that kind (job_decoders.cc)
//      emplaces it, and nothing else sets it. Handlers reach it with std::get; a mismatch would
//      throw std::bad_variant_access inside the job's catch-all, failing that job alone
//      (async_database.h rule 11).
//  J3. The kinds are listed once, in STRAND_JOB_KINDS: the enum below and the addon's
//      NativeAsyncDatabase.jobKinds (name → number) are generated from it, and a test compares
//      that object with the TypeScript JobKind, so the two cannot drift apart unnoticed.
//  J4. On the JS thread, native add(id, kind, trace, ...) takes after its three common arguments
//      the positional arguments of that kind alone (job_decoders.cc lists them per kind), and
//      onComplete(id, error, a, b, c, queries, inTransaction, thrownCall) gives back a/b/c as
//      that kind's outcome (job_delivery.cc lists them per kind).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>
#include "async/owned_rows.h"
#include "core/bind.h"
#include "core/errors.h"
#include "core/serialize.h"
#include "core/sql_value.h"

namespace strand {

// Every job kind, in the order of their numbers (J3). Must match JobKind in src/ts/async/jobs.ts.
#define STRAND_JOB_KINDS(X)                                                                      \
  X(Open)             /* open the connection (the first job of every database) */                \
  X(Exec)             /* one or more statements of SQL text */                                   \
  X(Run)              /* statement or SQL text: step to the end → changes, lastInsertRowid */    \
  X(Get)              /* statement or SQL text: the first row */                                 \
  X(All)              /* statement or SQL text: every row */                                     \
  X(Prepare)          /* SQL text → a prepared statement under an id chosen by JS */             \
  X(IterOpen)         /* statement or SQL text → a cursor under an id chosen by JS, 1st batch */ \
  X(IterNext)         /* cursor → its next batch */                                              \
  X(IterClose)        /* cursor: reset (and finalize the statement it owns) */                   \
  X(Finalize)         /* prepared statement: finalize */                                         \
  X(Close)            /* finalize everything, close the connection, end the thread */            \
  X(Columns)          /* prepared statement → column metadata */                                 \
  X(Backup)           /* copy a schema into a file → page count */                               \
  X(BackupProgress)   /* never submitted: a running Backup's progress report (BackupProgressJob) */ \
  X(Serialize)        /* schema → its bytes (sqlite3_serialize) */                               \
  X(Deserialize)      /* schema, bytes: replace the schema's content */                          \
  X(Function)         /* register a user function (async_functions.h) */                         \
  X(SessionCreate)    /* sessions: async_sessions.h */                                           \
  X(SessionChangeset)                                                                            \
  X(SessionPatchset)                                                                             \
  X(SessionClose)                                                                                \
  X(ApplyChangeset)

enum class JobKind : uint8_t {
#define STRAND_JOB_KIND_ENUMERATOR(name) name,
  STRAND_JOB_KINDS(STRAND_JOB_KIND_ENUMERATOR)
#undef STRAND_JOB_KIND_ENUMERATOR
};

// What a Function job registers. Must match FunctionKind in src/ts/async/async-functions.ts.
#define STRAND_FUNCTION_KINDS(X) X(Scalar, 1) X(Aggregate, 2) X(Window, 3)
enum class FunctionKind : uint32_t {
#define STRAND_FUNCTION_KIND_ENUMERATOR(name, value) name = value,
  STRAND_FUNCTION_KINDS(STRAND_FUNCTION_KIND_ENUMERATOR)
#undef STRAND_FUNCTION_KIND_ENUMERATOR
};

// --- Pieces several kinds share ---------------------------------------------------------------

// What a Run/Get/All/IterOpen executes: a prepared statement, or SQL text prepared for the job.
struct QueryInput {
  uint32_t statement = 0;  // the prepared statement's id; 0: ad-hoc, `sql` is the text
  std::string sql;
  SqlParams params;  // read and converted on the JS thread (bind.h)
  BindOptions bind;
  bool read_bigints = false;  // INTEGER values (and Run's counts) as bigints
};

// Column names, reported only when the column set is new to JS or changed (a re-prepare).
struct ColumnNameReport {
  bool reported = false;  // `names` is set; else JS keeps the names it has
  std::vector<std::string> names;
};

// Rows read on the database thread, published on the JS thread (owned_rows.h).
struct RowsOutcome {
  OwnedRows rows;
  uint32_t columns = 0;
  ColumnNameReport names;
};

// One batch of an iteration: at most `rows` rows, and about `bytes` bytes.
struct BatchLimits {
  uint32_t rows = 0;  // 0 counts as 1
  size_t bytes = 0;   // 0: no limit
};

// Bytes SQLite allocated (sqlite3_serialize, a session's changeset): freed with the job, on
// whichever thread drops it (async_sessions.h S3).
struct BytesOutcome {
  SqliteBytes data;
  int64_t size = 0;
};

// --- One payload per kind (J1): inputs first, then the outcome --------------------------------

struct OpenJob {};

struct ExecJob {
  std::string sql;
};

struct RunJob {
  QueryInput query;
  // Out: SQLite's counts once the statement is over.
  int64_t changes = 0;
  int64_t last_insert_rowid = 0;
};

// Get (the first row) and All (every row).
struct ReadJob {
  QueryInput query;
  RowsOutcome result;
};

struct IterOpenJob {
  QueryInput query;
  uint32_t cursor = 0;  // the id JS chose for the new cursor
  BatchLimits limits;
  RowsOutcome batch;
  bool done = false;  // the cursor is exhausted (and already closed)
};

struct IterNextJob {
  uint32_t cursor = 0;
  bool read_bigints = false;
  BatchLimits limits;
  RowsOutcome batch;
  bool done = false;
};

struct IterCloseJob {
  uint32_t cursor = 0;
};

struct PrepareJob {
  uint32_t statement = 0;  // the id JS chose for it
  std::string sql;
  // Out.
  ColumnNameReport names;
  uint32_t parameters = 0;  // sqlite3_bind_parameter_count
  std::string source_sql;   // the statement's text as SQLite keeps it (sqlite3_sql)
};

struct FinalizeJob {
  uint32_t statement = 0;
};

struct CloseJob {};

struct ColumnsJob {
  uint32_t statement = 0;
  // Out: per column origin name, database, name, table, declared type (absent → null).
  std::vector<std::optional<std::string>> metadata;
};

// The connection is the source itself (core/backup_steps.h).
struct BackupFileJob {
  std::string path;             // the destination file
  std::string source = "main";  // the schema copied…
  std::string target = "main";  // …into this schema of the destination
  int rate = 100;               // pages per step
  bool report_progress = false;  // a BackupProgress report after each step
  // Out.
  int64_t pages = 0;
};

// Made by the database thread for a running Backup job that reports progress, completed
// (delivered to JS with the Backup job's id, negated) and dropped; never submitted.
struct BackupProgressJob {
  int total_pages = 0;
  int remaining_pages = 0;
};

struct SerializeJob {
  std::string schema;
  BytesOutcome image;
};

struct DeserializeJob {
  std::string schema;
  std::string image;  // the bytes to load (copied on the JS thread)
};

// Registers a user function (async_functions.h).
struct FunctionJob {
  std::string name;
  uint32_t function = 0;  // its FunctionTable id (async-functions.ts): the JS side of each call
  FunctionKind function_kind = FunctionKind::Scalar;
  int arity = -1;  // -1: any number of arguments
  int flags = 0;   // SQLITE_DETERMINISTIC, SQLITE_DIRECTONLY (SQLITE_UTF8 is added)
  bool use_bigint_arguments = false;
  // Out: the id of the function this one replaced, whose JS side can go (F9); 0: none.
  uint32_t replaced = 0;
};

// Sessions (async_sessions.h): `session` is the id JS chose for it.
struct SessionCreateJob {
  uint32_t session = 0;
  std::string schema;
  std::string table;  // "": every table
};

// SessionChangeset or SessionPatchset.
struct SessionDiffJob {
  uint32_t session = 0;
  BytesOutcome diff;
};

struct SessionCloseJob {
  uint32_t session = 0;
};

struct ApplyChangesetJob {
  std::string changeset;  // the changeset or patchset (copied on the JS thread)
  uint32_t callbacks = 0;  // the FunctionTable entry holding filter/onConflict (0: neither)
  bool has_filter = false;
  bool has_conflict = false;
  // Out: applied (true), or aborted by a conflict (false).
  bool applied = false;
};

using JobPayload =
    std::variant<OpenJob, ExecJob, RunJob, ReadJob, IterOpenJob, IterNextJob, IterCloseJob, PrepareJob, FinalizeJob,
                 CloseJob, ColumnsJob, BackupFileJob, BackupProgressJob, SerializeJob, DeserializeJob, FunctionJob,
                 SessionCreateJob, SessionDiffJob, SessionCloseJob, ApplyChangesetJob>;

// One statement a job ran, for the query diagnostics (async_trace.cc): node's message fields.
struct TracedQuery {
  std::string sql;          // sqlite3_expanded_sql, or the source text past the length limit
  int64_t nanoseconds = 0;  // SQLite's profile time (its clock ticks in milliseconds)
};

struct Job {
  // In (set on the JS thread).
  uint64_t id = 0;
  JobKind kind = JobKind::Open;
  // Someone subscribed to 'sqlite.db.query' when the job was submitted: record the statements
  // it runs into `queries`. Off, the database thread measures and expands nothing.
  bool trace = false;
  JobPayload payload;  // this kind's (J1, J2)

  // Out (set on the database thread).
  bool ok = true;
  ErrorInfo error;
  // The error stands for the value user-function call `thrown_call` threw (async_functions.h
  // F7): JS rejects with that value instead. 0: it does not.
  uint64_t thrown_call = 0;
  // The connection was inside a transaction of the user's once the job was done (a read run's
  // own transaction does not count): what AsyncDatabase#isTransaction reports.
  bool in_transaction = false;
  // trace: every statement that ended during the job, in order (even if the job failed).
  std::vector<TracedQuery> queries;

  template <typename Payload>
  Payload& As() {
    return std::get<Payload>(payload);
  }

  void Fail(ErrorInfo e) {
    ok = false;
    error = std::move(e);
  }
  // Fail with a copy of `e`; never throws (the copy falls back to ErrorInfo::OutOfMemory).
  void FailWithCopy(const ErrorInfo& e) noexcept {
    try {
      Fail(e);
    } catch (...) {
      Fail(ErrorInfo::OutOfMemory());
    }
  }

  // JobList's link (JobList only).
  Job* next_in_list = nullptr;
};

// A FIFO of owned jobs linked through the jobs themselves: appending allocates nothing, so
// handing a completed job to the JS thread cannot fail (cpp_exceptions.h E1 — a completion lost
// to std::bad_alloc would be a promise that never settles).
class JobList {
 public:
  JobList() = default;
  JobList(const JobList&) = delete;
  JobList& operator=(const JobList&) = delete;
  ~JobList() {
    while (std::unique_ptr<Job> job = PopFront()) {
    }
  }

  bool empty() const noexcept { return head_ == nullptr; }

  void Append(std::unique_ptr<Job> job) noexcept {
    Job* raw = job.release();
    raw->next_in_list = nullptr;
    if (tail_ == nullptr) head_ = raw;
    else tail_->next_in_list = raw;
    tail_ = raw;
  }

  std::unique_ptr<Job> PopFront() noexcept {
    Job* raw = head_;
    if (raw == nullptr) return nullptr;
    head_ = raw->next_in_list;
    if (head_ == nullptr) tail_ = nullptr;
    raw->next_in_list = nullptr;
    return std::unique_ptr<Job>(raw);
  }

  void Swap(JobList& other) noexcept {
    std::swap(head_, other.head_);
    std::swap(tail_, other.tail_);
  }

 private:
  Job* head_ = nullptr;
  Job* tail_ = nullptr;
};

}  // namespace strand
