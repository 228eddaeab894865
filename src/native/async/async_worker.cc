// The database thread of an AsyncDatabase: takes jobs off the queue one at a time, runs them on
// the connection it owns, and hands them back completed. No N-API here (async_database.h, rule 1).
// No C++ exception leaves this thread (rule 11, cpp_exceptions.h): each job runs inside
// ExecuteGuarded, the loop inside RunDatabaseThread's catch-all.
#include <stdexcept>
#include <system_error>
#include <thread>

#include "async/async_database.h"
#include "async/async_sessions.h"
#include "core/backup_steps.h"
#include "core/cpp_exceptions.h"
#include "core/statement_kind.h"

namespace strand {

bool StopRequested(AsyncCore* core) {
  if (core->aborting.load(std::memory_order_relaxed)) return true;
  uint64_t cancel = core->cancel_id.load(std::memory_order_relaxed);
  if (cancel == 0) return false;
  // A recorded cancel stops only the job it names; ids are never reused, so one left over from
  // a job that finished first matches nothing (async_database.h, rule 2).
  bool stop = cancel == core->running_for_handlers.load(std::memory_order_relaxed);
  (stop ? core->test_counters.stop_checks : core->test_counters.stale_checks).fetch_add(1, std::memory_order_relaxed);
  return stop;
}

namespace {

// How long finished jobs may wait to be reported while more jobs are queued. Signalling the JS
// thread costs a syscall and a wake-up; with many small jobs in flight, reporting them every
// 200 µs instead of one by one is what makes pipelining pay (measured: 1 signal per completion
// before this). A lone job, or the last of a burst, is reported at once.
constexpr std::chrono::microseconds kSignalDelay(200);

// Tells the JS thread that completions wait, unless it already knows.
void Signal(AsyncCore* core) {
  core->unsignalled = false;
  bool signal = false;
  {
    std::lock_guard<std::mutex> lock(core->done_mutex);
    signal = !core->signalled && !core->done.empty();
    if (signal) core->signalled = true;
  }
  if (signal) napi_call_threadsafe_function(core->tsfn, nullptr, napi_tsfn_nonblocking);
}

void SignalIfOverdue(AsyncCore* core) {
  if (core->unsignalled && std::chrono::steady_clock::now() - core->unsignalled_since >= kSignalDelay) Signal(core);
}

// Progress handler, every 1000 VM steps: reports overdue completions (a long job must not hold
// back the results of the short ones before it) and stops the statement when asked to.
int OnProgress(void* data) {
  auto* core = static_cast<AsyncCore*>(data);
  SignalIfOverdue(core);
  return StopRequested(core) ? 1 : 0;
}

// Busy handler honouring `timeout` like sqlite3_busy_timeout, but waking every few milliseconds
// so a cancelled job or a shutdown does not wait out the whole timeout.
int WaitWhileBusy(void* data, int attempts) {
  auto* core = static_cast<AsyncCore*>(data);
  core->test_counters.busy_waits.fetch_add(1, std::memory_order_relaxed);
  auto now = std::chrono::steady_clock::now();
  if (attempts == 0) core->busy_since = now;
  SignalIfOverdue(core);
  if (StopRequested(core)) return 0;
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - core->busy_since).count();
  if (waited >= core->config.timeout) return 0;
  auto pause = std::min<long long>(5, core->config.timeout - waited);
  std::this_thread::sleep_for(std::chrono::milliseconds(pause));
  return 1;
}

ErrorInfo InvalidState(const char* message) {
  return ErrorInfo::Coded(ErrorKind::Error, "ERR_INVALID_STATE", message);
}

// Reports the column names when the column set is new to JS (ad-hoc statements always are).
void ReportColumns(sqlite3_stmt* stmt, int* reported_reprepares, Job& job) {
  job.columns = static_cast<uint32_t>(sqlite3_column_count(stmt));
  if (reported_reprepares != nullptr) {
    int reprepares = sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
    if (reprepares == *reported_reprepares) return;
    *reported_reprepares = reprepares;
  }
  job.has_column_names = true;
  job.column_names.clear();
  for (uint32_t c = 0; c < job.columns; c++) {
    const char* name = sqlite3_column_name(stmt, static_cast<int>(c));
    job.column_names.emplace_back(name != nullptr ? name : "");
  }
}

bool PrepareSql(AsyncCore* core, Job& job, unsigned int flags, sqlite3_stmt** out) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(core->db, job.sql.c_str(), static_cast<int>(job.sql.size() + 1), flags, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    job.Fail(ErrorInfo::Sqlite(core->db));
    return false;
  }
  if (stmt == nullptr) {
    job.Fail(ErrorInfo::Coded(ErrorKind::TypeError, "ERR_INVALID_ARG_VALUE", "The SQL query contains no statements."));
    return false;
  }
  *out = stmt;
  return true;
}

