// A connection's configuration and its opening, shared by both APIs: DatabaseSync opens on the
// JS thread, AsyncDatabase on its database thread (so OpenConnection is plain C++ and SQLite:
// no N-API, docs/ARCHITECTURE.md rule 1). ReadDatabaseConfig runs on the JS thread, before either.
#pragma once
#include <string>
#include <vector>
#include "napi_config.h"
#include "core/errors.h"
#include "sqlite3.h"

namespace strand {

struct DatabaseConfig {
  std::string location;
  bool read_only = false;
  bool enable_foreign_keys = true;
  bool enable_dqs = false;
  bool allow_extension = false;
  bool defensive = true;
  int timeout = 0;
  // Defaults handed to every statement this database prepares.
  bool read_bigints = false;
  bool return_arrays = false;
  bool allow_bare_named = true;
  bool allow_unknown_named = false;
  // One entry per SQLITE_LIMIT_* id, applied at open; -1 keeps SQLite's default.
  std::vector<int> limits;
};

// Reads the config object the TypeScript layer built from validated options.
bool ReadDatabaseConfig(napi_env env, const Napi::CallbackInfo& info, DatabaseConfig* config);

// Opens and configures a connection as node:sqlite does (used by both sync and async databases,
// on whichever thread owns the connection). On failure *db is null and *error says why.
// `configure_busy` is false when the caller installs its own busy handler.
bool OpenConnection(const DatabaseConfig& config, bool configure_busy, sqlite3** db, ErrorInfo* error);

}  // namespace strand
