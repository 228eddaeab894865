#include "sync/database_sync.h"
#include "sync/js_module.h"

#include "addon.h"
#include "core/errors.h"
#include "sync/session_sync.h"
#include "sync/statement_sync.h"
#include "sync/user_functions.h"
#include "core/js_strings.h"
#include "core/type_tags.h"

namespace strand {

Napi::Function DatabaseSync::DefineClass(Napi::Env env) {
  return ObjectWrap<DatabaseSync>::DefineClass(
      env, "NativeDatabase",
      {
          InstanceMethod<&DatabaseSync::Open>("open"),
          InstanceMethod<&DatabaseSync::Close>("close"),
          InstanceMethod<&DatabaseSync::IsOpenMethod>("isOpen"),
          InstanceMethod<&DatabaseSync::InAuthorizerMethod>("inAuthorizer"),
          InstanceMethod<&DatabaseSync::InCallbackMethod>("inCallback"),
          InstanceMethod<&DatabaseSync::IsTransaction>("isTransaction"),
          InstanceMethod<&DatabaseSync::Exec>("exec"),
          InstanceMethod<&DatabaseSync::Function>("function"),
          InstanceMethod<&DatabaseSync::Aggregate>("aggregate"),
          InstanceMethod<&DatabaseSync::Prepare>("prepare"),
          InstanceMethod<&DatabaseSync::Location>("location"),
          InstanceMethod<&DatabaseSync::Limit>("limit"),
          InstanceMethod<&DatabaseSync::CreateSessionMethod>("createSession"),
          InstanceMethod<&DatabaseSync::ApplyChangeset>("applyChangeset"),
          InstanceMethod<&DatabaseSync::CreateModule>("createModule"),
          InstanceMethod<&DatabaseSync::EnableDefensive>("enableDefensive"),
          InstanceMethod<&DatabaseSync::EnableLoadExtension>("enableLoadExtension"),
          InstanceMethod<&DatabaseSync::LoadExtension>("loadExtension"),
          InstanceMethod<&DatabaseSync::Serialize>("serialize"),
          InstanceMethod<&DatabaseSync::Deserialize>("deserialize"),
          InstanceMethod<&DatabaseSync::SetAuthorizer>("setAuthorizer"),
          InstanceMethod<&DatabaseSync::SetQueryTracer>("setQueryTracer"),
      });
}

// new NativeDatabase({ location, readOnly, enableForeignKeyConstraints, ... }) — the TypeScript
// wrapper has already validated and normalised every option.
DatabaseSync::DatabaseSync(const Napi::CallbackInfo& info) : ObjectWrap<DatabaseSync>(info) {
  Napi::Env env = info.Env();
  if (!ReadDatabaseConfig(env, info, &config_)) return;
  env_ = env;
  load_extension_enabled_ = config_.allow_extension;
  TagObject(env, info.This(), NativeClass::Database);  // type_tags.h T1
  napi_get_instance_data(env, reinterpret_cast<void**>(&addon_));
  if (addon_ != nullptr) addon_->Register(this);
}

DatabaseSync::~DatabaseSync() {
  CloseConnection();
  for (SessionSync* session : sessions_) session->ForgetDatabase();
  sessions_.clear();
  if (addon_ != nullptr) addon_->Unregister(this);
}

void DatabaseSync::DetachFromAddon() {
  CloseConnection();
  addon_ = nullptr;
}

void DatabaseSync::FinalizeStatements() {
  for (StatementSync* statement : statements_) statement->DetachFromDatabase();
  statements_.clear();
}

void DatabaseSync::CloseConnection() {
  // Runs from close(), garbage collection and env teardown: no query diagnostics from here.
  TraceMute mute(this);
  // Statements first: sqlite3_close_v2 would otherwise keep a zombie connection — and its file
  // locks — until they go.
  FinalizeStatements();
  // Sessions too, before the connection (SQLite requires it); their wrappers stay tracked.
  for (SessionSync* session : sessions_) session->DeleteSession();
  if (db_ != nullptr) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

bool DatabaseSync::StoredFunction(napi_env env, const char* key, napi_value* object, napi_value* function) {
  napi_valuetype type = napi_undefined;
  napi_ref wrapper = static_cast<napi_ref>(*this);
  return wrapper != nullptr && napi_get_reference_value(env, wrapper, object) == napi_ok && *object != nullptr &&
         napi_get_named_property(env, *object, key, function) == napi_ok &&
         napi_typeof(env, *function, &type) == napi_ok && type == napi_function;
}

bool DatabaseSync::RequireOpen(napi_env env) {
  if (db_ != nullptr) return true;
  ThrowInvalidState(env, kDatabaseNotOpen);
  return false;
}

bool DatabaseSync::RequireNotInAuthorizer(napi_env env) {
  if (!authorizer_.active()) return true;
  ThrowInvalidState(env, kDatabaseInAuthorizer);
  return false;
}

Napi::Value DatabaseSync::Open(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (db_ != nullptr) {
    ThrowInvalidState(env, "database is already open");
    return Napi::Value();
  }
  sqlite3* db = nullptr;
  ErrorInfo error;
  if (!OpenConnection(config_, true, &db, &error)) {
    ThrowError(env, error);
    return Napi::Value();
  }
  db_ = db;
  // Settings changed on the previous connection carry over, as in node.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, load_extension_enabled_ ? 1 : 0, nullptr);
  InstallAuthorizer();
  InstallQueryTracer();
  return Napi::Value();
}

Napi::Value DatabaseSync::Close(const Napi::CallbackInfo& info) {
  if (!RequireOpen(info.Env())) return Napi::Value();
  // A JS callback further up the stack (user function, changeset callback, virtual table,
  // authorizer) is inside SQLite on this connection: closing it now would free it under them.
  if (InCallback()) {
    ThrowInvalidState(info.Env(), kCloseInCallback);
    return Napi::Value();
  }
  CloseConnection();
  return Napi::Value();
}

Napi::Value DatabaseSync::IsOpenMethod(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), db_ != nullptr);
}

