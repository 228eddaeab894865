// Job: one operation of an AsyncDatabase, carried from the JS thread to the database thread and
// back. It holds only owned C++ data — copied SQL, parameters as SqlValues, rows as OwnedRows,
// errors as ErrorInfo — never a napi_value, reference or env pointer (docs/ARCHITECTURE.md rule 1), so
// it can be dropped on any thread, even after its env is gone.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "core/bind.h"
#include "core/errors.h"
#include "async/owned_rows.h"
#include "core/serialize.h"
#include "core/sql_value.h"

namespace strand {

enum class JobKind : uint8_t {
  Open,       // open the connection (the first job of every database)
  Exec,       // sql: run one or more statements
  Run,        // statement or sql: step to the end → changes, lastInsertRowid
  Get,        // statement or sql: the first row
  All,        // statement or sql: every row
  Prepare,    // sql → statement `statement` (an id chosen by JS)
  IterOpen,   // statement or sql, params → cursor `cursor`, first batch
  IterNext,   // cursor → next batch
  IterClose,  // cursor: reset (and finalize if it owns an ad-hoc statement)
  Finalize,   // statement: finalize
  Close,      // finalize everything, close the connection, end the thread
  Columns,    // statement → column metadata
  Backup,     // sql (the destination path), backup_* → page count in `changes`; progress below
  // Never submitted: the database thread's progress report of a running Backup job, delivered
  // to JS (with the Backup job's id, negated) and dropped; `changes` = total, `last_insert_rowid`
  // = remaining pages.
  BackupProgress,
  Serialize,    // sql = database name → bytes (sqlite3_serialize)
  Deserialize,  // sql = database name, params.positional[0] = the bytes (a blob)
  // Register a user function (async_functions.h): sql = name, statement = function id, cursor =
  // FunctionKind, batch_rows = arity + 1 (0: varargs), batch_bytes = SQLite flags, read_bigints =
  // useBigIntArguments → `changes` = the id of the function it replaced (0: none).
  Function,
  // Sessions (async_sessions.h); `statement` = the session id chosen by JS.
  SessionCreate,     // sql = database name, params.positional = [] or [table]
  SessionChangeset,  // → bytes
  SessionPatchset,   // → bytes
  SessionClose,      // delete the session (nothing if it is gone)
  // params.positional[0] = the changeset (a blob), statement = the FunctionTable entry holding
  // the callbacks, cursor = 1 (filter) | 2 (onConflict) → `changes` 1 applied / 0 aborted.
  ApplyChangeset,
};

// One statement a job ran, for the query diagnostics (async_trace.cc): node's message fields.
struct TracedQuery {
  std::string sql;          // sqlite3_expanded_sql, or the source text past the length limit
  int64_t nanoseconds = 0;  // SQLite's profile time (its clock ticks in milliseconds)
};

struct Job {
  // In (set on the JS thread).
  uint64_t id = 0;
  JobKind kind = JobKind::Exec;
  std::string sql;         // Exec, Prepare, and ad-hoc Run/Get/All/IterOpen
  uint32_t statement = 0;  // a prepared statement id, or 0 for ad-hoc sql
  uint32_t cursor = 0;     // IterOpen/IterNext/IterClose
  SqlParams params;
  bool read_bigints = false;
  BindOptions bind;
  uint32_t batch_rows = 0;   // IterOpen/IterNext: at most this many rows…
  size_t batch_bytes = 0;    // …and about this many bytes per batch
  std::string backup_source = "main";  // Backup: the schema to copy…
  std::string backup_target = "main";  // …into this schema of the destination file
  int backup_rate = 100;               // Backup: pages per step
  bool backup_progress = false;        // Backup: report progress after each step
  // Someone subscribed to 'sqlite.db.query' when the job was submitted: record the statements
  // it runs into `queries`. Off, the database thread measures and expands nothing.
  bool trace = false;

  // Out (set on the database thread).
  bool ok = true;
  ErrorInfo error;
  OwnedRows rows;
  uint32_t columns = 0;
  bool has_column_names = false;  // column_names is set: the column set is new or changed
  std::vector<std::string> column_names;
  bool done = false;  // IterOpen/IterNext: the cursor is exhausted (and already reset)
  // The connection was inside a transaction of the user's once the job was done (a read run's
  // own transaction does not count): what AsyncDatabase#isTransaction reports.
  bool in_transaction = false;
  int64_t changes = 0;
  int64_t last_insert_rowid = 0;
  uint32_t parameters = 0;  // Prepare: the statement's parameter count
  std::string source_sql;   // Prepare: the statement's text as SQLite keeps it (sqlite3_sql)
  // Columns: per column origin name, database, name, table, declared type (absent → null).
  std::vector<std::optional<std::string>> column_metadata;
  // Serialize, SessionChangeset/Patchset: the copy SQLite made (freed with the job, on whichever thread drops it).
  SqliteBytes bytes;
  int64_t bytes_size = 0;
  // trace: every statement that ended during the job, in order (even if the job failed).
  std::vector<TracedQuery> queries;

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
