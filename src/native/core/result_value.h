// Values JS code hands back to SQLite — a user function's result (sync and async) or a virtual
// table's cell: node:sqlite converts both alike (checked on Node 26.12.1) — in one place, with
// its rules and messages:
//   number → REAL; bigint → INTEGER ("BigInt value is too large for SQLite" beyond int64);
//   string → TEXT; null / undefined → NULL; an ArrayBufferView → BLOB of its bytes (an empty
//   one: a zero-length BLOB); an ArrayBuffer / SharedArrayBuffer → BLOB, or NULL when empty;
//   a Promise is "Asynchronous user-defined functions are not supported";
//   anything else: "Returned JavaScript value cannot be converted to a SQLite value".
// JS thread only; raw N-API, so nothing throws a C++ exception while the env terminates.
#pragma once
#include <cstddef>
#include <cstdint>
#include "napi_config.h"
#include "sqlite3.h"

namespace strand {

extern const char kUnconvertibleResult[];

// Receives one converted value: exactly one method is called. Bytes are valid during the call.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void Null() = 0;
  virtual void Real(double value) = 0;
  virtual void Integer(int64_t value) = 0;
  virtual void Text(const char* data, size_t length) = 0;
  virtual void Blob(const void* data, size_t length) = 0;
  // The value cannot become a SQLite value; `message` says why.
  virtual void Error(const char* message) = 0;
};

// Converts `value` into `sink`. False when N-API failed (a JS exception may be pending, or the
// env is terminating); no sink method was called then, and the caller decides what it means.
bool ConvertResult(napi_env env, napi_value value, ResultSink* sink);

// Sets a sqlite3_context's result. Bytes are copied (SQLITE_TRANSIENT); an empty blob stays a
// zero-length blob, not NULL.
class ContextResult : public ResultSink {
 public:
  explicit ContextResult(sqlite3_context* ctx) : ctx_(ctx) {}
  void Null() override { sqlite3_result_null(ctx_); }
  void Real(double value) override { sqlite3_result_double(ctx_, value); }
  void Integer(int64_t value) override { sqlite3_result_int64(ctx_, value); }
  void Text(const char* data, size_t length) override {
    sqlite3_result_text64(ctx_, data, length, SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void Blob(const void* data, size_t length) override {
    if (length == 0) return sqlite3_result_zeroblob(ctx_, 0);
    sqlite3_result_blob64(ctx_, data, length, SQLITE_TRANSIENT);
  }
  void Error(const char* message) override { sqlite3_result_error(ctx_, message, -1); }

 private:
  sqlite3_context* ctx_;
};

}  // namespace strand
