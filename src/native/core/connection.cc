#include "core/connection.h"
#include "core/js_strings.h"

namespace strand {

bool ReadDatabaseConfig(napi_env env, const Napi::CallbackInfo& info, DatabaseConfig* config) {
  if (info.Length() < 1 || !info[0].IsObject()) {
    ThrowInvalidArgType(env, ArgumentMustBe("config", "an object"));
    return false;
  }
  Napi::Object options = info[0].As<Napi::Object>();
  Napi::Value location = options.Get("location");
  if (!location.IsString()) {
    ThrowInvalidArgType(env, ArgumentMustBe("config.location", "a string"));
    return false;
  }
  config->location = location.As<Napi::String>().Utf8Value();
  config->read_only = ReadBoolOption(options, "readOnly", false);
  config->enable_foreign_keys = ReadBoolOption(options, "enableForeignKeyConstraints", true);
  config->enable_dqs = ReadBoolOption(options, "enableDoubleQuotedStringLiterals", false);
  config->allow_extension = ReadBoolOption(options, "allowExtension", false);
  config->defensive = ReadBoolOption(options, "defensive", true);
  config->read_bigints = ReadBoolOption(options, "readBigInts", false);
  config->return_arrays = ReadBoolOption(options, "returnArrays", false);
  config->allow_bare_named = ReadBoolOption(options, "allowBareNamedParameters", true);
  config->allow_unknown_named = ReadBoolOption(options, "allowUnknownNamedParameters", false);
  Napi::Value timeout = options.Get("timeout");
  config->timeout = timeout.IsNumber() ? timeout.As<Napi::Number>().Int32Value() : 0;
  Napi::Value limits = options.Get("limits");
  if (limits.IsArray()) {
    Napi::Array list = limits.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length() && i <= SQLITE_LIMIT_TRIGGER_DEPTH; i++) {
      Napi::Value limit = list.Get(i);
      config->limits.push_back(limit.IsNumber() ? limit.As<Napi::Number>().Int32Value() : -1);
    }
  }
  return true;
}

bool OpenConnection(const DatabaseConfig& config, bool configure_busy, sqlite3** out, ErrorInfo* error) {
  int flags = config.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_URI;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(config.location.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    if (db != nullptr) {
      *error = ErrorInfo::Sqlite(db);
      sqlite3_close_v2(db);
    } else {
      *error = ErrorInfo::SqliteCode(rc);
    }
    *out = nullptr;
    return false;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, config.enable_dqs ? 1 : 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, config.enable_dqs ? 1 : 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, config.enable_foreign_keys ? 1 : 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, config.defensive ? 1 : 0, nullptr);
  if (configure_busy && config.timeout > 0) sqlite3_busy_timeout(db, config.timeout);
  for (size_t id = 0; id < config.limits.size(); id++) {
    if (config.limits[id] >= 0) sqlite3_limit(db, static_cast<int>(id), config.limits[id]);
  }
  *out = db;
  return true;
}

}  // namespace strand
