// StatementSync's native half: one sqlite3_stmt of a DatabaseSync, used on its JS thread only.
//
// Row protocol with the TypeScript wrapper (src/ts/sync/statement-sync.ts): rows cross through the
// env's RowScratch (row_scratch.h) — numbers and nulls in shared typed arrays, other values in a
// "boxed" array returned by the call — and the wrapper builds null-prototype row objects with a
// function generated once per column set. Whenever the column set may have changed (the first
// row ever, or SQLite re-prepared the statement after a schema change) the scratch's meta flag
// tells the wrapper to fetch columnNames() again, so no call per row is spent asking.
//
// Lifetime rules:
//   - The statement holds a raw pointer to its database; the database clears it (and finalizes
//     the sqlite3_stmt) when it closes or is destroyed first. A statement whose stmt_ is null is
//     "finalized" and every method throws ERR_INVALID_STATE.
//   - The sqlite3_stmt is always reset after get()/all()/run() and at the end of iteration, so
//     it never holds a read transaction open between calls. An iteration that fails is the one
//     exception (node's rule): the statement keeps its error until the next call resets it and
//     throws it once more.
//   - Query diagnostics (database_trace.cc) run JS from inside sqlite3_step and sqlite3_reset:
//     both go through Step()/Reset(), which mark the statement as executing, and nothing is
//     written to the RowScratch before a reset that may still publish (get() with a row resets
//     after collecting it and before publishing it): the subscriber may run queries that use
//     the scratch too. Finalizing mutes the diagnostics (node reports nothing then).
#pragma once
#include <optional>
#include <vector>
#include "napi_config.h"
#include "core/bind.h"
#include "core/errors.h"
#include "sync/in_use.h"
#include "core/row_scratch.h"
#include "sqlite3.h"

namespace strand {

class DatabaseSync;
struct StatementConfig;

class StatementSync : public Napi::ObjectWrap<StatementSync> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit StatementSync(const Napi::CallbackInfo& info);
  ~StatementSync() override;

  void Attach(DatabaseSync* db, sqlite3_stmt* stmt, const StatementConfig& config);
  // Finalizes and forgets the database; called by the database when it closes.
  void DetachFromDatabase();

 private:
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value Get(const Napi::CallbackInfo& info);
  Napi::Value All(const Napi::CallbackInfo& info);
  Napi::Value IterateStart(const Napi::CallbackInfo& info);
  Napi::Value IterateNext(const Napi::CallbackInfo& info);
  Napi::Value IterateStop(const Napi::CallbackInfo& info);
  Napi::Value IterateCheck(const Napi::CallbackInfo& info);
  Napi::Value IsFinalized(const Napi::CallbackInfo& info);
  Napi::Value Columns(const Napi::CallbackInfo& info);
  Napi::Value SourceSql(const Napi::CallbackInfo& info);
  Napi::Value ExpandedSql(const Napi::CallbackInfo& info);
  Napi::Value SetReadBigInts(const Napi::CallbackInfo& info);
  Napi::Value SetReturnArrays(const Napi::CallbackInfo& info);
  Napi::Value SetAllowBareNamedParameters(const Napi::CallbackInfo& info);
  Napi::Value SetAllowUnknownNamedParameters(const Napi::CallbackInfo& info);
  Napi::Value GetReturnArrays(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Stat(const Napi::CallbackInfo& info);
  Napi::Value ResetStats(const Napi::CallbackInfo& info);

  // Marks the statement in use inside sqlite3_step, where SQLite may call back into JS (user
  // functions, the authorizer on a re-prepare): close() and every run must refuse until the
  // step returns (in_use.h).
  struct Stepping {
    explicit Stepping(StatementSync* s) : scope(s->stepping_) {}
    InUse::Scope scope;
  };
  int Step() {
    Stepping stepping(this);
    return sqlite3_step(stmt_);
  }
  // sqlite3_reset may run the query diagnostics' subscriber (a statement that had started ends
  // there): it must not be able to re-run or finalize this statement meanwhile.
  int Reset() {
    Stepping stepping(this);
    return sqlite3_reset(stmt_);
  }

  // The start of every run (get/all/run/iterate): the statement is runnable, is reset if it has
  // to be (see the .cc), and the call's arguments are bound. False with a pending exception.
  bool ResetAndBind(napi_env env, const Napi::CallbackInfo& info);
  // The one check every method but isFinalized() makes first: throws ERR_INVALID_STATE
  // "statement has been finalized" (false) once stmt_ is gone. Inline: it is on every call.
  bool RequireNotFinalized(napi_env env) {
    if (stmt_ != nullptr) return true;
    ThrowInvalidState(env, kStatementFinalized);
    return false;
  }
  // Not finalized, not being stepped, and its database is open; otherwise throws.
  bool RequireUsable(napi_env env, bool runnable = false);
  // RequireUsable, and the database is not inside its authorizer callback.
  bool RequireRunnable(napi_env env);
  Napi::Value ColumnNames(const Napi::CallbackInfo& info);
  bool ColumnsChanged();
  static RowScratch& Scratch(napi_env env);
  napi_value ReadOneRow(napi_env env);
  // ReadOneRow in two halves, for get(): collect the cells, reset, then publish them.
  bool CollectOneRow(napi_env env, RowBuffer* cells);
  napi_value PublishOneRow(napi_env env, RowScratch& scratch, const RowBuffer& cells);
  napi_value PublishRows(napi_env env, RowScratch& scratch, const RowBuffer& cells, uint32_t rows,
                         bool boxed_array = true);
  bool SetFlag(const Napi::CallbackInfo& info, const char* name, bool* flag);
  void Finalize();

  DatabaseSync* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool read_bigints_ = false;
  bool return_arrays_ = false;
  BindOptions bind_options_;
  std::optional<BareNameMap> bare_names_;
  int reported_reprepares_ = -1;
  // An iteration's step failed and the statement was left unreset: the next call's reset
  // reports that error once more (node's rule).
  bool iteration_failed_ = false;
  InUse stepping_;
};

// node:sqlite's names for the sqlite3_stmt_status counters.
struct StatCounter {
  const char* name;
  int op;
};
inline constexpr StatCounter kStatCounters[] = {
    {"fullscanStep", SQLITE_STMTSTATUS_FULLSCAN_STEP}, {"sort", SQLITE_STMTSTATUS_SORT},
    {"autoindex", SQLITE_STMTSTATUS_AUTOINDEX},        {"vmStep", SQLITE_STMTSTATUS_VM_STEP},
    {"reprepare", SQLITE_STMTSTATUS_REPREPARE},        {"run", SQLITE_STMTSTATUS_RUN},
    {"filterMiss", SQLITE_STMTSTATUS_FILTER_MISS},     {"filterHit", SQLITE_STMTSTATUS_FILTER_HIT},
    {"memused", SQLITE_STMTSTATUS_MEMUSED},
};

}  // namespace strand