// The statement a Run/Get/All/IterOpen job executes, bound and ready to step. Released (ad-hoc:
// finalized, prepared: reset) when it goes out of scope, however the job ends — an exception
// included, so no statement is left mid-step holding a read transaction (rule 11).
struct Target {
  sqlite3_stmt* stmt = nullptr;
  bool ad_hoc = false;
  int* reported_reprepares = nullptr;  // null for ad-hoc: names are always reported

  Target() = default;
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  ~Target() {
    if (stmt == nullptr) return;
    if (ad_hoc) sqlite3_finalize(stmt);
    else sqlite3_reset(stmt);
  }
  // Hands the statement to a new owner (a cursor).
  sqlite3_stmt* Release() {
    sqlite3_stmt* released = stmt;
    stmt = nullptr;
    return released;
  }
};

bool AcquireTarget(AsyncCore* core, Job& job, Target* target) {
  std::optional<BareNameMap> local_names;
  std::optional<BareNameMap>* bare_names = &local_names;
  if (job.statement != 0) {
    auto found = core->statements.find(job.statement);
    if (found == core->statements.end()) {
      job.Fail(InvalidState("statement has been finalized"));
      return false;
    }
    target->stmt = found->second.stmt;
    target->reported_reprepares = &found->second.reported_reprepares;
    bare_names = &found->second.bare_names;
    // The statement runs again: iterations borrowing it are over (their JS cursors are
    // invalidated), so a late IterClose of theirs cannot reset this use of it.
    for (auto it = core->cursors.begin(); it != core->cursors.end();) {
      if (!it->second.owns_statement && it->second.stmt == target->stmt) it = core->cursors.erase(it);
      else ++it;
    }
    // As DatabaseSync (node's rule): reset first and report what it returns — the error an
    // iteration of this statement ended with, once more.
    if (sqlite3_reset(target->stmt) != SQLITE_OK) {
      ErrorInfo error = ErrorInfo::Sqlite(core->db);
      // A function's throw stands in SQLite's message as ThrownMessage, claimed once by the
      // engine; reported again here, it is what DatabaseSync reports: an empty message.
      if (IsThrownMessage(error.message)) error.message.clear();
      job.Fail(std::move(error));
      return false;
    }
  } else {
    target->ad_hoc = true;
    if (!PrepareSql(core, job, 0, &target->stmt)) return false;
  }
  ErrorInfo error;
  if (!BindSqlParams(core->db, target->stmt, job.params, job.bind, bare_names, &error)) {
    job.Fail(std::move(error));
    return false;  // the Target releases the statement
  }
  return true;
}

void RunStatement(AsyncCore* core, Job& job) {
  Target target;
  if (!AcquireTarget(core, job, &target)) return;
  int rc;
  switch (job.kind) {
    case JobKind::Run:
      // One step, as DatabaseSync's (node's) run(): rows a statement returns are not computed.
      rc = sqlite3_step(target.stmt);
      if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        job.Fail(ErrorInfo::Sqlite(core->db));
        break;
      }
      // The counts are SQLite's once the statement is over: reset it first (a statement left on
      // a row has not finished; its changes would be the previous statement's).
      sqlite3_reset(target.stmt);
      job.changes = sqlite3_changes64(core->db);
      job.last_insert_rowid = sqlite3_last_insert_rowid(core->db);
      if (!job.read_bigints) {
        for (int64_t value : {job.changes, job.last_insert_rowid}) {
          if (value > 9007199254740991LL || value < -9007199254740991LL) {
            job.Fail(ErrorInfo::Coded(ErrorKind::RangeError, "ERR_OUT_OF_RANGE",
                                      "Value is too large to be represented as a JavaScript number: " +
                                          std::to_string(value)));
            break;
          }
        }
      }
      break;
    case JobKind::Get:
    case JobKind::All: {
      // The column count is read once a row exists: the first step may re-prepare the statement
      // (after a schema change) and change it, as StatementSync::All knows.
      int columns = -1;
      ErrorInfo error;
      while ((rc = sqlite3_step(target.stmt)) == SQLITE_ROW) {
        if (columns < 0) columns = sqlite3_column_count(target.stmt);
        if (!job.rows.AppendRow(target.stmt, columns, job.read_bigints, &error)) {
          job.Fail(std::move(error));
          break;
        }
        if (job.kind == JobKind::Get) break;
      }
      if (job.ok && rc != SQLITE_ROW && rc != SQLITE_DONE) job.Fail(ErrorInfo::Sqlite(core->db));
      if (job.ok && job.rows.rows > 0) ReportColumns(target.stmt, target.reported_reprepares, job);
      break;
    }
    default:
      break;
  }
}