Napi::Value DatabaseSync::InAuthorizerMethod(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), InAuthorizer());
}

Napi::Value DatabaseSync::InCallbackMethod(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), InCallback());
}

Napi::Value DatabaseSync::IsTransaction(const Napi::CallbackInfo& info) {
  if (!RequireOpen(info.Env())) return Napi::Value();
  return Napi::Boolean::New(info.Env(), sqlite3_get_autocommit(db_) == 0);
}

Napi::Value DatabaseSync::Exec(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  if (info.Length() < 1 || !IsString(env, info[0])) {
    ThrowInvalidArgType(env, ArgumentMustBe("sql", "a string"));
    return Napi::Value();
  }
  std::string sql = ReadUtf8(env, info[0]);
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) ThrowSqliteError(env, db_);
  return Napi::Value();
}

namespace {

// prepare()'s options over the database's defaults. Already validated by the TypeScript layer;
// undefined entries keep the defaults.
void ReadPrepareOptions(const Napi::CallbackInfo& info, StatementConfig* config, unsigned int* flags) {
  if (info.Length() < 2 || !info[1].IsObject()) return;
  Napi::Object overrides = info[1].As<Napi::Object>();
  config->read_bigints = ReadBoolOption(overrides, "readBigInts", config->read_bigints);
  config->return_arrays = ReadBoolOption(overrides, "returnArrays", config->return_arrays);
  config->allow_bare_named = ReadBoolOption(overrides, "allowBareNamedParameters", config->allow_bare_named);
  config->allow_unknown_named = ReadBoolOption(overrides, "allowUnknownNamedParameters", config->allow_unknown_named);
  if (ReadBoolOption(overrides, "persistent", false)) *flags |= SQLITE_PREPARE_PERSISTENT;
  config->positional = ReadBoolOption(overrides, "positional", false);
}

// The statement `sql` holds, or nullptr with an exception pending.
sqlite3_stmt* PrepareStatement(napi_env env, sqlite3* db, const std::string& sql, const StatementConfig& config,
                               unsigned int flags) {
  sqlite3_stmt* stmt = nullptr;
  // The length SQLite is told decides its error past the sqlLength limit, and node's two callers
  // differ: prepare() counts the terminating NUL ("string or blob too big"), the tag store does
  // not ("statement too long").
  int length = static_cast<int>(sql.size()) + (config.positional ? 0 : 1);
  if (sqlite3_prepare_v3(db, sql.c_str(), length, flags, &stmt, nullptr) != SQLITE_OK) {
    ThrowSqliteError(env, db);
    return nullptr;
  }
  if (stmt == nullptr) ThrowInvalidArgValue(env, kNoStatements);
  return stmt;
}

}  // namespace

Napi::Value DatabaseSync::Prepare(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  if (info.Length() < 1 || !IsString(env, info[0])) {
    ThrowInvalidArgType(env, ArgumentMustBe("sql", "a string"));
    return Napi::Value();
  }
  std::string sql = ReadUtf8(env, info[0]);
  StatementConfig statement_config{config_.read_bigints, config_.return_arrays, config_.allow_bare_named,
                                   config_.allow_unknown_named};
  unsigned int flags = 0;
  ReadPrepareOptions(info, &statement_config, &flags);
  sqlite3_stmt* stmt = PrepareStatement(env, db_, sql, statement_config, flags);
  if (stmt == nullptr) return Napi::Value();
  // Creating and unwrapping the wrapper call into the engine, and both fail once the env is
  // terminating (worker.terminate() arrived during this call). Until Attach() hands it over, the
  // statement belongs to this frame and must be finalized on every failure: an untracked
  // statement keeps the connection a zombie at close, still holding its locks (see
  // database_sync.h). NewNativeInstance is raw N-API for that reason (addon.h).
  napi_value object = nullptr;
  auto* statement = static_cast<StatementSync*>(NewNativeInstance(env, &Addon::statement_constructor, &object));
  if (statement == nullptr) {
    sqlite3_finalize(stmt);
    return Napi::Value();
  }
  statement->Attach(this, stmt, statement_config);
  return Napi::Value(env, object);
}

