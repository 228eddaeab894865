// User-defined SQL functions for DatabaseSync: db.function() (scalar) and db.aggregate()
// (aggregate and window), with node:sqlite's conversions and error rules.
//
// Lifetime and threading rules:
//   - A UserFunction is owned by SQLite: it is the function's user data, freed by the xDestroy
//     callback SQLite calls when the function is replaced, when registering it fails, or when
//     the connection closes. It holds napi_refs to the JS callbacks and deletes them there.
//     xDestroy always runs on the JS thread of the env that registered the function (the
//     connection is only used there, docs/ARCHITECTURE.md rule 2): from db.function()/aggregate(),
//     close(), the DatabaseSync destructor (a GC finalizer) or the Addon destructor at env
//     teardown — the env is alive in all four.
//   - Callbacks run synchronously inside sqlite3_step on the JS thread. Each opens a handle
//     scope (all() may call a function millions of times) and marks the database as "in a
//     callback" so close() refuses to free the connection under the running statement.
//   - A JS exception from a callback (or from converting its arguments) stays pending: the
//     callback fails the statement with an empty SQLite error, and the statement's caller sees
//     the pending exception first (ThrowSqliteError leaves a pending exception alone), so users
//     get their original error object — as with node:sqlite. While an exception is pending no
//     callback calls into JS; cleanup that must (freeing an accumulator) takes the exception,
//     does its work and throws the same value again.
//   - Aggregate accumulators may be any JS value, primitives included, and N-API (version 8)
//     references only hold objects; so accumulators live in a JS array owned by the function
//     (`slots`), and SQLite's per-group aggregate context stores the slot index. A slot is
//     freed by xFinal, which SQLite also calls for groups abandoned by an error.
//   - When the env is terminating (worker.terminate()), every N-API call fails; callbacks then
//     fail the statement and return, and nothing throws a C++ exception (raw N-API throughout).
#pragma once
#include "napi_config.h"
#include "sqlite3.h"

namespace strand {

class DatabaseSync;

struct ScalarFunctionSpec {
  napi_value fn;
  int arity;  // -1: any number of arguments
  int flags;  // SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY
  bool use_bigint_args;
};

struct AggregateFunctionSpec {
  napi_value start;
  bool start_is_function;
  napi_value step;
  napi_value result;   // nullptr: the accumulator is the result
  napi_value inverse;  // nullptr: not usable as a window function
  int arity;
  int flags;
  bool use_bigint_args;
};

// Register `name` on db's connection. False with a pending exception (an ERR_SQLITE_ERROR from
// SQLite's refusal, e.g. redefining a function a running statement uses).
bool RegisterScalarFunction(napi_env env, DatabaseSync* db, const char* name, const ScalarFunctionSpec& spec);
bool RegisterAggregateFunction(napi_env env, DatabaseSync* db, const char* name, const AggregateFunctionSpec& spec);

}  // namespace strand