// `keep_error`: the iteration ended with an error. A borrowed statement that SQLite halted with
// it keeps it (not reset) for its next use to report, as a sync statement does; one still busy
// (a value that could not be converted) is reset, so no read transaction outlives the cursor.
void CloseCursor(AsyncCore* core, uint32_t id, bool keep_error = false) {
  auto found = core->cursors.find(id);
  if (found == core->cursors.end()) return;
  sqlite3_stmt* stmt = found->second.stmt;
  if (found->second.owns_statement) sqlite3_finalize(stmt);
  else if (!keep_error || sqlite3_stmt_busy(stmt)) sqlite3_reset(stmt);
  core->cursors.erase(found);
}

// Steps the cursor for up to batch_rows rows / about batch_bytes bytes. At the end (or on an
// error) the cursor is closed on this thread at once: its statement is reset before the job
// completes, so no read transaction outlives the iteration.
void FetchBatch(AsyncCore* core, Job& job) {
  auto found = core->cursors.find(job.cursor);
  if (found == core->cursors.end()) {
    job.Fail(InvalidState("iterator was closed"));
    return;
  }
  ThreadCursor& cursor = found->second;
  if (cursor.pending_error) {
    job.Fail(std::move(*cursor.pending_error));
    CloseCursor(core, job.cursor, true);
    return;
  }
  int columns = -1;  // read once a row exists (the first step may re-prepare the statement)
  uint32_t max_rows = job.batch_rows == 0 ? 1 : job.batch_rows;
  size_t max_bytes = job.batch_bytes == 0 ? SIZE_MAX : job.batch_bytes;
  ErrorInfo error;
  while (job.rows.rows < max_rows && job.rows.bytes < max_bytes) {
    int rc = sqlite3_step(cursor.stmt);
    if (rc == SQLITE_ROW) {
      if (columns < 0) columns = sqlite3_column_count(cursor.stmt);
      if (!job.rows.AppendRow(cursor.stmt, columns, job.read_bigints, &error)) {
        job.Fail(std::move(error));
        break;
      }
      continue;
    }
    if (rc == SQLITE_DONE) {
      job.done = true;
    } else {
      job.Fail(ErrorInfo::Sqlite(core->db));
    }
    break;
  }
  if (!job.ok && job.rows.rows > 0) {
    cursor.pending_error = std::move(job.error);
    job.ok = true;
    job.error = ErrorInfo();
    // A value that could not be converted left the statement on its row: the cursor ends with
    // that error, so release the statement now rather than when the error is fetched (a busy
    // statement keeps a read transaction, and SQLite refuses to redefine functions meanwhile).
    if (sqlite3_stmt_busy(cursor.stmt)) sqlite3_reset(cursor.stmt);
  }
  if (job.ok && job.rows.rows > 0) {
    int* reported = cursor.owns_statement ? &cursor.reported_reprepares : nullptr;
    if (!cursor.owns_statement) {
      for (auto& [id, statement] : core->statements) {
        if (statement.stmt == cursor.stmt) reported = &statement.reported_reprepares;
      }
    }
    ReportColumns(cursor.stmt, reported, job);
  }
  if (job.done || !job.ok) CloseCursor(core, job.cursor, !job.ok);
}

