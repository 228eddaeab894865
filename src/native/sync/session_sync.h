// Session's native half: one sqlite3_session (SQLite's session extension) recording the changes
// of a DatabaseSync, used on that database's JS thread only.
//
// Lifetime rules:
//   - SQLite requires every session of a connection to be deleted before the connection closes.
//     The database tracks every session wrapper that points at it (DatabaseSync::TrackSession);
//     CloseConnection() deletes their sqlite3_session first (DeleteSession — the wrapper stays
//     tracked and now reports "session is not open", also after the database is reopened), and
//     the database's destructor clears their back pointer (ForgetDatabase), so a wrapper
//     collected later never touches a freed database or connection.
//   - Env teardown: the Addon destructor closes every database (addon.h), which deletes its
//     sessions by the rule above. A wrapper finalized first deletes its own session and untracks.
//   - The JS Session keeps its Database object alive (a plain JS reference), so in normal use the
//     database outlives its sessions; the rules above cover env teardown, where finalizers run in
//     any order.
//   - While sqlite3session_changeset/patchset runs, the session is marked in use (generating_,
//     in_use.h): SQLite runs SQL for it, so the authorizer may run JS, and closing the session
//     there would delete it under SQLite ("session is currently in use", node's message).
//   - A session is created and handed to its wrapper with raw N-API (as prepare() does): a
//     sqlite3_session that has no wrapper yet must be deleted on every failure path, and
//     node-addon-api's helpers would throw C++ exceptions past that delete.
#pragma once
#include "sync/in_use.h"
#include "napi_config.h"
#include "sqlite3.h"

namespace strand {

class DatabaseSync;

class SessionSync : public Napi::ObjectWrap<SessionSync> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit SessionSync(const Napi::CallbackInfo& info);
  ~SessionSync() override;

  // Takes ownership of `session` and starts being tracked by `db`.
  void Attach(DatabaseSync* db, sqlite3_session* session);
  // The database is closing: delete the sqlite3_session (the wrapper stays tracked).
  void DeleteSession();
  // The database object is being destroyed: forget it.
  void ForgetDatabase() { db_ = nullptr; }

 private:
  Napi::Value Changeset(const Napi::CallbackInfo& info);
  Napi::Value Patchset(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  using Generator = int (*)(sqlite3_session*, int*, void**);
  Napi::Value Generate(const Napi::CallbackInfo& info, Generator generate);
  // node's checks, in node's order: database open, then session open.
  bool RequireUsable(napi_env env);
  // close() and [Symbol.dispose]() of an open session: false (and a pending ERR_INVALID_STATE)
  // when SQLite is using it or a callback of its database runs (in_use.h).
  bool RequireClosable(napi_env env);

  DatabaseSync* db_ = nullptr;
  sqlite3_session* session_ = nullptr;
  InUse generating_;
};

// createSession(table, dbName): the options are already validated by the TypeScript layer;
// table "" records every table.
napi_value CreateSession(napi_env env, DatabaseSync* db, const std::string& table, const std::string& db_name);

}  // namespace strand
