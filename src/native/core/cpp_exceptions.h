// C++ exceptions at the edges of our code: where they are caught and what they become.
//
// RULES
//  E1. No C++ exception leaves a function that C code, node or a new thread calls: a thread's
//      entry function, a ThreadSafeFunction callback or finalizer, a raw N-API callback, and
//      every SQLite callback (user functions and aggregates, virtual table methods, changeset
//      callbacks, xDestroy). Escaping from a thread's entry is std::terminate; unwinding through
//      SQLite's C frames skips SQLite's own clean-up (a statement left half-stepped keeps its
//      read transaction, and COMMIT then fails with "SQL statements in progress"). Each such
//      function runs its body inside one of the guards below and returns normally.
//  E2. What an exception becomes, whatever thread it was caught on:
//        std::bad_alloc     → SQLite's own out-of-memory error (ERR_SQLITE_ERROR, errcode 7
//                             SQLITE_NOMEM, "out of memory") — the error the caller already gets
//                             when SQLite's allocator is the one that fails first;
//        std::length_error  → SQLITE_TOOBIG ("string or blob too big"): a size no container holds;
//        anything else      → node's ERR_OPERATION_FAILED, "Operation failed: <what()>".
//      Inside SQLite the same mapping is expressed as the callback's SQLite result
//      (sqlite3_result_error_nomem, SQLITE_NOMEM, …), so the statement fails the ordinary way.
//  E3. Making that error never throws: ErrorInfo::OutOfMemory allocates nothing, and every other
//      error falls back to it when building its message fails.
//  E4. Methods reached through node-addon-api (ObjectWrap methods and constructors, the addon's
//      init) need no guard of their own to stay alive: NODE_ADDON_API_CPP_EXCEPTIONS_ALL
//      (binding.gyp) turns an escaping std::exception into a plain JS Error. That is the last
//      resort; code that can throw on purpose (allocating per row, starting a thread) catches
//      first, cleans up, and throws the coded error of E2 (ThrowCurrentException).
//  E5. A job that failed with an exception leaves its database usable: the database thread
//      catches per job, undoes what the job had half done (jobs.cc), and goes on.
#pragma once
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include "core/errors.h"
#include "core/fault_injection.h"
#include "napi_config.h"
#include "sqlite3.h"

namespace strand {

// The error (E2) for the exception being handled. Call only inside a catch block.
ErrorInfo ErrorFromCurrentException() noexcept;

// JS thread, inside a catch block: throws ErrorFromCurrentException() into JS (unless a JS
// exception is already pending, which then stands). A Napi::Error is rethrown as the JS
// exception it carries.
void ThrowCurrentException(napi_env env) noexcept;

// Inside a catch block of an SQLite callback that has a sqlite3_context: fails it (E2).
void FailContextWithCurrentException(sqlite3_context* ctx) noexcept;

// Inside a catch block of an SQLite callback that returns a result code: the code (E2).
int SqliteCodeForCurrentException() noexcept;

// Runs an SQLite callback body that sets its result on `ctx` (user functions): an exception
// fails the statement instead of unwinding through SQLite.
template <typename Body>
void GuardSqliteFunction(sqlite3_context* ctx, Body&& body) noexcept {
  try {
    body();
  } catch (...) {
    FailContextWithCurrentException(ctx);
  }
}

// Runs an SQLite callback body that returns a result code (virtual table methods).
template <typename Body>
int GuardSqliteCode(Body&& body) noexcept {
  try {
    return body();
  } catch (...) {
    return SqliteCodeForCurrentException();
  }
}

// Runs a callback body whose caller cannot be told anything (xDestroy, a changeset filter): an
// exception makes it return `fallback`.
template <typename Result, typename Body>
Result GuardWithFallback(Result fallback, Body&& body) noexcept {
  try {
    return body();
  } catch (...) {
    return fallback;
  }
}

// Starts `*thread` running `entry` (which must itself catch everything: E1). False when the
// system refuses a thread (std::system_error: too many threads, no memory for a stack), with
// *error = ERR_OPERATION_FAILED "Operation failed: could not start the <what> thread: <reason>";
// nothing was started then.
template <typename Entry>
bool StartThread(std::thread* thread, const char* what, Entry&& entry, ErrorInfo* error) noexcept {
  try {
    if (STRAND_FAULT(ThreadStart)) throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
    *thread = std::thread(std::forward<Entry>(entry));
    return true;
  } catch (const std::system_error& e) {
    try {
      *error = ErrorInfo::OperationFailed(std::string("could not start the ") + what + " thread: " + e.code().message());
    } catch (...) {
      *error = ErrorInfo::OutOfMemory();
    }
  } catch (...) {
    *error = ErrorFromCurrentException();
  }
  return false;
}

}  // namespace strand
