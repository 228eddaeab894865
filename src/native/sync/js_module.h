// Virtual table modules implemented in JavaScript: DatabaseSync#createModule (node:sqlite,
// Node 26). Read-only tables whose rows come from a JS function `rows(...hiddenColumnValues)`
// returning an iterable of row arrays. Usable as an eponymous table (SELECT * FROM name), as a
// table-valued function over the hidden columns (SELECT * FROM name(1, 2)), and through
// CREATE VIRTUAL TABLE t USING name.
//
// Lifetime and threading rules:
//   - Everything here runs on the JS thread that owns the DatabaseSync: SQLite calls the cursor
//     methods synchronously from inside sqlite3_step/sqlite3_exec, which only that thread calls
//     (docs/ARCHITECTURE.md rule 2). Nothing is ever used from another thread.
//   - A JsModule (the module's client data) owns a napi_ref to `rows`. SQLite owns the JsModule:
//     it calls DestroyJsModule when the module is replaced (createModule with the same name, once
//     no virtual table uses the old one any more) or when the connection closes. Connections
//     close on close(), in the DatabaseSync destructor (GC finalizer) or in the Addon destructor
//     during env teardown — always while the napi_env still exists, so deleting the reference
//     there is valid. No JS runs on those paths.
//   - A cursor owns napi_refs to its iterator, its next() method and the current row; xClose
//     (statement reset/finalize) deletes them, under the same guarantee.
//   - No C++ exception may cross SQLite's C frames: this file uses raw N-API only, with status
//     checks, and never node-addon-api; the methods that allocate (xBestIndex, xFilter) run
//     inside GuardSqliteCode, so std::bad_alloc becomes SQLITE_NOMEM (cpp_exceptions.h).
//   - Errors: a JS exception raised by a callback (rows(), the iterator, a getter) is left
//     pending and the SQLite method returns SQLITE_ERROR; ThrowSqliteError (errors.cc) sees the
//     pending exception and lets that original error propagate, as node does. node's own
//     messages about bad iterables are SQLite errors (ERR_SQLITE_ERROR) set via zErrMsg, and an
//     unconvertible row value is a sqlite3_result_error.
//   - While a callback runs, the database is marked in use (in_use.h) and close(), deserialize()
//     refuse ("database cannot be closed while in a callback"): closing would finalize the
//     statement being stepped.
//   - When the env is terminating (worker.terminate()), every N-API call fails; the methods just
//     return SQLITE_ERROR and the statement unwinds normally.
#pragma once
#include <string>
#include <vector>
#include "napi_config.h"
#include "sqlite3.h"

namespace strand {

class DatabaseSync;

struct JsModuleSpec {
  std::string name;
  // CREATE TABLE text for sqlite3_declare_vtab (built and quoted by the TypeScript layer).
  std::string declaration;
  std::vector<bool> hidden;  // one entry per declared column
  bool direct_only = false;
  bool bigint_arguments = false;
};

// Registers the module on `db` (sqlite3_create_module_v2). False with a pending exception.
bool CreateJsModule(napi_env env, DatabaseSync* owner, sqlite3* db, const JsModuleSpec& spec, napi_value rows);

}  // namespace strand
