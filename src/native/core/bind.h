// Parameter binding with node:sqlite's rules, shared by the sync statements (which bind straight
// into a sqlite3_stmt on the JS thread) and the async API (which converts to owned SqlParams on
// the JS thread and binds them later on the database thread).
//
// Rules (node:sqlite, Node 26):
//   - if the first argument is an object that is not an ArrayBuffer or ArrayBufferView, its own
//     enumerable string keys are named parameters; the remaining arguments are anonymous;
//   - a named key matches the parameter with exactly that name ("$a"), or — when bare names are
//     allowed — the parameter whose name without its prefix ($, :, @) equals the key;
//   - the bare-name map is built the first time a named-parameter object is bound with bare names
//     allowed, over every parameter of the statement, before any key is looked at: two names
//     with one bare form (":b" and "$b") throw ERR_INVALID_STATE "Cannot create bare named
//     parameter ..." there, whatever the keys. As in node, the map is kept as far as it got, so
//     the next call does not throw again and binds "b" to the first of them;
//     an unknown key is an ERR_INVALID_STATE error unless unknown names are allowed;
//   - anonymous values fill the parameters that have no name (or a ?NNN name) from left to right;
//   - number → REAL, bigint → INTEGER (must fit int64), boolean → INTEGER 0/1, string → TEXT,
//     null/undefined → NULL, ArrayBuffer / any ArrayBufferView → BLOB of its bytes; anything else
//     is an ERR_INVALID_ARG_TYPE error naming the parameter index.
// The order in which errors surface is node's (the sync path, BindArguments): the bare-name map
// (conflict error) first; then for each own key in order: resolve its name (unknown-name error,
// or skip the key — its value is never read — when unknown names are allowed), read the value (a
// getter may throw), convert it (unbindable / bigint too large, naming the resolved index), bind
// it (SQLite's error); then each anonymous value: next unnamed index, convert (naming that index,
// even one past the last parameter), bind (SQLite's "column index out of range").
//
// Async path: the values must be read and converted on the JS thread, before the statement is
// known, and bound on the database thread (which never touches N-API). ReadSqlParams therefore
// reads every own key's value in key order at call time and converts it at once (so the bytes of
// a buffer are those at that moment, as in the sync path), recording a value that cannot be
// converted as a deferred ConversionFailure (sql_value.h) without an index. BindSqlParams raises
// it when the sync path would have: after the keys before it, after its own name resolved, with
// the real parameter index. So the error, its message and its order match the sync call exactly.
// What cannot match, and is documented (docs/ASYNC.md, "Parameters"):
//   - reading stops after the first value that cannot be converted (the sync call never reads
//     past it either) — except when unknown names are allowed, where that key may turn out to be
//     skipped: then every key is read. So a getter may run where the sync call stopped earlier
//     (at an unknown name, or at an allowed unknown key, whose value it never reads); the getters
//     the sync call runs are always run too, in the same order;
//   - an exception thrown by a getter (or a Proxy trap) is a JS value: it rejects the call at
//     once, even where the sync call would have failed first for another reason (an SQL error,
//     a bare-name conflict, an unknown name before it).
// Functions taking a napi_env run on the JS thread and return false with a pending JS exception;
// the others touch no N-API (the async API runs them on the database thread) and describe a
// failure in an ErrorInfo.
// Raw N-API only, with status checks, never a node-addon-api method (napi_config.h teardown
// rule): binding runs while a statement is bound but not yet reset, and while worker.terminate()
// may be tearing the env down; node-addon-api's Reference::Value(), Value::As/Is* and the like
// would throw a C++ exception there instead of failing the call.
#pragma once
#include <string>
#include <unordered_map>
#include <optional>
#include "napi_config.h"
#include "core/sql_value.h"
#include "sqlite3.h"
#include "core/errors.h"

namespace strand {

struct BindOptions {
  bool allow_bare_named = true;
  bool allow_unknown_named = false;
  // SQLTagStore statements (node:sqlite's sql tag): every argument binds the parameter of its
  // position (value i -> index i + 1, names ignored, objects are values), and the number of
  // arguments must equal sqlite3_bind_parameter_count, else ERR_INVALID_ARG_VALUE.
  bool positional = false;
};

// Bare name ("a") → parameter index, built once per statement (see the rules above).
using BareNameMap = std::unordered_map<std::string, int>;

bool IsNamedParameterObject(napi_env env, napi_value value);

// Sync path: clears old bindings, then binds args[0..argc) into stmt.
bool BindArguments(napi_env env, sqlite3* db, sqlite3_stmt* stmt, const napi_value* args, size_t argc,
                   const BindOptions& options, std::optional<BareNameMap>* bare_names);

// Async path, JS thread: reads and converts call arguments into owned values, a value that
// cannot be converted into a deferred failure (see above; `options` tells whether unknown names
// are allowed, hence whether reading may stop at the first failure). Names are resolved later,
// against the prepared statement, by BindSqlParams. False only with a pending JS exception.
bool ReadSqlParams(napi_env env, const napi_value* args, size_t argc, const BindOptions& options, SqlParams* out);

// Async path, database thread: clears old bindings, then binds `params` with the same rules,
// raising a deferred failure where the sync path would have thrown it.
bool BindSqlParams(sqlite3* db, sqlite3_stmt* stmt, const SqlParams& params, const BindOptions& options,
                   std::optional<BareNameMap>* bare_names, ErrorInfo* error);

// The error of a value that cannot be bound to parameter `index` (node's messages and codes).
ErrorInfo ConversionError(ConversionFailure failure, int index);
// For jobs that bind nothing (their arguments are not SQL parameters): the first deferred
// failure, naming the argument's position.
ErrorInfo FirstConversionError(const SqlParams& params);

// Builds the statement's bare-name map unless built (or bare names are off); false on a conflict.
bool PrepareBareNames(sqlite3_stmt* stmt, const BindOptions& options, std::optional<BareNameMap>* bare_names,
                      ErrorInfo* error);
// The parameter a named key binds: > 0 an index, 0 skip (unknown and allowed), -1 an error.
int ResolveNamedParameter(sqlite3_stmt* stmt, const std::string& name, const BindOptions& options,
                          std::optional<BareNameMap>* bare_names, ErrorInfo* error);
// The anonymous parameter after `previous` (start with 0).
int NextAnonymousIndex(sqlite3_stmt* stmt, int previous);

// The bytes of an ArrayBufferView, ArrayBuffer or SharedArrayBuffer (valid while `value` lives);
// false when `value` is none of these. *is_array_buffer tells a bare ArrayBuffer apart.
bool ReadBinaryBytes(napi_env env, napi_value value, const void** data, size_t* length, bool* is_array_buffer);
// Converts one JS value into *out, or sets *failure (and leaves *out alone) when it cannot be
// bound. False only with a pending JS exception.
bool JsToSqlValue(napi_env env, napi_value value, SqlValue* out, ConversionFailure* failure);

// Binds one owned value (SQLITE_TRANSIENT: the statement keeps its own copy).
int BindSqlValue(sqlite3_stmt* stmt, int index, const SqlValue& value);

}  // namespace strand
