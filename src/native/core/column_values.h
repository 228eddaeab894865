// Column values → JS values, with node:sqlite's conversions: INTEGER → number (ERR_OUT_OF_RANGE
// beyond ±(2^53 − 1)) or bigint when readBigInts is on; REAL → number; TEXT → string (invalid
// UTF-8 becomes U+FFFD); BLOB → a fresh Uint8Array; NULL → null.
// Runs on the JS thread only. Returns nullptr with a pending exception on failure.
#pragma once
#include "napi_config.h"
#include "core/row_scratch.h"
#include "sqlite3.h"

namespace strand {

napi_value ColumnToJs(napi_env env, sqlite3_stmt* stmt, int column, bool read_bigints);
// The same conversions for a value SQLite hands to a callback (a user function's argument, a
// virtual table's constraint value); a null pointer reads as null.
napi_value SqliteValueToJs(napi_env env, sqlite3_value* value, bool as_bigint);
napi_value Int64ToJs(napi_env env, int64_t value, bool as_bigint);
// False (with ERR_OUT_OF_RANGE pending) when `value` is beyond ±(2^53 − 1).
bool RequireSafeInteger(napi_env env, int64_t value);
napi_value NewBlob(napi_env env, const void* data, size_t length);

// Appends the current row's cells to `cells` (see row_scratch.h); strings, blobs and bigints are
// created as JS values and appended to cells->boxed. False on error. Throws std::bad_alloc when
// the cells no longer fit in memory (its callers catch it: cpp_exceptions.h).
bool CollectRowCells(napi_env env, sqlite3_stmt* stmt, int column_count, bool read_bigints, RowBuffer* cells);

}  // namespace strand
