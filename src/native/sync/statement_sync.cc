#include "sync/statement_sync.h"

#include "addon.h"
#include "core/column_values.h"
#include "core/cpp_exceptions.h"
#include "sync/database_sync.h"
#include "core/errors.h"
#include "core/js_strings.h"
#include "core/sqlite_memory.h"
#include "core/type_tags.h"

namespace strand {

namespace {

// The arguments of a call as a plain array of napi_values, for the binding code.
struct Args {
  static constexpr size_t kInline = 8;
  napi_value inline_values[kInline];
  std::vector<napi_value> heap;
  const napi_value* data = inline_values;
  size_t count = 0;

  explicit Args(const Napi::CallbackInfo& info) : count(info.Length()) {
    napi_value* out = inline_values;
    if (count > kInline) {
      heap.resize(count);
      out = heap.data();
      data = out;
    }
    for (size_t i = 0; i < count; i++) out[i] = info[i];
  }
};

}  // namespace

Napi::Function StatementSync::DefineClass(Napi::Env env) {
  return ObjectWrap<StatementSync>::DefineClass(
      env, "NativeStatement",
      {
          InstanceMethod<&StatementSync::Run>("run"),
          InstanceMethod<&StatementSync::Get>("get"),
          InstanceMethod<&StatementSync::All>("all"),
          InstanceMethod<&StatementSync::IterateStart>("iterateStart"),
          InstanceMethod<&StatementSync::IterateNext>("iterateNext"),
          InstanceMethod<&StatementSync::IterateStop>("iterateStop"),
          InstanceMethod<&StatementSync::IterateCheck>("iterateCheck"),
          InstanceMethod<&StatementSync::IsFinalized>("isFinalized"),
          InstanceMethod<&StatementSync::Columns>("columns"),
          InstanceMethod<&StatementSync::ColumnNames>("columnNames"),
          InstanceMethod<&StatementSync::SourceSql>("sourceSQL"),
          InstanceMethod<&StatementSync::ExpandedSql>("expandedSQL"),
          InstanceMethod<&StatementSync::SetReadBigInts>("setReadBigInts"),
          InstanceMethod<&StatementSync::SetReturnArrays>("setReturnArrays"),
          InstanceMethod<&StatementSync::SetAllowBareNamedParameters>("setAllowBareNamedParameters"),
          InstanceMethod<&StatementSync::SetAllowUnknownNamedParameters>("setAllowUnknownNamedParameters"),
          InstanceMethod<&StatementSync::GetReturnArrays>("returnArrays"),
          InstanceMethod<&StatementSync::Close>("close"),
          InstanceMethod<&StatementSync::Stat>("stat"),
          InstanceMethod<&StatementSync::ResetStats>("resetStats"),
      });
}

StatementSync::StatementSync(const Napi::CallbackInfo& info) : ObjectWrap<StatementSync>(info) {
  TagObject(info.Env(), info.This(), NativeClass::Statement);  // type_tags.h T1
}

StatementSync::~StatementSync() {
  if (db_ != nullptr) db_->Untrack(this);
  Finalize();
}

void StatementSync::Attach(DatabaseSync* db, sqlite3_stmt* stmt, const StatementConfig& config) {
  db_ = db;
  stmt_ = stmt;
  read_bigints_ = config.read_bigints;
  return_arrays_ = config.return_arrays;
  bind_options_.allow_bare_named = config.allow_bare_named;
  bind_options_.allow_unknown_named = config.allow_unknown_named;
  bind_options_.positional = config.positional;
  db->Track(this);
}

void StatementSync::DetachFromDatabase() {
  Finalize();
  db_ = nullptr;
}

void StatementSync::Finalize() {
  if (stmt_ != nullptr) {
    // An unfinished statement "ends" in sqlite3_finalize: node publishes nothing for it, and
    // this may run from a garbage-collection finalizer, where no JS may run.
    DatabaseSync::TraceMute mute(db_);
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
}

bool StatementSync::RequireUsable(napi_env env, bool runnable) {
  if (!RequireNotFinalized(env)) return false;
  // node refuses a run from inside the authorizer before it looks at the statement's state.
  if (runnable && db_ != nullptr && !db_->RequireNotInAuthorizer(env)) return false;
  // A user function (or other callback) of this very statement, called from inside its step:
  // resetting or re-running it there would pull it out from under SQLite.
  if (stepping_.active()) {
    ThrowInvalidState(env, kStatementExecuting);
    return false;
  }
  if (db_ == nullptr || !db_->IsOpen()) {
    ThrowInvalidState(env, kDatabaseNotOpen);
    return false;
  }
  return true;
}

bool StatementSync::RequireRunnable(napi_env env) { return RequireUsable(env, true); }

bool StatementSync::ResetAndBind(napi_env env, const Napi::CallbackInfo& info) {
  if (!RequireRunnable(env)) return false;
  // As node, every call starts with a reset and reports what it returns: get/all/run reset when
  // they are done, but an iteration that failed leaves its error in the statement, and the next
  // call on it throws that error once more (an unfinished iteration just ends here, and its end
  // is published, as node does).
  // Only a busy statement or one an iteration left failed needs the reset here (a reset of an
  // idle statement costs a point get() about 1%).
  if (sqlite3_stmt_busy(stmt_) || iteration_failed_) {
    iteration_failed_ = false;
    if (Reset() != SQLITE_OK) {
      ThrowSqliteError(env, db_->handle());
      return false;
    }
  }
  Args args(info);
  if (!BindArguments(env, db_->handle(), stmt_, args.data, args.count, bind_options_, &bare_names_)) {
    sqlite3_reset(stmt_);
    return false;
  }
  return true;
}

bool StatementSync::ColumnsChanged() {
  int reprepares = sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_REPREPARE, 0);
  if (reprepares == reported_reprepares_) return false;
  reported_reprepares_ = reprepares;
  return true;
}

RowScratch& StatementSync::Scratch(napi_env env) {
  Addon* addon = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&addon));
  return addon->scratch;
}