Napi::Value DatabaseSync::Location(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env)) return Napi::Value();
  std::string name = "main";
  if (!ReadOptionalString(env, info[0], "dbName", &name)) return Napi::Value();
  const char* filename = sqlite3_db_filename(db_, name.c_str());
  if (filename == nullptr || filename[0] == '\0') return info.Env().Null();
  return Napi::String::New(info.Env(), filename);
}

// limit(id) reads a run-time limit, limit(id, value) sets it; both return the current value.
Napi::Value DatabaseSync::Limit(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env)) return Napi::Value();
  int id = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  if (id < 0 || id > SQLITE_LIMIT_TRIGGER_DEPTH) {
    ThrowCodedError(env, ErrorKind::RangeError, "ERR_OUT_OF_RANGE", "Unknown limit");
    return Napi::Value();
  }
  if (info.Length() > 1 && info[1].IsNumber()) {
    if (!RequireNotInAuthorizer(env)) return Napi::Value();
    int value = info[1].As<Napi::Number>().Int32Value();
    sqlite3_limit(db_, id, value);
    // As node, a limit set here is part of the configuration: open() after close() applies it.
    if (config_.limits.size() <= static_cast<size_t>(id)) config_.limits.resize(id + 1, -1);
    config_.limits[id] = value;
  }
  return Napi::Number::New(info.Env(), sqlite3_limit(db_, id, -1));
}

// function(name, fn, arity, flags, useBigIntArguments) — validated by the TypeScript layer.
Napi::Value DatabaseSync::Function(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  std::string name = ReadUtf8(env, info[0]);
  ScalarFunctionSpec spec{info[1], info[2].As<Napi::Number>().Int32Value(), info[3].As<Napi::Number>().Int32Value(),
                          info[4].ToBoolean().Value()};
  RegisterScalarFunction(env, this, name.c_str(), spec);
  return Napi::Value();
}

// aggregate(name, start, startIsFunction, step, result, inverse, arity, flags, useBigIntArguments);
// result and inverse are undefined when absent. Validated by the TypeScript layer.
Napi::Value DatabaseSync::Aggregate(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  std::string name = ReadUtf8(env, info[0]);
  auto optional = [](const Napi::Value& value) -> napi_value { return value.IsFunction() ? napi_value(value) : nullptr; };
  AggregateFunctionSpec spec{info[1],
                             info[2].ToBoolean().Value(),
                             info[3],
                             optional(info[4]),
                             optional(info[5]),
                             info[6].As<Napi::Number>().Int32Value(),
                             info[7].As<Napi::Number>().Int32Value(),
                             info[8].ToBoolean().Value()};
  RegisterAggregateFunction(env, this, name.c_str(), spec);
  return Napi::Value();
}

// createSession(table, dbName) — both strings, validated by the TypeScript layer ("" = all tables).
Napi::Value DatabaseSync::CreateSessionMethod(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  if (info.Length() < 2 || !IsString(env, info[0]) || !IsString(env, info[1])) {
    ThrowInvalidArgType(env, ArgumentMustBe("options", "an object"));
    return Napi::Value();
  }
  std::string table = ReadUtf8(env, info[0]);
  std::string db_name = ReadUtf8(env, info[1]);
  napi_value session = CreateSession(env, this, table, db_name);
  return session == nullptr ? Napi::Value() : Napi::Value(env, session);
}

// createModule(name, declaration, hidden[], rows, directOnly, useBigIntArguments) — validated by
// the TypeScript layer (src/ts/sync/virtual-table.ts).
Napi::Value DatabaseSync::CreateModule(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireOpen(env) || !RequireNotInAuthorizer(env)) return Napi::Value();
  JsModuleSpec spec;
  spec.name = ReadUtf8(env, info[0]);
  spec.declaration = ReadUtf8(env, info[1]);
  Napi::Array hidden = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < hidden.Length(); i++) spec.hidden.push_back(hidden.Get(i).ToBoolean().Value());
  spec.direct_only = info[4].ToBoolean().Value();
  spec.bigint_arguments = info[5].ToBoolean().Value();
  CreateJsModule(env, this, db_, spec, info[3]);
  return Napi::Value();
}

}  // namespace strand
