// DatabaseSync#serialize(dbName = 'main') → Uint8Array and DatabaseSync#deserialize(buffer,
// { dbName }), over the connection-level steps they share with AsyncDatabase (core/serialize.h).
#include <string>

#include "sync/database_sync.h"
#include "core/column_values.h"
#include "core/errors.h"
#include "core/serialize.h"
#include "core/js_strings.h"

namespace strand {

namespace {

// The bytes of deserialize()'s buffer: a non-empty Uint8Array, else node's errors (false).
bool ReadImageArgument(napi_env env, napi_value value, void** data, size_t* length) {
  bool is_typed = false;
  napi_typedarray_type kind = napi_int8_array;
  napi_is_typedarray(env, value, &is_typed);
  if (is_typed) napi_get_typedarray_info(env, value, &kind, length, data, nullptr, nullptr);
  if (!is_typed || kind != napi_uint8_array) {
    ThrowInvalidArgType(env, ArgumentMustBe("buffer", "a Uint8Array"));
    return false;
  }
  if (*length == 0) {
    ThrowInvalidArgValue(env, "The \"buffer\" argument must not be empty.");
    return false;
  }
  return true;
}

// deserialize()'s { dbName }: an object whose dbName, when present, is a string.
bool ReadDeserializeOptions(napi_env env, napi_value options, std::string* name) {
  if (!IsType(env, options, napi_object) && !IsType(env, options, napi_function)) {
    ThrowInvalidArgType(env, ArgumentMustBe("options", "an object"));
    return false;
  }
  napi_value db_name;
  if (napi_get_named_property(env, options, "dbName", &db_name) != napi_ok) return false;
  return ReadOptionalString(env, db_name, "options.dbName", name);
}

}  // namespace

Napi::Value DatabaseSync::Serialize(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  std::string name = "main";
  if (!ReadOptionalString(env, info[0], "dbName", &name)) return Napi::Value();
  SqliteBytes data;
  int64_t size = 0;
  ErrorInfo error;
  // The authorizer may run here (PRAGMA page_count); if it threw, its error is already pending.
  if (!SerializeDatabase(db_, name, &data, &size, &error)) {
    ThrowError(env, error);
    return Napi::Value();
  }
  // `data` frees itself however this ends (raw N-API: no C++ exception can skip it).
  return Napi::Value(env, NewBlob(env, data.get(), static_cast<size_t>(size)));
}

Napi::Value DatabaseSync::Deserialize(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env)) return Napi::Value();
  // SQLite is inside a call on this connection (in_use.h) — a user function, the authorizer, a
  // query diagnostics subscriber...: replacing the database would pull its pages, and the
  // statements being stepped, from under it. (Bug fixed: from a user function, deserialize()
  // finalized the statement SQLite was stepping — a segfault.)
  if (InCallback()) {
    ThrowInvalidState(env, kDeserializeInCallback);
    return Napi::Value();
  }
  void* data = nullptr;
  size_t length = 0;
  if (!ReadImageArgument(env, info[0], &data, &length)) return Napi::Value();
  std::string name = "main";
  if (!IsType(env, info[1], napi_undefined)) {
    if (!ReadDeserializeOptions(env, info[1], &name)) return Napi::Value();
    // A getter on the options object may have closed the database, or emptied the buffer: read
    // both again.
    if (!RequireOpen(env) || !ReadImageArgument(env, info[0], &data, &length)) return Napi::Value();
  }
  // Like node, every statement goes first: their pages would belong to the replaced database.
  FinalizeStatements();
  // A backup() of this database is running. node's reads this connection, and SQLite refuses
  // to replace a database a backup reads from (SQLITE_BUSY); ours reads its own connection or
  // copy, so the refusal is made here, the same way (in_use.h).
  if (backups_->active()) {
    ThrowSqliteError(env, SQLITE_BUSY, sqlite3_errstr(SQLITE_BUSY));
    return Napi::Value();
  }
  ErrorInfo error;
  if (!DeserializeDatabase(db_, name, static_cast<const uint8_t*>(data), length, &error)) ThrowError(env, error);
  return Napi::Value();
}

}  // namespace strand
