// DatabaseSync#serialize(dbName = 'main') → Uint8Array, DatabaseSync#deserialize(buffer,
// { dbName }), and the connection-level helpers they share with AsyncDatabase (serialize.h).
#include <cstring>
#include <string>

#include "sync/database_sync.h"
#include "core/errors.h"
#include "core/serialize.h"
#include "core/js_strings.h"

namespace strand {

bool SerializeDatabase(sqlite3* db, const std::string& name, SqliteBytes* data, int64_t* size, ErrorInfo* error) {
  sqlite3_int64 length = -1;
  unsigned char* bytes = sqlite3_serialize(db, name.c_str(), &length, 0);
  data->reset(bytes);
  if (bytes == nullptr && length != 0) {
    *error = ErrorInfo::Sqlite(db);
    return false;
  }
  *size = length;
  return true;
}

bool DeserializeDatabase(sqlite3* db, const std::string& name, const uint8_t* data, size_t size, ErrorInfo* error) {
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(size));
  if (copy == nullptr) {
    *error = ErrorInfo::SqliteCode(SQLITE_NOMEM);
    return false;
  }
  std::memcpy(copy, data, size);
  // On failure SQLite frees `copy` itself (FREEONCLOSE), so it is never ours past this call.
  int rc = sqlite3_deserialize(db, name.c_str(), copy, static_cast<sqlite3_int64>(size),
                               static_cast<sqlite3_int64>(size),
                               SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  if (rc != SQLITE_OK) {
    *error = ErrorInfo::Sqlite(db);
    return false;
  }
  return true;
}

Napi::Value DatabaseSync::Serialize(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  std::string name = "main";
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!IsType(env, info[0], napi_string)) {
      ThrowInvalidArgType(env, ArgumentMustBe("dbName", "a string"));
      return Napi::Value();
    }
    name = ReadUtf8(env, info[0]);
  }
  SqliteBytes data;
  int64_t size = 0;
  ErrorInfo error;
  // The authorizer may run here (PRAGMA page_count); if it threw, its error is already pending.
  if (!SerializeDatabase(db_, name, &data, &size, &error)) {
    ThrowError(env, error);
    return Napi::Value();
  }
  // `data` frees itself however this ends (raw N-API below: no C++ exception can skip it).
  void* bytes = nullptr;
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, static_cast<size_t>(size), &bytes, &buffer) != napi_ok) return Napi::Value();
  if (size > 0) std::memcpy(bytes, data.get(), static_cast<size_t>(size));
  if (napi_create_typedarray(env, napi_uint8_array, static_cast<size_t>(size), buffer, 0, &array) != napi_ok) {
    return Napi::Value();
  }
  return Napi::Value(env, array);
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
  bool is_typed = false;
  napi_typedarray_type kind = napi_int8_array;
  size_t length = 0;
  void* data = nullptr;
  if (info.Length() > 0) napi_is_typedarray(env, info[0], &is_typed);
  if (is_typed) napi_get_typedarray_info(env, info[0], &kind, &length, &data, nullptr, nullptr);
  if (!is_typed || kind != napi_uint8_array) {
    ThrowInvalidArgType(env, ArgumentMustBe("buffer", "a Uint8Array"));
    return Napi::Value();
  }
  if (length == 0) {
    ThrowInvalidArgValue(env, "The \"buffer\" argument must not be empty.");
    return Napi::Value();
  }
  std::string name = "main";
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    if (!info[1].IsObject()) {
      ThrowInvalidArgType(env, ArgumentMustBe("options", "an object"));
      return Napi::Value();
    }
    napi_value db_name;
    if (napi_get_named_property(env, info[1], "dbName", &db_name) != napi_ok) return Napi::Value();
    if (!IsType(env, db_name, napi_undefined)) {
      if (!IsType(env, db_name, napi_string)) {
        ThrowInvalidArgType(env, ArgumentMustBe("options.dbName", "a string"));
        return Napi::Value();
      }
      name = ReadUtf8(env, db_name);
    }
    // A getter on the options object may have closed the database.
    if (!RequireOpen(env)) return Napi::Value();
    // Reading dbName may have run a getter that changed the buffer: read it again.
    napi_get_typedarray_info(env, info[0], &kind, &length, &data, nullptr, nullptr);
    if (length == 0) {
      ThrowInvalidArgValue(env, "The \"buffer\" argument must not be empty.");
      return Napi::Value();
    }
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
