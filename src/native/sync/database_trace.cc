// DatabaseSync's query diagnostics: node:sqlite's diagnostics_channel 'sqlite.db.query'.
//
// node publishes { sql, database, duration } from SQLite's SQLITE_TRACE_PROFILE hook: for every
// statement run on the connection (each statement of exec(), a statement SQLite runs internally
// — sessions, serialize, deserialize — and a statement run from inside a user function), when
// it ends: inside sqlite3_step when it returns DONE or an error, or inside sqlite3_reset for a
// statement that had started. `sql` is sqlite3_expanded_sql (the source text if that exceeds the
// length limit), `duration` SQLite's own elapsed time in nanoseconds (its clock has millisecond
// resolution). We install the same hook, so the same statements are reported at the same
// moments; the TypeScript layer (src/ts/shared/query-diagnostics.ts) builds and publishes the message.
//
// Rules (see also database_sync.h):
//   - The tracer is the "queryTracer" property of this wrapper's JS object: tracer(sql, duration)
//     → false when nobody subscribes any more, and the hook then removes itself. The hook is
//     installed only while a tracer is set, so a database nobody observes pays nothing.
//   - It runs on the JS thread, from inside SQLite, while our N-API method is on the stack:
//     raw N-API with status checks, no C++ exception may unwind through SQLite's frames.
//   - While the tracer runs the database is in a callback (CallbackScope: close() refuses) and
//     the statement being stepped or reset counts as executing (StatementSync::Stepping): the
//     subscriber may run other statements, but neither pull this one from under SQLite nor
//     close or deserialize the connection. (node refuses the same, with the same errors —
//     except in an iterator's return(), where it lets the subscriber step or even finalize the
//     statement SQLite is resetting.)
//   - Muted too while backup() reads its source (backup_job.cc): node's backup runs no
//     statement there.
//   - An exception already pending when the hook fires (a user function threw) is set aside for
//     the call and restored afterwards, so the caller still sees that error. (node, here, loses
//     it: the statement throws an empty ERR_SQLITE_ERROR.) An exception the call itself leaves
//     (only a stack overflow or termination: the tracer catches everything else) stays pending.
//   - Muted (TraceMute) while statements are finalized or the connection closes: node publishes
//     nothing for a finalized unfinished statement, and no JS may run from a garbage-collection
//     finalizer or from env teardown.
#include "addon.h"
#include "sync/database_sync.h"
#include "core/sqlite_memory.h"

namespace strand {

namespace {

constexpr const char* kTracerKey = "queryTracer";

}  // namespace

// setQueryTracer(fn | null), from the TypeScript layer only.
Napi::Value DatabaseSync::SetQueryTracer(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  napi_valuetype type = napi_undefined;
  if (info.Length() > 0) napi_typeof(env, info[0], &type);
  napi_value tracer = info.Length() > 0 ? napi_value(info[0]) : nullptr;
  if (type != napi_function) napi_get_null(env, &tracer);
  if (napi_set_named_property(env, info.This(), kTracerKey, tracer) != napi_ok) return Napi::Value();
  has_query_tracer_ = type == napi_function;
  InstallQueryTracer();
  return Napi::Value();
}

void DatabaseSync::InstallQueryTracer() {
  if (db_ == nullptr) return;
  if (has_query_tracer_) {
    sqlite3_trace_v2(db_, SQLITE_TRACE_PROFILE, &DatabaseSync::TraceQuery, this);
    if (addon_ != nullptr) addon_->sync_trace_installs++;
  } else {
    sqlite3_trace_v2(db_, 0, nullptr, nullptr);
  }
}

int DatabaseSync::TraceQuery(unsigned int type, void* data, void* statement, void* elapsed) {
  auto* self = static_cast<DatabaseSync*>(data);
  if (type != SQLITE_TRACE_PROFILE || self->trace_muted_ > 0 || !self->has_query_tracer_) return 0;
  napi_env env = self->env_;
  // Set aside an exception that is already on its way to the caller (a user function threw):
  // napi_call_function would refuse to run with it pending.
  napi_value set_aside = nullptr;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != napi_ok) return 0;
  if (pending && napi_get_and_clear_last_exception(env, &set_aside) != napi_ok) return 0;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) == napi_ok) {
    self->CallQueryTracer(env, static_cast<sqlite3_stmt*>(statement), *static_cast<sqlite3_int64*>(elapsed));
    napi_close_handle_scope(env, scope);
  }
  if (set_aside != nullptr) {
    // The earlier error wins over anything the call left behind.
    napi_value dropped;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &dropped);
    napi_throw(env, set_aside);
  }
  return 0;
}

void DatabaseSync::CallQueryTracer(napi_env env, sqlite3_stmt* stmt, sqlite3_int64 elapsed) {
  napi_value object = nullptr, tracer = nullptr, receiver = nullptr, result = nullptr;
  if (!StoredFunction(env, kTracerKey, &object, &tracer)) return;
  napi_value argv[2] = {nullptr, nullptr};
  {
    // node's sql: the expanded text, or the source when expanding would exceed the limits.
    SqlitePtr<char> expanded(sqlite3_expanded_sql(stmt));
    const char* text = expanded != nullptr ? expanded.get() : sqlite3_sql(stmt);
    napi_create_string_utf8(env, text != nullptr ? text : "", NAPI_AUTO_LENGTH, &argv[0]);
  }
  napi_create_double(env, static_cast<double>(elapsed), &argv[1]);
  napi_get_undefined(env, &receiver);
  napi_status status;
  {
    CallbackScope in_callback(this);
    status = argv[0] != nullptr && argv[1] != nullptr ? napi_call_function(env, receiver, tracer, 2, argv, &result)
                                                      : napi_generic_failure;
  }
  bool still_wanted = true;
  if (status == napi_ok && napi_get_value_bool(env, result, &still_wanted) == napi_ok && !still_wanted) {
    // Nobody subscribes any more: stop paying for the hook until the TypeScript layer sees a
    // subscriber again and sets a new tracer.
    napi_value null_value;
    napi_get_null(env, &null_value);
    napi_set_named_property(env, object, kTracerKey, null_value);
    has_query_tracer_ = false;
    if (db_ != nullptr) sqlite3_trace_v2(db_, 0, nullptr, nullptr);
  }
}

}  // namespace strand
