// The database thread's job handlers: one per kind, each reading its own payload only
// (async_job.h J1). No N-API here (async_database.h, rule 1). Every job runs inside
// ExecuteGuarded's catch-all (rule 11, cpp_exceptions.h).
#include <stdexcept>

#include "async/async_functions.h"
#include "async/async_sessions.h"
#include "async/database_thread.h"
#include "core/backup_steps.h"
#include "core/cpp_exceptions.h"
#include "core/messages.h"
#include "core/safe_integer.h"
#include "core/statement_kind.h"

namespace strand {

namespace {

// Reports the column names when the column set is new to JS (ad-hoc statements always are):
// `reported_reprepares` (null for ad-hoc) remembers the re-prepare count they were reported at.
void ReportColumnNames(sqlite3_stmt* stmt, int* reported_reprepares, ColumnNameReport& out) {
  if (reported_reprepares != nullptr) {
    int reprepares = sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
    if (reprepares == *reported_reprepares) return;
    *reported_reprepares = reprepares;
  }
  int count = sqlite3_column_count(stmt);
  out.reported = true;
  out.names.clear();
  for (int c = 0; c < count; c++) {
    const char* name = sqlite3_column_name(stmt, c);
    out.names.emplace_back(name != nullptr ? name : "");
  }
}

void ReportColumns(sqlite3_stmt* stmt, int* reported_reprepares, RowsOutcome& out) {
  out.columns = static_cast<uint32_t>(sqlite3_column_count(stmt));
  ReportColumnNames(stmt, reported_reprepares, out.names);
}

bool PrepareSql(AsyncCore* core, Job& job, const std::string& sql, unsigned int flags, sqlite3_stmt** out) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(core->db, sql.c_str(), static_cast<int>(sql.size() + 1), flags, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    job.Fail(ErrorInfo::Sqlite(core->db));
    return false;
  }
  if (stmt == nullptr) {
    job.Fail(ErrorInfo::Coded(ErrorKind::TypeError, "ERR_INVALID_ARG_VALUE", kNoStatements));
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

// Iterations borrowing `stmt` are over (their JS cursors are invalidated).
void DropBorrowingCursors(AsyncCore* core, sqlite3_stmt* stmt) {
  for (auto it = core->cursors.begin(); it != core->cursors.end();) {
    if (!it->second.owns_statement && it->second.stmt == stmt) it = core->cursors.erase(it);
    else ++it;
  }
}

bool AcquireTarget(AsyncCore* core, Job& job, const QueryInput& query, Target* target) {
  std::optional<BareNameMap> local_names;
  std::optional<BareNameMap>* bare_names = &local_names;
  if (query.statement != 0) {
    auto found = core->statements.find(query.statement);
    if (found == core->statements.end()) {
      job.Fail(ErrorInfo::InvalidState(kStatementFinalized));
      return false;
    }
    target->stmt = found->second.stmt;
    target->reported_reprepares = &found->second.reported_reprepares;
    bare_names = &found->second.bare_names;
    // The statement runs again, so a late IterClose of an iteration borrowing it cannot reset
    // this use of it.
    DropBorrowingCursors(core, target->stmt);
    // As DatabaseSync (node's rule): reset first and report what it returns — the error an
    // iteration of this statement ended with, once more.
    if (sqlite3_reset(target->stmt) != SQLITE_OK) {
      ErrorInfo error = ErrorInfo::Sqlite(core->db);
      // A function's throw stands in SQLite's message as ThrownMessage, claimed once by the
      // engine; reported again here, it is what DatabaseSync reports: an empty message.
      if (ThrownCallId(error.message) != 0) error.message.clear();
      job.Fail(std::move(error));
      return false;
    }
  } else {
    target->ad_hoc = true;
    if (!PrepareSql(core, job, query.sql, 0, &target->stmt)) return false;
  }
  ErrorInfo error;
  if (!BindSqlParams(core->db, target->stmt, query.params, query.bind, bare_names, &error)) {
    job.Fail(std::move(error));
    return false;  // the Target releases the statement
  }
  return true;
}

// --- Handlers, one per kind (or per family of kinds that mean the same) ------------------------

void OpenDatabase(AsyncCore* core, Job& job) {
  if (core->db != nullptr) return;
  ErrorInfo error;
  if (!OpenConnection(core->config, false, &core->db, &error)) {
    job.Fail(std::move(error));
    return;
  }
  InstallConnectionHandlers(core);
}

void ExecSql(AsyncCore* core, Job& job, const ExecJob& exec) {
  if (STRAND_FAULT(ExecThrow)) throw std::runtime_error("injected fault (exec-throw)");
  if (sqlite3_exec(core->db, exec.sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    job.Fail(ErrorInfo::Sqlite(core->db));
  }
}

// One step, as DatabaseSync's (node's) run(): rows a statement returns are not computed.
void RunQuery(AsyncCore* core, Job& job, RunJob& run) {
  Target target;
  if (!AcquireTarget(core, job, run.query, &target)) return;
  int rc = sqlite3_step(target.stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    job.Fail(ErrorInfo::Sqlite(core->db));
    return;
  }
  // The counts are SQLite's once the statement is over: reset it first (a statement left on
  // a row has not finished; its changes would be the previous statement's).
  sqlite3_reset(target.stmt);
  run.changes = sqlite3_changes64(core->db);
  run.last_insert_rowid = sqlite3_last_insert_rowid(core->db);
  if (run.query.read_bigints) return;
  for (int64_t value : {run.changes, run.last_insert_rowid}) {
    if (!IsSafeInteger(value)) {
      job.Fail(UnsafeIntegerError(value));
      return;
    }
  }
}

// Get (`first_only`) and All.
void ReadRows(AsyncCore* core, Job& job, ReadJob& read, bool first_only) {
  Target target;
  if (!AcquireTarget(core, job, read.query, &target)) return;
  // The column count is read once a row exists: the first step may re-prepare the statement
  // (after a schema change) and change it, as StatementSync::All knows.
  int columns = -1;
  int rc;
  ErrorInfo error;
  while ((rc = sqlite3_step(target.stmt)) == SQLITE_ROW) {
    if (columns < 0) columns = sqlite3_column_count(target.stmt);
    if (!read.result.rows.AppendRow(target.stmt, columns, read.query.read_bigints, &error)) {
      job.Fail(std::move(error));
      break;
    }
    if (first_only) break;
  }
  if (job.ok && rc != SQLITE_ROW && rc != SQLITE_DONE) job.Fail(ErrorInfo::Sqlite(core->db));
  if (job.ok && read.result.rows.rows > 0) ReportColumns(target.stmt, target.reported_reprepares, read.result);
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

// The re-prepare count a cursor's column names were last reported at: its own for an ad-hoc
// statement, the prepared statement's for a borrowed one.
int* ReportedReprepares(AsyncCore* core, ThreadCursor& cursor) {
  if (cursor.owns_statement) return &cursor.reported_reprepares;
  int* reported = nullptr;
  for (auto& [id, statement] : core->statements) {
    if (statement.stmt == cursor.stmt) reported = &statement.reported_reprepares;
  }
  return reported;
}

// Steps cursor `id` for one batch. At the end (or on an error) the cursor is closed on this
// thread at once: its statement is reset before the job completes, so no read transaction
// outlives the iteration. An error met after some rows of the batch waits in the cursor: those
// rows are delivered first, the error with the next batch.
void FetchBatch(AsyncCore* core, Job& job, uint32_t id, bool read_bigints, BatchLimits limits, RowsOutcome& batch,
                bool& done) {
  auto found = core->cursors.find(id);
  if (found == core->cursors.end()) {
    job.Fail(ErrorInfo::InvalidState("iterator was closed"));
    return;
  }
  ThreadCursor& cursor = found->second;
  if (cursor.pending_error) {
    job.Fail(std::move(*cursor.pending_error));
    CloseCursor(core, id, true);
    return;
  }
  int columns = -1;  // read once a row exists (the first step may re-prepare the statement)
  uint32_t max_rows = limits.rows == 0 ? 1 : limits.rows;
  size_t max_bytes = limits.bytes == 0 ? SIZE_MAX : limits.bytes;
  ErrorInfo error;
  while (batch.rows.rows < max_rows && batch.rows.bytes < max_bytes) {
    int rc = sqlite3_step(cursor.stmt);
    if (rc == SQLITE_ROW) {
      if (columns < 0) columns = sqlite3_column_count(cursor.stmt);
      if (!batch.rows.AppendRow(cursor.stmt, columns, read_bigints, &error)) {
        job.Fail(std::move(error));
        break;
      }
      continue;
    }
    if (rc == SQLITE_DONE) done = true;
    else job.Fail(ErrorInfo::Sqlite(core->db));
    break;
  }
  if (!job.ok && batch.rows.rows > 0) {
    cursor.pending_error = std::move(job.error);
    job.ok = true;
    job.error = ErrorInfo();
    // A value that could not be converted left the statement on its row: the cursor ends with
    // that error, so release the statement now rather than when the error is fetched (a busy
    // statement keeps a read transaction, and SQLite refuses to redefine functions meanwhile).
    if (sqlite3_stmt_busy(cursor.stmt)) sqlite3_reset(cursor.stmt);
  }
  if (job.ok && batch.rows.rows > 0) ReportColumns(cursor.stmt, ReportedReprepares(core, cursor), batch);
  if (done || !job.ok) CloseCursor(core, id, !job.ok);
}

void OpenCursor(AsyncCore* core, Job& job, IterOpenJob& open) {
  Target target;
  if (!AcquireTarget(core, job, open.query, &target)) return;
  CloseCursor(core, open.cursor);
  ThreadCursor& cursor = core->cursors[open.cursor];  // may throw: the Target still owns the statement
  cursor = ThreadCursor{target.stmt, target.ad_hoc, -1, std::nullopt};
  target.Release();
  FetchBatch(core, job, open.cursor, open.query.read_bigints, open.limits, open.batch, open.done);
}

void NextBatch(AsyncCore* core, Job& job, IterNextJob& next) {
  FetchBatch(core, job, next.cursor, next.read_bigints, next.limits, next.batch, next.done);
}

void FinalizeStatement(AsyncCore* core, uint32_t id) {
  auto found = core->statements.find(id);
  if (found == core->statements.end()) return;
  DropBorrowingCursors(core, found->second.stmt);  // iterations borrowing it end with it
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

void PrepareStatement(AsyncCore* core, Job& job, PrepareJob& prepare) {
  sqlite3_stmt* stmt = nullptr;
  if (!PrepareSql(core, job, prepare.sql, SQLITE_PREPARE_PERSISTENT, &stmt)) return;
  FinalizeStatement(core, prepare.statement);
  ThreadStatement* slot = nullptr;
  try {
    slot = &core->statements[prepare.statement];
  } catch (...) {
    sqlite3_finalize(stmt);
    throw;
  }
  ThreadStatement& statement = *slot;
  statement.stmt = stmt;
  statement.plain_read = IsPlainRead(stmt);
  prepare.parameters = static_cast<uint32_t>(sqlite3_bind_parameter_count(stmt));
  prepare.source_sql = sqlite3_sql(stmt);
  ReportColumnNames(stmt, &statement.reported_reprepares, prepare.names);
}

void DescribeColumns(AsyncCore* core, Job& job, ColumnsJob& columns) {
  auto found = core->statements.find(columns.statement);
  if (found == core->statements.end()) {
    job.Fail(ErrorInfo::InvalidState(kStatementFinalized));
    return;
  }
  sqlite3_stmt* stmt = found->second.stmt;
  auto text = [](const char* s) { return s != nullptr ? std::optional<std::string>(s) : std::nullopt; };
  for (int c = 0; c < sqlite3_column_count(stmt); c++) {
    columns.metadata.push_back(text(sqlite3_column_origin_name(stmt, c)));
    columns.metadata.push_back(text(sqlite3_column_database_name(stmt, c)));
    columns.metadata.push_back(text(sqlite3_column_name(stmt, c)));
    columns.metadata.push_back(text(sqlite3_column_table_name(stmt, c)));
    columns.metadata.push_back(text(sqlite3_column_decltype(stmt, c)));
  }
}

// The connection is this thread's own, so it is the source itself (like node's backup, which
// uses the source connection). Between steps the job's cancellation is checked like the progress
// handler does; progress reports go out as BackupProgress completions, coalesced by Complete like
// any other.
void BackupDatabase(AsyncCore* core, Job& job, BackupFileJob& backup) {
  BackupSpec spec;
  spec.path = backup.path;
  spec.target = backup.target;
  spec.rate = backup.rate;
  BackupHooks hooks;
  hooks.should_stop = [core] { return StopRequested(core) != 0; };
  hooks.on_step = [core, &job, &backup](int total, int remaining) {
    if (backup.report_progress) {
      auto report = std::make_unique<Job>();
      report->id = job.id;
      report->kind = JobKind::BackupProgress;
      report->payload.emplace<BackupProgressJob>(BackupProgressJob{total, remaining});
      Complete(core, std::move(report), true);
    } else {
      SignalIfOverdue(core);
    }
    return true;
  };
  int pages = 0;
  bool stopped = false;
  ErrorInfo error;
  if (RunBackup(core->db, backup.source.c_str(), SourceProblem::None, backup.source, spec, hooks, &pages, &error,
                &stopped)) {
    backup.pages = pages;
  } else {
    job.Fail(std::move(error));
  }
}

void SerializeSchema(AsyncCore* core, Job& job, SerializeJob& serialize) {
  ErrorInfo error;
  if (!SerializeDatabase(core->db, serialize.schema, &serialize.image.data, &serialize.image.size, &error)) {
    job.Fail(std::move(error));
  }
}

void DeserializeSchema(AsyncCore* core, Job& job, const DeserializeJob& deserialize) {
  // As DatabaseSync's (node's), every statement goes first — cursors too — whatever the
  // outcome; the JS side counts them finalized from the call on (DatabaseCore.generation).
  FinalizeAllStatements(core);
  ErrorInfo error;
  const std::string& image = deserialize.image;
  if (!DeserializeDatabase(core->db, deserialize.schema, reinterpret_cast<const uint8_t*>(image.data()), image.size(),
                           &error)) {
    job.Fail(std::move(error));
  }
}

// The kinds that need an open connection.
void ExecuteOnConnection(AsyncCore* core, Job& job) {
  switch (job.kind) {
    case JobKind::Exec: return ExecSql(core, job, job.As<ExecJob>());
    case JobKind::Run: return RunQuery(core, job, job.As<RunJob>());
    case JobKind::Get: return ReadRows(core, job, job.As<ReadJob>(), true);
    case JobKind::All: return ReadRows(core, job, job.As<ReadJob>(), false);
    case JobKind::Prepare: return PrepareStatement(core, job, job.As<PrepareJob>());
    case JobKind::IterOpen: return OpenCursor(core, job, job.As<IterOpenJob>());
    case JobKind::IterNext: return NextBatch(core, job, job.As<IterNextJob>());
    case JobKind::IterClose: return CloseCursor(core, job.As<IterCloseJob>().cursor);
    case JobKind::Finalize: return FinalizeStatement(core, job.As<FinalizeJob>().statement);
    case JobKind::Columns: return DescribeColumns(core, job, job.As<ColumnsJob>());
    case JobKind::Backup: return BackupDatabase(core, job, job.As<BackupFileJob>());
    case JobKind::Serialize: return SerializeSchema(core, job, job.As<SerializeJob>());
    case JobKind::Deserialize: return DeserializeSchema(core, job, job.As<DeserializeJob>());
    case JobKind::Function: return RegisterAsyncFunction(core, job, job.As<FunctionJob>());
    case JobKind::SessionCreate: return CreateSession(core, job, job.As<SessionCreateJob>());
    case JobKind::SessionChangeset: return DiffSession(core, job, job.As<SessionDiffJob>(), false);
    case JobKind::SessionPatchset: return DiffSession(core, job, job.As<SessionDiffJob>(), true);
    case JobKind::SessionClose: return CloseSession(core, job.As<SessionCloseJob>());
    case JobKind::ApplyChangeset: return ApplyChangeset(core, job, job.As<ApplyChangesetJob>());
    case JobKind::Close: return CloseEverything(core);
    case JobKind::Open:            // handled by Execute
    case JobKind::BackupProgress:  // never submitted
      return;
  }
}

void Execute(AsyncCore* core, Job& job) {
  if (job.kind == JobKind::Open) return OpenDatabase(core, job);
  if (core->db == nullptr) return job.Fail(ErrorInfo::InvalidState(kDatabaseNotOpen));
  ExecuteOnConnection(core, job);
}

// Undoes what a job that threw had half done, so the database is as if it had failed normally
// (rule 11). Statements of Run/Get/All/IterOpen are released by their Target already; partial
// rows are never delivered, and are freed now.
void RecoverFromException(AsyncCore* core, Job& job) noexcept {
  if (auto* read = std::get_if<ReadJob>(&job.payload)) {
    read->result.rows = OwnedRows();
  } else if (auto* open = std::get_if<IterOpenJob>(&job.payload)) {
    open->batch.rows = OwnedRows();
    CloseCursor(core, open->cursor);  // its statement may be mid-step
  } else if (auto* next = std::get_if<IterNextJob>(&job.payload)) {
    next->batch.rows = OwnedRows();
    CloseCursor(core, next->cursor);
  } else if (auto* prepare = std::get_if<PrepareJob>(&job.payload)) {
    FinalizeStatement(core, prepare->statement);  // JS will not know it: drop it
  }
}

}  // namespace

void CloseEverything(AsyncCore* core) {
  DeleteAllSessions(core);  // before the connection closes (async_sessions.h S2)
  FinalizeAllStatements(core);
  if (core->db != nullptr) {
    sqlite3_close_v2(core->db);
    core->db = nullptr;
  }
}

void ExecuteGuarded(AsyncCore* core, Job& job) noexcept {
  try {
    Execute(core, job);
  } catch (...) {
    ErrorInfo error = ErrorFromCurrentException();
    RecoverFromException(core, job);
    job.Fail(std::move(error));
  }
  // Whichever way the error reached the job — a statement, an exec, an iteration's deferred
  // error — the value a JS callback threw travels as the call's id (F7).
  if (!job.ok && job.thrown_call == 0) job.thrown_call = ThrownCallId(job.error.message);
}

}  // namespace strand