void OpenCursor(AsyncCore* core, Job& job) {
  Target target;
  if (!AcquireTarget(core, job, &target)) return;
  CloseCursor(core, job.cursor);
  ThreadCursor& cursor = core->cursors[job.cursor];  // may throw: the Target still owns the statement
  cursor = ThreadCursor{target.stmt, target.ad_hoc, -1, std::nullopt};
  target.Release();
  FetchBatch(core, job);
}

void FinalizeStatement(AsyncCore* core, uint32_t id) {
  auto found = core->statements.find(id);
  if (found == core->statements.end()) return;
  // Iterations borrowing it end with it.
  for (auto it = core->cursors.begin(); it != core->cursors.end();) {
    if (!it->second.owns_statement && it->second.stmt == found->second.stmt) it = core->cursors.erase(it);
    else ++it;
  }
  sqlite3_finalize(found->second.stmt);
  core->statements.erase(found);
}

// Every cursor and prepared statement goes (their JS objects report them finalized).
void FinalizeAllStatements(AsyncCore* core) {
  for (auto& [id, cursor] : core->cursors) {
    if (cursor.owns_statement) sqlite3_finalize(cursor.stmt);
  }
  core->cursors.clear();
  for (auto& [id, statement] : core->statements) sqlite3_finalize(statement.stmt);
  core->statements.clear();
}

void CloseEverything(AsyncCore* core) {
  DeleteAllSessions(core);  // before the connection closes (async_sessions.h S2)
  FinalizeAllStatements(core);
  if (core->db != nullptr) {
    sqlite3_close_v2(core->db);
    core->db = nullptr;
  }
}

void Complete(AsyncCore* core, std::unique_ptr<Job> job, bool more_queued);

// Backup job: the connection is this thread's own, so it is the source itself (like node's
// backup, which uses the source connection). Between steps the job's cancellation is checked like
// the progress handler does; progress reports go out as BackupProgress completions, coalesced by
// Complete like any other.
void RunBackupJob(AsyncCore* core, Job& job) {
  BackupSpec spec;
  spec.path = job.sql;
  spec.target = job.backup_target;
  spec.rate = job.backup_rate;
  BackupHooks hooks;
  hooks.should_stop = [core] { return StopRequested(core) != 0; };
  hooks.on_step = [core, &job](int total, int remaining) {
    if (job.backup_progress) {
      auto report = std::make_unique<Job>();
      report->id = job.id;
      report->kind = JobKind::BackupProgress;
      report->changes = total;
      report->last_insert_rowid = remaining;
      Complete(core, std::move(report), true);
    } else {
      SignalIfOverdue(core);
    }
    return true;
  };
  int pages = 0;
  bool stopped = false;
  ErrorInfo error;
  if (RunBackup(core->db, job.backup_source.c_str(), SourceProblem::None, job.backup_source, spec, hooks, &pages,
                &error, &stopped)) {
    job.changes = pages;
  } else {
    job.Fail(std::move(error));
  }
}