// Reads the current row and publishes it. Returns the boxed values — null when the row has
// none, the value itself when it has one (never an array: the wrapper tells them apart), else an
// array — or nullptr with a pending exception.
// An exception (out of memory) is thrown into JS as cpp_exceptions.h E2 says; the caller resets
// the statement as after any failure.
napi_value StatementSync::ReadOneRow(napi_env env) {
  RowScratch& scratch = Scratch(env);
  RowBuffer cells = scratch.TakeBuffer();
  napi_value result = nullptr;
  try {
    result = CollectOneRow(env, &cells) ? PublishOneRow(env, scratch, cells) : nullptr;
  } catch (...) {
    result = nullptr;
    cells = RowBuffer();
    ThrowCurrentException(env);
  }
  scratch.ReturnBuffer(std::move(cells));
  return result;
}

bool StatementSync::CollectOneRow(napi_env env, RowBuffer* cells) {
  return CollectRowCells(env, stmt_, sqlite3_column_count(stmt_), read_bigints_, cells);
}

napi_value StatementSync::PublishOneRow(napi_env env, RowScratch& scratch, const RowBuffer& cells) {
  // Saves creating an array for the common single-string row.
  if (cells.boxed.size() == 1) {
    return PublishRows(env, scratch, cells, 1, /*boxed_array=*/false) != nullptr ? cells.boxed[0] : nullptr;
  }
  return PublishRows(env, scratch, cells, 1);
}

