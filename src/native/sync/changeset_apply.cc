// DatabaseSync#applyChangeset(changeset, filter, onConflict): sqlite3changeset_apply with the
// user's callbacks, which SQLite calls synchronously on this (the JS) thread.
//
// Rules (node 26's behaviour, and what keeps it safe):
//   - The TypeScript layer has validated the arguments (filter/onConflict: function or
//     undefined); this checks the connection again, since option getters run JS.
//   - The changeset is copied first: a callback may detach or resize the caller's buffer.
//   - Callbacks are called with raw N-API and a null receiver, never node-addon-api: a failing
//     call must not become a C++ exception unwinding through SQLite's C frames.
//   - A throwing callback: the exception stays pending; filter then answers "skip" for every
//     later table without calling JS again, onConflict answers SQLITE_CHANGESET_ABORT. Once
//     SQLite returns, the pending exception is what the caller sees.
//   - onConflict's value goes to SQLite as is when it is an int32, else -1; SQLite rejects
//     anything but OMIT/REPLACE/ABORT with SQLITE_MISUSE ("bad parameter or other API misuse").
//   - Result: true on SQLITE_OK, false on SQLITE_ABORT (a conflict aborted it), otherwise an
//     ERR_SQLITE_ERROR built from the result code alone (node's THROW_ERR_SQLITE_ERROR), which
//     replaces an error the authorizer left pending (see database_authorizer.cc).
//   - CallbackScope: close() of this database is refused while the callbacks can run.
#include <vector>

#include "sync/database_sync.h"
#include "core/errors.h"
#include "core/js_strings.h"

namespace strand {

namespace {

struct ApplyContext {
  napi_env env;
  napi_value filter;       // nullptr: every table
  napi_value on_conflict;  // nullptr: abort on the first conflict
  bool threw = false;
};

// A JS call that may throw: false (and ctx->threw) when it did not return normally.
bool CallJs(ApplyContext* ctx, napi_value fn, napi_value arg, napi_value* result) {
  napi_value receiver = nullptr;
  if (napi_get_null(ctx->env, &receiver) != napi_ok ||
      napi_call_function(ctx->env, receiver, fn, 1, &arg, result) != napi_ok) {
    ctx->threw = true;
    return false;
  }
  return true;
}

int FilterTable(void* data, const char* table) {
  auto* ctx = static_cast<ApplyContext*>(data);
  if (ctx->filter == nullptr) return 1;
  if (ctx->threw) return 0;
  napi_value name = nullptr;
  napi_value result = nullptr;
  if (napi_create_string_utf8(ctx->env, table, NAPI_AUTO_LENGTH, &name) != napi_ok) {
    ctx->threw = true;
    return 0;
  }
  if (!CallJs(ctx, ctx->filter, name, &result)) return 0;
  napi_value truthy = nullptr;
  bool keep = false;
  if (napi_coerce_to_bool(ctx->env, result, &truthy) != napi_ok || napi_get_value_bool(ctx->env, truthy, &keep) != napi_ok) {
    ctx->threw = true;
    return 0;
  }
  return keep ? 1 : 0;
}

int ResolveConflict(void* data, int conflict_type, sqlite3_changeset_iter*) {
  auto* ctx = static_cast<ApplyContext*>(data);
  if (ctx->on_conflict == nullptr || ctx->threw) return SQLITE_CHANGESET_ABORT;
  napi_value type = nullptr;
  napi_value result = nullptr;
  if (napi_create_int32(ctx->env, conflict_type, &type) != napi_ok) {
    ctx->threw = true;
    return SQLITE_CHANGESET_ABORT;
  }
  if (!CallJs(ctx, ctx->on_conflict, type, &result)) return SQLITE_CHANGESET_ABORT;
  int32_t answer = 0;
  return ReadInt32(ctx->env, result, &answer) ? answer : -1;
}

// The bytes of a Uint8Array (Buffer included), copied.
bool CopyUint8Array(napi_env env, napi_value value, std::vector<uint8_t>* out) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    return false;
  }
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->assign(bytes, bytes + (data == nullptr ? 0 : length));
  return true;
}

}  // namespace

Napi::Value DatabaseSync::ApplyChangeset(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  std::vector<uint8_t> changeset;
  if (info.Length() < 1 || !CopyUint8Array(env, info[0], &changeset)) {
    ThrowInvalidArgType(env, ArgumentMustBe("changeset", "a Uint8Array"));
    return Napi::Value();
  }
  ApplyContext ctx{env, nullptr, nullptr};
  if (info.Length() > 1 && IsFunction(env, info[1])) ctx.filter = info[1];
  if (info.Length() > 2 && IsFunction(env, info[2])) ctx.on_conflict = info[2];
  int rc;
  {
    CallbackScope scope(this);
    rc = sqlite3changeset_apply(db_, static_cast<int>(changeset.size()), changeset.data(), FilterTable,
                                ResolveConflict, &ctx);
  }
  if (ctx.threw) return Napi::Value();  // the callback's exception is pending
  if (rc != SQLITE_OK && rc != SQLITE_ABORT) {
    // As node, SQLite's result wins over an error the authorizer left pending while SQLite ran
    // the changeset's own statements (it answered "deny", which is what failed them).
    napi_value earlier = nullptr;
    napi_get_and_clear_last_exception(env, &earlier);
    ThrowSqliteResultCode(env, rc);
    return Napi::Value();
  }
  napi_value result = nullptr;
  napi_get_boolean(env, rc == SQLITE_OK, &result);
  return Napi::Value(env, result);
}

}  // namespace strand
