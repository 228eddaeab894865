// One error helper module. Every error the addon raises looks like node:sqlite's own:
//   - SQLite failures: a plain Error with own keys code ('ERR_SQLITE_ERROR'), errcode (extended
//     result code) and errstr (sqlite3_errstr), in that order, message = sqlite3_errmsg.
//   - misuse: Error/TypeError/RangeError with a node-style `code` (ERR_INVALID_STATE, …).
// Functions named Throw* leave a pending JS exception and return nothing; callers return
// immediately after. They never throw C++ exceptions, so they are safe on any path.
#pragma once
#include <string>
#include "core/messages.h"
#include "napi_config.h"
#include "sqlite3.h"

namespace strand {

enum class ErrorKind { Error, TypeError, RangeError };

// An error described in owned data, so it can be made on one thread (the database thread, the
// binding code) and thrown or rejected later on the JS thread. sqlite_errcode != 0 means a SQLite
// error (code ERR_SQLITE_ERROR with errcode/errstr).
struct ErrorInfo {
  ErrorKind kind = ErrorKind::Error;
  std::string code;
  std::string message;
  int sqlite_errcode = 0;
  // A bare result code, as node's THROW_ERR_SQLITE_ERROR(isolate, rc) makes it: message
  // sqlite3_errstr(rc), own keys code and errcode only (applyChangeset).
  bool result_code_only = false;

  static ErrorInfo Sqlite(sqlite3* db);
  static ErrorInfo Coded(ErrorKind kind, const char* code, std::string message) {
    return ErrorInfo{kind, code, std::move(message), 0};
  }
  static ErrorInfo InvalidState(std::string message) {
    return Coded(ErrorKind::Error, "ERR_INVALID_STATE", std::move(message));
  }
  // A SQLite error from a result code rather than a connection (errcode rc, errstr), with
  // SQLite's own text for rc unless a message is given.
  static ErrorInfo SqliteCode(int rc) { return SqliteCode(rc, sqlite3_errstr(rc)); }
  static ErrorInfo SqliteCode(int rc, std::string message) {
    return ErrorInfo{ErrorKind::Error, "ERR_SQLITE_ERROR", std::move(message), rc};
  }
  static ErrorInfo ResultCode(int rc) {
    return ErrorInfo{ErrorKind::Error, "ERR_SQLITE_ERROR", sqlite3_errstr(rc), rc, true};
  }
  // SQLite's own out-of-memory error, exactly as SQLite reports SQLITE_NOMEM: ERR_SQLITE_ERROR,
  // errcode 7, errstr and message "out of memory". Makes no allocation (the message fits
  // std::string's inline buffer, and `code` stays empty: MakeError names it from the errcode),
  // so it can be made when an allocation has just failed (cpp_exceptions.h rule E3).
  static ErrorInfo OutOfMemory() noexcept;
  // node's ERR_OPERATION_FAILED: message "Operation failed: <detail>".
  static ErrorInfo OperationFailed(const std::string& detail) {
    return ErrorInfo{ErrorKind::Error, "ERR_OPERATION_FAILED", kOperationFailedPrefix + detail, 0};
  }
};

// A JS exception is pending on `env` (a callback SQLite ran threw; it is what the caller sees).
inline bool ExceptionPending(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  return pending;
}

napi_value MakeError(napi_env env, const ErrorInfo& error);
void ThrowError(napi_env env, const ErrorInfo& error);

napi_value MakeCodedError(napi_env env, ErrorKind kind, const char* code, const std::string& message);
void ThrowCodedError(napi_env env, ErrorKind kind, const char* code, const std::string& message);

// A SQLite error from its parts: used by the async API, where the message was copied on the
// database thread.
napi_value MakeSqliteError(napi_env env, int errcode, const std::string& message);
// The current error of a connection (sqlite3_extended_errcode / sqlite3_errmsg) — unless a JS
// exception is already pending (a callback threw inside SQLite), which then stands.
void ThrowSqliteError(napi_env env, sqlite3* db);
void ThrowSqliteError(napi_env env, int errcode, const std::string& message);
// A bare result code, as node's THROW_ERR_SQLITE_ERROR(isolate, rc) makes it (applyChangeset):
// message sqlite3_errstr(rc), own keys code and errcode only (no errstr).
void ThrowSqliteResultCode(napi_env env, int errcode);

inline void ThrowInvalidState(napi_env env, const std::string& message) {
  ThrowCodedError(env, ErrorKind::Error, "ERR_INVALID_STATE", message);
}
inline void ThrowInvalidArgType(napi_env env, const std::string& message) {
  ThrowCodedError(env, ErrorKind::TypeError, "ERR_INVALID_ARG_TYPE", message);
}
inline void ThrowInvalidArgValue(napi_env env, const std::string& message) {
  ThrowCodedError(env, ErrorKind::TypeError, "ERR_INVALID_ARG_VALUE", message);
}

}  // namespace strand