// Publishes `rows` rows of `cells`; returns the boxed values as an array (null if there are
// none, or if `boxed_array` is false), nullptr on error.
napi_value StatementSync::PublishRows(napi_env env, RowScratch& scratch, const RowBuffer& cells, uint32_t rows,
                                      bool boxed_array) {
  bool new_columns = rows > 0 && ColumnsChanged();
  if (!scratch.Publish(env, cells, rows, static_cast<uint32_t>(sqlite3_column_count(stmt_)), new_columns)) {
    return nullptr;
  }
  napi_value boxed;
  if (cells.boxed.empty() || !boxed_array) {
    napi_get_null(env, &boxed);
    return boxed;
  }
  napi_create_array_with_length(env, cells.boxed.size(), &boxed);
  for (size_t i = 0; i < cells.boxed.size(); i++) napi_set_element(env, boxed, static_cast<uint32_t>(i), cells.boxed[i]);
  return boxed;
}

Napi::Value StatementSync::ColumnNames(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireNotFinalized(env)) return Napi::Value();
  int count = sqlite3_column_count(stmt_);
  napi_value names;
  napi_create_array_with_length(env, static_cast<size_t>(count), &names);
  for (int c = 0; c < count; c++) {
    napi_set_element(env, names, static_cast<uint32_t>(c), NullableString(env, sqlite3_column_name(stmt_, c)));
  }
  return Napi::Value(env, names);
}

Napi::Value StatementSync::Run(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!ResetAndBind(env, info)) return Napi::Value();
  sqlite3* db = db_->handle();
  // As the call began: a query-diagnostics subscriber may change it before the results are read.
  bool bigints = read_bigints_;
  int rc;
  // One step, as node's run(): a statement that returns rows is not run to its end (its later
  // rows are never computed — user functions are not called for them), then reset. Writes are
  // all done by the first step (RETURNING included).
  rc = Step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    ThrowSqliteError(env, db);
    Reset();
    return Napi::Value();
  }
  Reset();
  // Like node, a rowid beyond 2^53 throws ERR_OUT_OF_RANGE (after the statement has run). Also
  // like node, both are read after the statement's diagnostics were published (at DONE): rows a
  // subscriber inserted count.)
  int64_t changes = sqlite3_changes64(db);
  int64_t last_id = sqlite3_last_insert_rowid(db);
  if (bigints) {
    napi_value pair, value;
    napi_create_array_with_length(env, 2, &pair);
    napi_create_bigint_int64(env, changes, &value);
    napi_set_element(env, pair, 0, value);
    napi_create_bigint_int64(env, last_id, &value);
    napi_set_element(env, pair, 1, value);
    return Napi::Value(env, pair);
  }
  if (!RequireSafeInteger(env, changes) || !RequireSafeInteger(env, last_id)) return Napi::Value();
  Scratch(env).PublishChanges(static_cast<double>(changes), static_cast<double>(last_id));
  return Napi::Value();
}

Napi::Value StatementSync::Get(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!ResetAndBind(env, info)) return Napi::Value();
  int rc = Step();
  napi_value result = nullptr;
  if (rc == SQLITE_ROW) {
    // The reset publishes the query's diagnostics, whose subscriber may use the scratch: collect
    // the row first, publish it to the scratch after.
    RowScratch& scratch = Scratch(env);
    RowBuffer cells = scratch.TakeBuffer();
    bool ok = CollectOneRow(env, &cells);
    Reset();
    if (ok) result = PublishOneRow(env, scratch, cells);
    scratch.ReturnBuffer(std::move(cells));
    return Napi::Value(env, result);
  }
  if (rc == SQLITE_DONE) {
    napi_get_undefined(env, &result);
  } else {
    ThrowSqliteError(env, db_->handle());
  }
  Reset();
  return Napi::Value(env, result);
}

