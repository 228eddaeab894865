// Parameter binding with node:sqlite's rules, shared by the sync statements (which bind straight
// into a sqlite3_stmt on the JS thread) and the async API (which converts to owned SqlParams on
// the JS thread and binds them later on the database thread).
//
// Rules (node:sqlite, Node 26):
//   - if the first argument is an object that is not an ArrayBuffer or ArrayBufferView, its own
//     enumerable string keys are named parameters; the remaining arguments are anonymous;
//   - a named key matches the parameter with exactly that name ("$a"), or — when bare names are
//     allowed — the parameter whose name without its prefix ($, :, @) equals the key;
//     an unknown key is an ERR_INVALID_STATE error unless unknown names are allowed;
//   - anonymous values fill the parameters that have no name (or a ?NNN name) from left to right;
//   - number → REAL, bigint → INTEGER (must fit int64), boolean → INTEGER 0/1, string → TEXT,
//     null/undefined → NULL, ArrayBuffer / any ArrayBufferView → BLOB of its bytes; anything else
//     is an ERR_INVALID_ARG_TYPE error naming the parameter index.
// All functions return false with a pending JS exception on failure.
#pragma once
#include <string>
#include <unordered_map>
#include <optional>
#include "napi_config.h"
#include "sql_value.h"
#include "sqlite3.h"
#include "errors.h"

namespace strand {

struct BindOptions {
  bool allow_bare_named = true;
  bool allow_unknown_named = false;
};

// Bare name ("a") → parameter index, built once per statement on first use.
using BareNameMap = std::unordered_map<std::string, int>;

bool IsNamedParameterObject(napi_env env, napi_value value);

// Sync path: clears old bindings, then binds args[0..argc) into stmt.
bool BindArguments(napi_env env, sqlite3* db, sqlite3_stmt* stmt, const napi_value* args, size_t argc,
                   const BindOptions& options, std::optional<BareNameMap>* bare_names);

// Converts one JS value; `index` only names the parameter in error messages.
bool JsToSqlValue(napi_env env, napi_value value, int index, SqlValue* out);

// Binds one owned value (SQLITE_TRANSIENT: the statement keeps its own copy).
int BindSqlValue(sqlite3_stmt* stmt, int index, const SqlValue& value);

}  // namespace strand