void Execute(AsyncCore* core, Job& job) {
  if (job.kind == JobKind::Open) {
    if (core->db != nullptr) return;
    ErrorInfo error;
    if (!OpenConnection(core->config, false, &core->db, &error)) {
      job.Fail(std::move(error));
      return;
    }
    sqlite3_progress_handler(core->db, 1000, OnProgress, core);
    sqlite3_busy_handler(core->db, WaitWhileBusy, core);
    return;
  }
  if (core->db == nullptr) {
    job.Fail(InvalidState("database is not open"));
    return;
  }
  switch (job.kind) {
    case JobKind::Exec:
      if (STRAND_FAULT(ExecThrow)) throw std::runtime_error("injected fault (exec-throw)");
      if (sqlite3_exec(core->db, job.sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        job.Fail(ErrorInfo::Sqlite(core->db));
      }
      break;
    case JobKind::Run:
    case JobKind::Get:
    case JobKind::All:
      RunStatement(core, job);
      break;
    case JobKind::Prepare: {
      sqlite3_stmt* stmt = nullptr;
      if (!PrepareSql(core, job, SQLITE_PREPARE_PERSISTENT, &stmt)) break;
      FinalizeStatement(core, job.statement);
      ThreadStatement* slot = nullptr;
      try {
        slot = &core->statements[job.statement];
      } catch (...) {
        sqlite3_finalize(stmt);
        throw;
      }
      ThreadStatement& statement = *slot;
      statement.stmt = stmt;
      statement.plain_read = IsPlainRead(stmt);
      job.parameters = static_cast<uint32_t>(sqlite3_bind_parameter_count(stmt));
      job.source_sql = sqlite3_sql(stmt);
      ReportColumns(stmt, &statement.reported_reprepares, job);
      break;
    }
    case JobKind::IterOpen:
      OpenCursor(core, job);
      break;
    case JobKind::IterNext:
      FetchBatch(core, job);
      break;
    case JobKind::IterClose:
      CloseCursor(core, job.cursor);
      break;
    case JobKind::Finalize:
      FinalizeStatement(core, job.statement);
      break;
    case JobKind::Columns: {
      auto found = core->statements.find(job.statement);
      if (found == core->statements.end()) {
        job.Fail(InvalidState("statement has been finalized"));
        break;
      }
      sqlite3_stmt* stmt = found->second.stmt;
      auto text = [](const char* s) { return s != nullptr ? std::optional<std::string>(s) : std::nullopt; };
      for (int c = 0; c < sqlite3_column_count(stmt); c++) {
        job.column_metadata.push_back(text(sqlite3_column_origin_name(stmt, c)));
        job.column_metadata.push_back(text(sqlite3_column_database_name(stmt, c)));
        job.column_metadata.push_back(text(sqlite3_column_name(stmt, c)));
        job.column_metadata.push_back(text(sqlite3_column_table_name(stmt, c)));
        job.column_metadata.push_back(text(sqlite3_column_decltype(stmt, c)));
      }
      break;
    }
    case JobKind::Backup:
      RunBackupJob(core, job);
      break;
    case JobKind::Serialize: {
      ErrorInfo error;
      if (!SerializeDatabase(core->db, job.sql, &job.bytes, &job.bytes_size, &error)) job.Fail(std::move(error));
      break;
    }
    case JobKind::Deserialize: {
      // As DatabaseSync's (node's), every statement goes first — cursors too — whatever the
      // outcome; the JS side counts them finalized from the call on (DatabaseCore.generation).
      FinalizeAllStatements(core);
      ErrorInfo error;
      const std::string& data = job.params.positional.empty() ? std::string() : job.params.positional[0].bytes;
      if (!DeserializeDatabase(core->db, job.sql, reinterpret_cast<const uint8_t*>(data.data()), data.size(), &error)) {
        job.Fail(std::move(error));
      }
      break;
    }
    case JobKind::Function:
      RegisterAsyncFunction(core, job);
      break;
    case JobKind::SessionCreate:
    case JobKind::SessionChangeset:
    case JobKind::SessionPatchset:
    case JobKind::SessionClose:
      RunSessionJob(core, job);
      break;
    case JobKind::ApplyChangeset:
      RunApplyChangeset(core, job);
      break;
    case JobKind::Close:
      CloseEverything(core);
      break;
    case JobKind::Open:
    case JobKind::BackupProgress:
      break;
  }
}

// Undoes what a job that threw had half done, so the database is as if it had failed normally
// (rule 11). Statements of Run/Get/All/IterOpen are released by their Target already.
void RecoverFromException(AsyncCore* core, Job& job) noexcept {
  job.rows = OwnedRows();  // partial rows: never delivered, freed now
  switch (job.kind) {
    case JobKind::IterOpen:
    case JobKind::IterNext:
      CloseCursor(core, job.cursor);  // its statement may be mid-step
      break;
    case JobKind::Prepare:
      FinalizeStatement(core, job.statement);  // JS will not know it: drop it
      break;
    default:
      break;
  }
}

// Runs one job; an exception fails it alone (rule 11, cpp_exceptions.h E5).
void ExecuteGuarded(AsyncCore* core, Job& job) noexcept {
  try {
    Execute(core, job);
  } catch (...) {
    ErrorInfo error = ErrorFromCurrentException();
    RecoverFromException(core, job);
    job.Fail(std::move(error));
  }
}

// Hands a finished job to the JS thread. If JS was signalled and has not drained the list yet,
// it will take this job too. Otherwise signal now when nothing else is queued, or once the
// oldest unreported completion is kSignalDelay old (rule 3: one TSFN call settles many jobs).
// Allocates nothing and cannot fail (JobList).
void Complete(AsyncCore* core, std::unique_ptr<Job> job, bool more_queued) {
  bool js_will_drain = false;
  {
    std::lock_guard<std::mutex> lock(core->done_mutex);
    core->done.Append(std::move(job));
    js_will_drain = core->signalled;
  }
  if (js_will_drain) return;
  if (!more_queued) {
    Signal(core);
  } else if (!core->unsignalled) {
    core->unsignalled = true;
    core->unsignalled_since = std::chrono::steady_clock::now();
  } else {
    SignalIfOverdue(core);
  }
}

}  // namespace