Napi::Value StatementSync::All(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!ResetAndBind(env, info)) return Napi::Value();
  RowScratch& scratch = Scratch(env);
  RowBuffer cells = scratch.TakeBuffer();
  uint32_t rows = 0;
  // The column count is read once a row exists: the first step may re-prepare the statement
  // (after a schema change) and change it. (Bug fixed: read before stepping, a column added by
  // ALTER TABLE came back as another cell's value.)
  int count = -1;
  napi_value result = nullptr;
  int rc;
  // A result too large for memory throws std::bad_alloc while collecting: all() then throws
  // SQLite's own "out of memory" (cpp_exceptions.h E2), and the statement is reset below all the
  // same, so no read transaction outlives the call.
  try {
    while ((rc = Step()) == SQLITE_ROW) {
      if (count < 0) count = sqlite3_column_count(stmt_);
      if (!CollectRowCells(env, stmt_, count, read_bigints_, &cells)) break;
      rows++;
    }
    if (rc == SQLITE_DONE) {
      // Published before reset: only then do the column names belong to the rows returned. (The
      // query diagnostics ran already, in the step that returned DONE; a reset after an error or
      // a failed conversion publishes nothing to the scratch.)
      result = PublishRows(env, scratch, cells, rows);
    } else if (rc != SQLITE_ROW) {
      ThrowSqliteError(env, db_->handle());
    }
  } catch (...) {
    result = nullptr;
    cells = RowBuffer();  // what was collected goes now, not into the spare buffer
    ThrowCurrentException(env);
  }
  scratch.ReturnBuffer(std::move(cells));
  Reset();
  return Napi::Value(env, result);
}

Napi::Value StatementSync::IterateStart(const Napi::CallbackInfo& info) {
  ResetAndBind(info.Env(), info);
  return Napi::Value();
}

// Steps once: a row (array or { columns, values }), or undefined when done (the statement is then
// reset). The iterator object in TypeScript owns the done/return protocol.
Napi::Value StatementSync::IterateNext(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireRunnable(env)) return Napi::Value();
  int rc = Step();
  napi_value result = nullptr;
  if (rc == SQLITE_ROW) {
    // A value that cannot be converted (ERR_OUT_OF_RANGE) fails this row only: like node, the
    // statement is not reset and the next call continues with the next row.
    return Napi::Value(env, ReadOneRow(env));
  }
  if (rc == SQLITE_DONE) {
    napi_get_undefined(env, &result);
    Reset();
  } else {
    // Not reset: the error stays in the statement for the next call's reset (see ResetAndBind).
    iteration_failed_ = true;
    ThrowSqliteError(env, db_->handle());
  }
  return Napi::Value(env, result);
}

// return(): resetting uses the connection, which the authorizer may not (node's rule).
Napi::Value StatementSync::IterateStop(const Napi::CallbackInfo& info) {
  if (RequireRunnable(info.Env())) Reset();
  return Napi::Value();
}

Napi::Value StatementSync::IterateCheck(const Napi::CallbackInfo& info) {
  RequireUsable(info.Env());
  return Napi::Value();
}

Napi::Value StatementSync::IsFinalized(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), stmt_ == nullptr);
}

// Flat [column, database, name, table, type] × columns; the wrapper builds the objects.
Napi::Value StatementSync::Columns(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireNotFinalized(env)) return Napi::Value();
  int count = sqlite3_column_count(stmt_);
  napi_value flat;
  napi_create_array_with_length(env, static_cast<size_t>(count) * 5, &flat);
  uint32_t i = 0;
  for (int c = 0; c < count; c++) {
    napi_set_element(env, flat, i++, NullableString(env, sqlite3_column_origin_name(stmt_, c)));
    napi_set_element(env, flat, i++, NullableString(env, sqlite3_column_database_name(stmt_, c)));
    napi_set_element(env, flat, i++, NullableString(env, sqlite3_column_name(stmt_, c)));
    napi_set_element(env, flat, i++, NullableString(env, sqlite3_column_table_name(stmt_, c)));
    napi_set_element(env, flat, i++, NullableString(env, sqlite3_column_decltype(stmt_, c)));
  }
  return Napi::Value(env, flat);
}

Napi::Value StatementSync::SourceSql(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireNotFinalized(env)) return Napi::Value();
  return Napi::Value(env, NullableString(env, sqlite3_sql(stmt_)));
}

