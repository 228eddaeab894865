#include "core/errors.h"

namespace strand {

static napi_value NewString(napi_env env, const std::string& s) {
  napi_value v = nullptr;
  napi_create_string_utf8(env, s.data(), s.size(), &v);
  return v;
}

napi_value MakeCodedError(napi_env env, ErrorKind kind, const char* code, const std::string& message) {
  napi_value msg = NewString(env, message);
  napi_value err = nullptr;
  switch (kind) {
    case ErrorKind::Error: napi_create_error(env, nullptr, msg, &err); break;
    case ErrorKind::TypeError: napi_create_type_error(env, nullptr, msg, &err); break;
    case ErrorKind::RangeError: napi_create_range_error(env, nullptr, msg, &err); break;
  }
  if (err == nullptr) return nullptr;
  // Set after construction (not via napi_create_error's code argument) so the own-key order is
  // stack, message, code — as node's errors have it.
  napi_value code_value = nullptr;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value);
  napi_set_named_property(env, err, "code", code_value);
  return err;
}

void ThrowCodedError(napi_env env, ErrorKind kind, const char* code, const std::string& message) {
  napi_value err = MakeCodedError(env, kind, code, message);
  if (err != nullptr) napi_throw(env, err);
}

napi_value MakeSqliteError(napi_env env, int errcode, const std::string& message) {
  napi_value err = MakeCodedError(env, ErrorKind::Error, "ERR_SQLITE_ERROR", message);
  if (err == nullptr) return nullptr;
  napi_value errcode_value = nullptr;
  napi_create_int32(env, errcode, &errcode_value);
  napi_set_named_property(env, err, "errcode", errcode_value);
  napi_value errstr_value = nullptr;
  napi_create_string_utf8(env, sqlite3_errstr(errcode), NAPI_AUTO_LENGTH, &errstr_value);
  napi_set_named_property(env, err, "errstr", errstr_value);
  return err;
}

// A JS exception may already be pending when SQLite reports a failure: a callback SQLite called
// (the authorizer) threw, and SQLite failed because of it. node then throws nothing more, so the
// callback's own error propagates unchanged; so do these.
void ThrowSqliteError(napi_env env, int errcode, const std::string& message) {
  if (ExceptionPending(env)) return;
  napi_value err = MakeSqliteError(env, errcode, message);
  if (err != nullptr) napi_throw(env, err);
}

namespace {

napi_value MakeResultCodeError(napi_env env, int errcode) {
  napi_value err = MakeCodedError(env, ErrorKind::Error, "ERR_SQLITE_ERROR", sqlite3_errstr(errcode));
  if (err == nullptr) return nullptr;
  napi_value errcode_value = nullptr;
  napi_create_int32(env, errcode, &errcode_value);
  napi_set_named_property(env, err, "errcode", errcode_value);
  return err;
}

}  // namespace

void ThrowSqliteResultCode(napi_env env, int errcode) {
  napi_value err = MakeResultCodeError(env, errcode);
  if (err != nullptr) napi_throw(env, err);
}

void ThrowSqliteError(napi_env env, sqlite3* db) {
  // A JS callback run by SQLite (a user function, ...) that threw failed the statement: its own
  // exception is already pending and is what the caller must see, unchanged.
  if (ExceptionPending(env)) return;
  ThrowSqliteError(env, sqlite3_extended_errcode(db), sqlite3_errmsg(db));
}

ErrorInfo ErrorInfo::Sqlite(sqlite3* db) {
  ErrorInfo error;
  error.sqlite_errcode = sqlite3_extended_errcode(db);
  error.message = sqlite3_errmsg(db);
  error.code = "ERR_SQLITE_ERROR";
  return error;
}

ErrorInfo ErrorInfo::OutOfMemory() noexcept {
  ErrorInfo error;
  error.sqlite_errcode = SQLITE_NOMEM;
  error.message = "out of memory";  // 13 bytes: inline in every standard library's std::string
  return error;
}

napi_value MakeError(napi_env env, const ErrorInfo& error) {
  if (error.result_code_only) return MakeResultCodeError(env, error.sqlite_errcode);
  // errcode 0 is a SQLite error too ("not an error": sqlite3_serialize fails without setting one).
  if (error.sqlite_errcode != 0 || error.code == "ERR_SQLITE_ERROR") return MakeSqliteError(env, error.sqlite_errcode, error.message);
  return MakeCodedError(env, error.kind, error.code.c_str(), error.message);
}

void ThrowError(napi_env env, const ErrorInfo& error) {
  if (ExceptionPending(env)) return;
  napi_value err = MakeError(env, error);
  if (err != nullptr) napi_throw(env, err);
}

}  // namespace strand