void SignalUnreported(AsyncCore* core) {
  if (core->unsignalled) Signal(core);
}

bool RequestCancelLocked(AsyncCore* core, uint64_t id) {
  bool running = core->running != 0 && (id == 0 || id == core->running);
  if (id != 0) {
    (running ? core->test_counters.requests_running : core->test_counters.requests_finished)
        .fetch_add(1, std::memory_order_relaxed);
  }
  if (!running) return false;
  core->cancel_id.store(core->running, std::memory_order_relaxed);
  return true;
}

// Takes the next job and marks it running, in one critical section with the queue (so cancel()
// finds every job either queued or running). Returns null when stopping.
std::unique_ptr<Job> TakeNext(AsyncCore* core, std::unique_lock<std::mutex>& lock, bool wait) {
  if (wait) core->queue_cv.wait(lock, [core] { return core->stopping || !core->queue.empty(); });
  if (!core->queue.empty() && STRAND_FAULT(ThreadLoop)) {
    throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur));
  }
  std::unique_ptr<Job> job;
  if (!core->stopping && !core->queue.empty()) {
    job = std::move(core->queue.front());
    core->queue.pop_front();
    core->queued.store(core->queue.size(), std::memory_order_release);
  }
  core->running = job ? job->id : 0;
  core->running_for_handlers.store(core->running, std::memory_order_relaxed);
  return job;
}

// Before sleeping on the condition variable, spin briefly when that has been paying off: with
// sequential awaits the next job arrives a few microseconds after a completion is delivered, and
// a futex sleep + wake-up costs far more than that on a VM. The spin is adaptive, never fixed:
// every spin that sees a job earns credit, every spin that times out costs more, so an idle or
// contended thread (where spinning would only steal the JS thread's core) stops spinning; it
// probes again now and then. Returns true when a job arrived.
constexpr std::chrono::microseconds kSpinWindow(40);
constexpr int kMaxSpinCredit = 16;

bool IdleSpin(AsyncCore* core) {
  if (core->spin_credit <= 0 && (++core->idle_rounds % 32) != 0) return false;
  auto deadline = std::chrono::steady_clock::now() + kSpinWindow;
  do {
    if (core->queued.load(std::memory_order_acquire) > 0 || core->aborting.load(std::memory_order_relaxed)) {
      core->spin_credit = std::min(core->spin_credit + 1, kMaxSpinCredit);
      return true;
    }
    std::this_thread::yield();
  } while (std::chrono::steady_clock::now() < deadline);
  core->spin_credit = std::max(core->spin_credit - 4, -kMaxSpinCredit);
  return false;
}

// Read batching (async_database.h, rule 10). Every read outside a transaction takes and drops
// SQLite's file locks (on this VM: 4 fcntl, 3 stat and 1 pread per point select — most of its
// cost). When prepared plain reads arrive back to back, the thread runs them inside one read
// transaction (BEGIN … COMMIT), paying for the locks once per run of up to kMaxReadRun jobs. They
// were queued together and run in order either way; the only difference is that a run sees one
// snapshot of the database, as if it had been executed a little faster.
constexpr int kMaxReadRun = 64;

// Rule 10a: a Get/All of a prepared plain read; everything else ends a run (10b).
bool IsBatchableRead(AsyncCore* core, const Job& job) {
  if ((job.kind != JobKind::Get && job.kind != JobKind::All) || job.statement == 0) return false;
  auto found = core->statements.find(job.statement);
  return found != core->statements.end() && found->second.plain_read && sqlite3_stmt_readonly(found->second.stmt) != 0;
}