Napi::Value StatementSync::ExpandedSql(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireNotFinalized(env)) return Napi::Value();
  SqlitePtr<char> expanded(sqlite3_expanded_sql(stmt_));
  if (expanded == nullptr) {
    ThrowCodedError(env, ErrorKind::Error, "ERR_SQLITE_ERROR", "Expanded SQL text would exceed configured limits");
    return Napi::Value();
  }
  return Napi::Value(env, NullableString(env, expanded.get()));
}

bool StatementSync::SetFlag(const Napi::CallbackInfo& info, const char* name, bool* flag) {
  napi_env env = info.Env();
  if (!RequireNotFinalized(env)) return false;
  if (info.Length() < 1 || !info[0].IsBoolean()) {
    ThrowInvalidArgType(env, ArgumentMustBe(name, "a boolean"));
    return false;
  }
  *flag = info[0].As<Napi::Boolean>().Value();
  return true;
}

Napi::Value StatementSync::SetReadBigInts(const Napi::CallbackInfo& info) {
  SetFlag(info, "readBigInts", &read_bigints_);
  return Napi::Value();
}

Napi::Value StatementSync::SetReturnArrays(const Napi::CallbackInfo& info) {
  SetFlag(info, "returnArrays", &return_arrays_);
  return Napi::Value();
}

Napi::Value StatementSync::SetAllowBareNamedParameters(const Napi::CallbackInfo& info) {
  SetFlag(info, "allowBareNamedParameters", &bind_options_.allow_bare_named);
  return Napi::Value();
}

Napi::Value StatementSync::SetAllowUnknownNamedParameters(const Napi::CallbackInfo& info) {
  SetFlag(info, "enabled", &bind_options_.allow_unknown_named);
  return Napi::Value();
}

Napi::Value StatementSync::GetReturnArrays(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), return_arrays_);
}

Napi::Value StatementSync::Close(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireNotFinalized(env)) return Napi::Value();
  // From a callback SQLite makes while stepping this statement (the authorizer, on a re-prepare):
  // finalizing it would free it under sqlite3_step.
  if (stepping_.active()) {
    ThrowInvalidState(env, kStatementExecuting);
    return Napi::Value();
  }
  // An unfinished iteration inside the authorizer: node refuses, as for any connection use.
  if (db_ != nullptr && db_->InAuthorizer() && sqlite3_stmt_busy(stmt_) && !db_->RequireNotInAuthorizer(env)) {
    return Napi::Value();
  }
  if (db_ != nullptr) db_->Untrack(this);
  Finalize();  // while db_ is still known: it mutes the diagnostics
  db_ = nullptr;
  return Napi::Value();
}

// stat(counter): one sqlite3_stmt_status counter, by node:sqlite's name.
Napi::Value StatementSync::Stat(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireNotFinalized(env)) return Napi::Value();
  if (info.Length() < 1 || !info[0].IsString()) {
    ThrowInvalidArgType(env, ArgumentMustBe("counter", "a string"));
    return Napi::Value();
  }
  std::string name = info[0].As<Napi::String>().Utf8Value();
  for (const StatCounter& counter : kStatCounters) {
    if (name == counter.name) return Napi::Number::New(env, sqlite3_stmt_status(stmt_, counter.op, 0));
  }
  ThrowInvalidArgValue(env, "The \"counter\" argument is not a valid statistic name.");
  return Napi::Value();
}

// resetStats(): zeroes every counter (SQLite leaves memused alone: it is not cumulative).
Napi::Value StatementSync::ResetStats(const Napi::CallbackInfo& info) {
  if (!RequireNotFinalized(info.Env())) return Napi::Value();
  for (const StatCounter& counter : kStatCounters) sqlite3_stmt_status(stmt_, counter.op, 1);
  // The column-set check (ColumnsChanged) compares the REPREPARE counter, which was just zeroed:
  // forget what was reported so a later re-prepare cannot look like the old generation.
  reported_reprepares_ = -1;
  return Napi::Value();
}

}  // namespace strand
