// DatabaseSync's connection switches: enableDefensive(), enableLoadExtension(), loadExtension().
// Checks run in node:sqlite's order: open, not inside the authorizer, then the arguments.
#include <string>

#include "sync/database_sync.h"
#include "core/errors.h"
#include "core/js_strings.h"

namespace strand {

namespace {

bool IsBoolean(napi_env env, const Napi::CallbackInfo& info, size_t index, bool* value) {
  if (info.Length() <= index) return false;
  napi_valuetype type;
  if (napi_typeof(env, info[index], &type) != napi_ok || type != napi_boolean) return false;
  return napi_get_value_bool(env, info[index], value) == napi_ok;
}

// node reads paths with BufferValue: a string as UTF-8, an ArrayBufferView as its bytes; any
// other value is "absent".
bool ReadPathLike(napi_env env, napi_value value, std::string* out) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  if (type == napi_string) {
    *out = ReadUtf8(env, value);
    return true;
  }
  bool is_view = false;
  napi_is_typedarray(env, value, &is_view);
  if (is_view) {
    napi_typedarray_type kind;
    size_t length = 0, offset = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env, value, &kind, &length, &data, nullptr, &offset);
    size_t element = 1;
    switch (kind) {
      case napi_int16_array: case napi_uint16_array: element = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: element = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: element = 8; break;
      default: break;
    }
    out->assign(static_cast<const char*>(data), length * element);
    return true;
  }
  napi_is_dataview(env, value, &is_view);
  if (is_view) {
    size_t length = 0;
    void* data = nullptr;
    napi_get_dataview_info(env, value, &length, &data, nullptr, nullptr);
    out->assign(static_cast<const char*>(data), length);
    return true;
  }
  return false;
}

}  // namespace

Napi::Value DatabaseSync::EnableDefensive(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  bool active = false;
  if (!IsBoolean(env, info, 0, &active)) {
    ThrowInvalidArgType(env, ArgumentMustBe("active", "a boolean"));
    return Napi::Value();
  }
  int applied = 0;
  if (sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, active ? 1 : 0, &applied) != SQLITE_OK) {
    ThrowSqliteError(env, db_);
    return Napi::Value();
  }
  // A later open() keeps the setting, as node's does.
  config_.defensive = active;
  return Napi::Value();
}

Napi::Value DatabaseSync::EnableLoadExtension(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  bool allow = false;
  if (!IsBoolean(env, info, 0, &allow)) {
    ThrowInvalidArgType(env, ArgumentMustBe("allow", "a boolean"));
    return Napi::Value();
  }
  if (allow && !config_.allow_extension) {
    ThrowInvalidState(env, "Cannot enable extension loading because it was disabled at database creation.");
    return Napi::Value();
  }
  load_extension_enabled_ = allow;
  // Only the C API (loadExtension()); SQL's load_extension() stays disabled, as in node.
  if (sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, allow ? 1 : 0, nullptr) != SQLITE_OK) {
    ThrowSqliteError(env, db_);
  }
  return Napi::Value();
}

Napi::Value DatabaseSync::LoadExtension(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  if (!config_.allow_extension || !load_extension_enabled_) {
    ThrowInvalidState(env, "extension loading is not allowed");
    return Napi::Value();
  }
  napi_valuetype type = napi_undefined;
  if (info.Length() > 0) napi_typeof(env, info[0], &type);
  if (type != napi_string) {
    ThrowInvalidArgType(env, ArgumentMustBe("path", "a string"));
    return Napi::Value();
  }
  std::string path;
  ReadPathLike(env, info[0], &path);
  std::string entry_point;
  bool has_entry_point = info.Length() > 1 && ReadPathLike(env, info[1], &entry_point);
  char* message = nullptr;
  int rc = sqlite3_load_extension(db_, path.c_str(), has_entry_point ? entry_point.c_str() : nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    ThrowCodedError(env, ErrorKind::Error, "ERR_LOAD_SQLITE_EXTENSION", text);
  }
  return Napi::Value();
}

}  // namespace strand
