#include "core/cpp_exceptions.h"

#include <cstdio>
#include <new>
#include <stdexcept>

namespace strand {

namespace {

constexpr const char* kUnknown = "unknown C++ exception";

// The SQLite result code an exception stands for (E2); SQLITE_ERROR for "anything else".
int CodeOf(const std::exception_ptr& current) noexcept {
  try {
    std::rethrow_exception(current);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (const std::length_error&) {
    return SQLITE_TOOBIG;
  } catch (...) {
    return SQLITE_ERROR;
  }
}

}  // namespace

ErrorInfo ErrorFromCurrentException() noexcept {
  std::exception_ptr current = std::current_exception();
  int code = CodeOf(current);
  if (code == SQLITE_NOMEM) return ErrorInfo::OutOfMemory();
  try {
    if (code == SQLITE_TOOBIG) return ErrorInfo::SqliteCode(code);
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& e) {
      return ErrorInfo::OperationFailed(e.what());
    } catch (...) {
      return ErrorInfo::OperationFailed(kUnknown);
    }
  } catch (...) {
    // Building the message failed: memory is what ran out (E3).
    return ErrorInfo::OutOfMemory();
  }
}

void ThrowCurrentException(napi_env env) noexcept {
  // A Napi::Error carries a JS exception node-addon-api took off the env (a getter that threw,
  // or the env terminating): that one is put back as it was.
  try {
    throw;
  } catch (const Napi::Error& e) {
    try {
      e.ThrowAsJavaScriptException();
    } catch (...) {
    }
    return;
  } catch (...) {
  }
  ErrorInfo error = ErrorFromCurrentException();
  ThrowError(env, error);
}

void FailContextWithCurrentException(sqlite3_context* ctx) noexcept {
  std::exception_ptr current = std::current_exception();
  switch (CodeOf(current)) {
    case SQLITE_NOMEM:
      return sqlite3_result_error_nomem(ctx);
    case SQLITE_TOOBIG:
      return sqlite3_result_error_toobig(ctx);
    default:
      break;
  }
  // SQLite copies the message; a stack buffer keeps this free of allocations.
  char message[256];
  try {
    std::rethrow_exception(current);
  } catch (const std::exception& e) {
    std::snprintf(message, sizeof(message), "%s%s", kOperationFailedPrefix, e.what());
  } catch (...) {
    std::snprintf(message, sizeof(message), "%s%s", kOperationFailedPrefix, kUnknown);
  }
  sqlite3_result_error(ctx, message, -1);
}

int SqliteCodeForCurrentException() noexcept { return CodeOf(std::current_exception()); }

}  // namespace strand