void BeginReadRun(AsyncCore* core, const Job& job) {
  if (core->read_run > 0 || core->db == nullptr) return;
  if (core->queued.load(std::memory_order_acquire) == 0 || !IsBatchableRead(core, job)) return;
  if (sqlite3_get_autocommit(core->db) == 0) return;  // the user's own transaction
  if (sqlite3_exec(core->db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK) core->read_run = 1;
}

void EndReadRunUnless(AsyncCore* core, const Job* next) {
  if (core->read_run == 0) return;
  if (next != nullptr && core->read_run < kMaxReadRun && IsBatchableRead(core, *next) &&
      sqlite3_get_autocommit(core->db) == 0) {
    core->read_run++;
    return;
  }
  core->read_run = 0;
  // Skipped if SQLite already rolled the transaction back (e.g. after an interrupt). The next job
  // must find no transaction of ours (rule 10b): if COMMIT fails, roll back — the run wrote nothing.
  if (sqlite3_get_autocommit(core->db) == 0 && sqlite3_exec(core->db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK &&
      sqlite3_get_autocommit(core->db) == 0) {
    sqlite3_exec(core->db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

// The loop. `job` is the job in flight (taken off the queue, not yet completed), kept by the
// caller so that its catch-all can still settle it.
void ServeJobs(AsyncCore* core, std::unique_ptr<Job>& job) {
  {
    std::unique_lock<std::mutex> lock(core->queue_mutex);
    job = TakeNext(core, lock, true);
  }
  while (job) {
    BeginReadRun(core, *job);
    BeginJobTrace(core, *job);
    ExecuteGuarded(core, *job);
    EndJobTrace(core);
    bool closed = job->kind == JobKind::Close;
    // The next job becomes the running one before this one is reported complete: whoever sees
    // a completion knows the job queued after it is already running (and cancellable as such).
    std::unique_ptr<Job> next;
    if (!closed) {
      std::unique_lock<std::mutex> lock(core->queue_mutex);
      next = TakeNext(core, lock, false);
    } else {
      std::lock_guard<std::mutex> lock(core->queue_mutex);
      core->running = 0;
      core->running_for_handlers.store(0, std::memory_order_relaxed);
    }
    EndReadRunUnless(core, next.get());
    job->in_transaction = core->db != nullptr && core->read_run == 0 && sqlite3_get_autocommit(core->db) == 0;
    Complete(core, std::move(job), next != nullptr);
    if (closed) break;
    if (!next) {
      IdleSpin(core);
      std::unique_lock<std::mutex> lock(core->queue_mutex);
      next = TakeNext(core, lock, true);
    }
    job = std::move(next);
  }
}

// The loop failed outside any job (rule 10): close the connection, then fail the job in flight
// and every queued one — except Close, which completes — and mark the database broken, so that
// flush() fails every later job at once (async_database.cc). Nothing here may throw; if even the
// queue's lock fails, the queued jobs are left to Shutdown, which drops them.
void StopServing(AsyncCore* core, std::unique_ptr<Job> in_flight, const ErrorInfo& error) noexcept {
  if (core->read_run > 0) core->read_run = 0;
  CloseEverything(core);
  auto settle = [core, &error](std::unique_ptr<Job> job) {
    if (job->kind != JobKind::Close) job->FailWithCopy(error);
    Complete(core, std::move(job), false);
  };
  if (in_flight) settle(std::move(in_flight));
  std::deque<std::unique_ptr<Job>> queued;
  try {
    std::lock_guard<std::mutex> lock(core->queue_mutex);
    try {
      core->broken = error;
    } catch (...) {
      core->broken = ErrorInfo::OutOfMemory();
    }
    queued.swap(core->queue);
    core->queued.store(0, std::memory_order_release);
    core->running = 0;
    core->running_for_handlers.store(0, std::memory_order_relaxed);
  } catch (...) {
    return;
  }
  for (std::unique_ptr<Job>& job : queued) settle(std::move(job));
}

void RunDatabaseThread(AsyncCore* core) noexcept {
  std::unique_ptr<Job> in_flight;
  try {
    ServeJobs(core, in_flight);
  } catch (...) {
    ErrorInfo error = ErrorFromCurrentException();
    StopServing(core, std::move(in_flight), error);
  }
  CloseEverything(core);
}

}  // namespace strand
