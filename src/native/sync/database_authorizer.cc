// DatabaseSync#setAuthorizer(callback | null) and the sqlite3_set_authorizer hook that calls it.
//
// Rules (see also database_sync.h):
//   - The callback lives as the "authorizer" property of this wrapper's JS object (invisible to
//     users: the wrapper is private to the TypeScript Database). Nothing to release: the GC owns it.
//   - SQLite calls Authorize() synchronously on the JS thread, from inside a prepare/step that one
//     of our N-API methods is running, so calling into JS is allowed. Everything here is raw N-API
//     with status checks: a node-addon-api C++ exception must never unwind through SQLite's C
//     frames.
//   - While the callback runs, authorizer_ is in use (in_use.h) and the connection refuses to be
//     used, closed or deserialized (node's ERR_INVALID_STATE errors).
//   - A callback that throws, or returns something other than SQLITE_OK/DENY/IGNORE, leaves a
//     pending exception and denies: SQLite fails the statement and ThrowSqliteError (errors.cc)
//     throws nothing over the pending error, so the caller sees the callback's error.
//   - SQLITE_IGNORE for the ATTACH that VACUUM runs itself counts as SQLITE_DENY: ignored, it makes
//     SQLite use a database that is not there (a segfault — node 26's too).
//   - Asked again while that error is pending, the callback still runs (V8 lets node call it),
//     and a new error replaces the pending one; applyChangeset then throws SQLite's own result
//     over whatever is pending (changeset_apply.cc), as node does.
#include "sync/database_sync.h"
#include "core/errors.h"
#include "core/js_strings.h"
#include "core/statement_kind.h"

namespace strand {

namespace {

constexpr const char* kAuthorizerKey = "authorizer";

// node's errors here are plain TypeError/RangeError without a code.
void ThrowPlain(napi_env env, bool range, const char* message) {
  napi_value text = nullptr, error = nullptr;
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text) != napi_ok) return;
  if (range) napi_create_range_error(env, nullptr, text, &error);
  else napi_create_type_error(env, nullptr, text, &error);
  if (error != nullptr) napi_throw(env, error);
}

}  // namespace

Napi::Value DatabaseSync::SetAuthorizer(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  napi_valuetype type = napi_undefined;
  if (info.Length() > 0) napi_typeof(env, info[0], &type);
  if (type != napi_null && type != napi_function) {
    ThrowInvalidArgType(env, ArgumentMustBe("callback", "a function or null"));
    return Napi::Value();
  }
  if (napi_set_named_property(env, info.This(), kAuthorizerKey, info[0]) != napi_ok) return Napi::Value();
  has_authorizer_ = type == napi_function;
  InstallAuthorizer();
  return Napi::Value();
}

void DatabaseSync::InstallAuthorizer() {
  if (db_ == nullptr) return;
  if (has_authorizer_) sqlite3_set_authorizer(db_, &DatabaseSync::Authorize, this);
  else sqlite3_set_authorizer(db_, nullptr, nullptr);
}

namespace {

// SQLite's verdict from what the callback did: its code when valid, else SQLITE_DENY with node's
// error pending.
int Verdict(napi_env env, sqlite3* db, int action, napi_status status, napi_value result) {
  int32_t code = 0;
  if (status != napi_ok) return SQLITE_DENY;  // it threw (or the env is going away): its error stays pending
  if (!ReadInt32(env, result, &code)) {
    ThrowPlain(env, false, "Authorizer callback must return an integer authorization code");
    return SQLITE_DENY;
  }
  if (code != SQLITE_OK && code != SQLITE_DENY && code != SQLITE_IGNORE) {
    ThrowPlain(env, true, "Authorizer callback returned a invalid authorization code");
    return SQLITE_DENY;
  }
  // (Bug fixed: a segfault, node 26's too.) VACUUM attaches a database of its own, and SQLite
  // goes on as if it were there when that ATTACH is ignored: refused instead, so VACUUM fails
  // with SQLITE_AUTH. Any other ATTACH may be ignored, as node allows.
  if (code == SQLITE_IGNORE && action == SQLITE_ATTACH && VacuumRunning(db)) return SQLITE_DENY;
  return code;
}

}  // namespace

int DatabaseSync::Authorize(void* data, int action, const char* arg1, const char* arg2, const char* db_name,
                            const char* trigger_or_view) {
  auto* self = static_cast<DatabaseSync*>(data);
  napi_env env = self->env_;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return SQLITE_DENY;
  // SQLite may ask again while an earlier answer's error is pending (applyChangeset runs several
  // statements of its own). node's callback runs anyway, and a new error replaces the earlier
  // one: take the earlier error aside for the call and put it back if nothing replaced it.
  napi_value earlier = nullptr;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &earlier);
  const char* const names[4] = {arg1, arg2, db_name, trigger_or_view};
  int verdict = self->CallAuthorizer(env, action, names);
  if (earlier != nullptr && napi_is_exception_pending(env, &pending) == napi_ok && !pending) napi_throw(env, earlier);
  napi_close_handle_scope(env, scope);
  return verdict;
}

int DatabaseSync::CallAuthorizer(napi_env env, int action, const char* const names[4]) {
  napi_value object = nullptr, callback = nullptr, receiver = nullptr, result = nullptr;
  if (!StoredFunction(env, kAuthorizerKey, &object, &callback)) return SQLITE_DENY;
  napi_value argv[5];
  napi_create_int32(env, action, &argv[0]);
  for (int i = 0; i < 4; i++) argv[i + 1] = NullableString(env, names[i]);
  napi_get_undefined(env, &receiver);
  napi_status status;
  {
    InUse::Scope in_authorizer(authorizer_);
    status = napi_call_function(env, receiver, callback, 5, argv, &result);
  }
  return Verdict(env, db_, action, status, result);
}

}  // namespace strand
