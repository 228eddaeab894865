// DatabaseSync's native half: one sqlite3* used only by the JS thread of the env that created it
// (docs/ARCHITECTURE.md rule 2). The TypeScript class DatabaseSync (src/ts/sync/database-sync.ts) validates
// constructor options and wraps this object; every other check (open/closed state, argument
// types) happens here, in node:sqlite's order.
//
// Lifetime rules:
//   - Statements are owned by their JS objects; the database keeps only raw pointers to the live
//     ones ("weak up") and finalizes them all on close() or destruction, clearing their back
//     pointer, so a statement collected later never touches a freed database.
//   - The JS side keeps the database alive while a statement wrapper exists ("strong down" is a
//     plain JS reference, never a napi_ref, so env teardown has nothing to release out of order).
//   - (Bug fixed: a worker terminated during prepare() left its transaction's locks held.) A
//     prepared sqlite3_stmt must get its wrapper or be finalized before prepare() returns: an
//     unfinalized statement turns sqlite3_close_v2 into a zombie close that keeps the file
//     locked. Raw N-API on that path: node-addon-api's Unwrap() and Reference::Value() throw a
//     C++ exception when the env is terminating, which would skip the finalize (that was the bug,
//     once more, under load). The general rule, for every file: napi_config.h ("teardown rule").
//   - Its JS object carries the Database type tag (type_tags.h): backup() accepts only that. Do not "clean up" with sqlite3_next_stmt at close instead: virtual table modules
//     (FTS3/FTS5) own statements on the connection too, and finalizing those corrupts memory.
//   - Sessions (session_sync.h) are tracked for the wrapper's whole life: close deletes their
//     sqlite3_session before the connection closes (SQLite requires it), destruction clears
//     their back pointer.
//   - While SQLite runs a JS callback of this database, the connection is marked in use and
//     close(), deserialize() and the rest refuse (in_use.h has the rule and the full list):
//     closing would free the connection SQLite is still using.
//   - The authorizer (setAuthorizer) is a JS function stored as a property of this wrapper's own
//     JS object (never a napi_ref): the GC traces it like node's internal field, so a callback
//     that closes over its database cannot keep it alive, and env teardown has nothing to free.
//     It survives close()/open() as node's does. SQLite calls it synchronously from prepare/step on
//     the JS thread (database_authorizer.cc); while it runs (authorizer_ in use, in_use.h), every
//     method that would use the connection throws (node's "cannot be accessed from an authorizer
//     callback"), so a callback can neither close the connection under SQLite's feet nor re-enter
//     the parser. A callback
//     that throws leaves its exception pending: ThrowSqliteError then throws nothing, so the
//     original JS error propagates from prepare/exec/step, as in node.
//   - Query diagnostics (diagnostics_channel 'sqlite.db.query', database_trace.cc): while the
//     TypeScript layer has installed a tracer (a JS function stored, like the authorizer, as a
//     property of this wrapper's JS object), SQLite's SQLITE_TRACE_PROFILE hook calls it
//     synchronously on the JS thread — from inside sqlite3_step (a statement that ends: DONE or
//     an error) or sqlite3_reset — exactly where node:sqlite publishes. While it runs the
//     database is "in a callback" (close() refuses) and a StatementSync being stepped or reset is
//     "already being executed". The hook is off whenever nobody subscribes, and muted
//     (trace_muted_ > 0) while statements are finalized and while the connection closes: node
//     publishes nothing for an unfinished statement that is finalized, and no JS may run from a
//     garbage-collection finalizer or env teardown.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include <unordered_set>
#include "napi_config.h"
#include "core/connection.h"
#include "core/errors.h"
#include "sync/in_use.h"
#include "sqlite3.h"

namespace strand {

class Addon;
class StatementSync;
class SessionSync;

// prepare()'s per-statement settings: the database's defaults with the caller's overrides.
struct StatementConfig {
  bool read_bigints = false;
  bool return_arrays = false;
  bool allow_bare_named = true;
  bool allow_unknown_named = false;
  // Internal: a SQLTagStore's statement (see BindOptions::positional).
  bool positional = false;
};

class DatabaseSync : public Napi::ObjectWrap<DatabaseSync> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit DatabaseSync(const Napi::CallbackInfo& info);
  ~DatabaseSync() override;

  sqlite3* handle() const { return db_; }
  bool IsOpen() const { return db_ != nullptr; }
  const DatabaseConfig& config() const { return config_; }

  // The authorizer callback is running: the connection must not be used (see above).
  bool InAuthorizer() const { return authorizer_.active(); }
  // Throws node's ERR_INVALID_STATE when InAuthorizer(); false then.
  bool RequireNotInAuthorizer(napi_env env);

  void Track(StatementSync* statement) { statements_.insert(statement); }
  void Untrack(StatementSync* statement) { statements_.erase(statement); }
  void TrackSession(SessionSync* session) { sessions_.insert(session); }
  void UntrackSession(SessionSync* session) { sessions_.erase(session); }

  // A JS callback of this database (the authorizer included) is on the stack: in_use.h.
  bool InCallback() const { return callbacks_.active() || authorizer_.active(); }
  // The one way to mark the database in use while SQLite runs one of its JS callbacks (a user
  // function, an aggregate, a virtual table method, a changeset callback, the query tracer).
  // Made with an env, it also opens a handle scope for the JS values that one call creates (a
  // long scan would otherwise pile them up in the caller's scope): ok() says whether it did, and
  // the callback must not call into JS when it did not. Success is the call's status, not a
  // non-null scope: the handle is opaque, and Deno's Node-API opens scopes without writing one.
  class CallbackScope {
   public:
    explicit CallbackScope(DatabaseSync* db) : in_use_(db->callbacks_) {}
    CallbackScope(napi_env env, DatabaseSync* db)
        : in_use_(db->callbacks_), env_(env), opened_(napi_open_handle_scope(env, &handles_) == napi_ok) {}
    ~CallbackScope() {
      if (opened_) napi_close_handle_scope(env_, handles_);
    }
    CallbackScope(const CallbackScope&) = delete;
    CallbackScope& operator=(const CallbackScope&) = delete;
    bool ok() const { return opened_; }

   private:
    InUse::Scope in_use_;
    napi_env env_ = nullptr;
    napi_handle_scope handles_ = nullptr;
    bool opened_ = false;
  };
  // In use while a backup() of this database runs; shared, since the backup may outlive the
  // database object (BackupJob holds it).
  const std::shared_ptr<InUse>& backups() const { return backups_; }

  // Query diagnostics (see above): no tracer call while a TraceMute lives.
  class TraceMute {
   public:
    explicit TraceMute(DatabaseSync* db) : db_(db) {
      if (db_ != nullptr) db_->trace_muted_++;
    }
    ~TraceMute() {
      if (db_ != nullptr) db_->trace_muted_--;
    }
    TraceMute(const TraceMute&) = delete;
    TraceMute& operator=(const TraceMute&) = delete;

   private:
    DatabaseSync* db_;
  };

  // Finalizes statements and closes the connection; safe to call more than once.
  void CloseConnection();
  // Called by the Addon when the env dies first: close, and forget the registry.
  void DetachFromAddon();

 private:
  Napi::Value Open(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsOpenMethod(const Napi::CallbackInfo& info);
  // For the TypeScript layer's checks, made before it reads any argument (node's order).
  Napi::Value InAuthorizerMethod(const Napi::CallbackInfo& info);
  Napi::Value InCallbackMethod(const Napi::CallbackInfo& info);
  Napi::Value IsTransaction(const Napi::CallbackInfo& info);
  Napi::Value Exec(const Napi::CallbackInfo& info);
  Napi::Value Prepare(const Napi::CallbackInfo& info);
  Napi::Value Location(const Napi::CallbackInfo& info);
  Napi::Value Limit(const Napi::CallbackInfo& info);
  Napi::Value Function(const Napi::CallbackInfo& info);
  Napi::Value Aggregate(const Napi::CallbackInfo& info);
  Napi::Value CreateSessionMethod(const Napi::CallbackInfo& info);
  // In changeset_apply.cc.
  Napi::Value ApplyChangeset(const Napi::CallbackInfo& info);
  Napi::Value CreateModule(const Napi::CallbackInfo& info);
  // database_extensions.cc
  Napi::Value EnableDefensive(const Napi::CallbackInfo& info);
  Napi::Value EnableLoadExtension(const Napi::CallbackInfo& info);
  Napi::Value LoadExtension(const Napi::CallbackInfo& info);
  // database_serialize.cc
  Napi::Value Serialize(const Napi::CallbackInfo& info);
  Napi::Value Deserialize(const Napi::CallbackInfo& info);
  // database_authorizer.cc
  Napi::Value SetAuthorizer(const Napi::CallbackInfo& info);
  static int Authorize(void* self, int action, const char* arg1, const char* arg2, const char* db_name,
                       const char* trigger_or_view);
  // Calls the stored authorizer and returns SQLite's verdict (SQLITE_DENY when it cannot).
  int CallAuthorizer(napi_env env, int action, const char* const names[4]);
  // Installs the stored authorizer (if any) on a freshly opened connection.
  void InstallAuthorizer();
  // database_trace.cc
  Napi::Value SetQueryTracer(const Napi::CallbackInfo& info);
  static int TraceQuery(unsigned int type, void* self, void* statement, void* elapsed);
  // Calls the stored tracer for a statement that ended; removes the hook if it says nobody listens.
  void CallQueryTracer(napi_env env, sqlite3_stmt* stmt, sqlite3_int64 elapsed);
  // Installs (or removes) the profile hook on the open connection, per has_query_tracer_.
  void InstallQueryTracer();
  // The callbacks above live as properties of this wrapper's own JS object (see the top): the
  // object, and the property `key` when it holds a function. False otherwise, or when N-API fails.
  bool StoredFunction(napi_env env, const char* key, napi_value* object, napi_value* function);

  bool RequireOpen(napi_env env);
  void FinalizeStatements();

  sqlite3* db_ = nullptr;
  DatabaseConfig config_;
  std::unordered_set<StatementSync*> statements_;
  std::unordered_set<SessionSync*> sessions_;
  InUse callbacks_;
  std::shared_ptr<InUse> backups_ = std::make_shared<InUse>();
  Addon* addon_ = nullptr;
  napi_env env_ = nullptr;
  // enableLoadExtension() state; starts as the allowExtension option and, like node's, survives
  // close()/open().
  bool load_extension_enabled_ = false;
  bool has_authorizer_ = false;
  InUse authorizer_;
  // Query diagnostics; like the authorizer, the tracer survives close()/open().
  bool has_query_tracer_ = false;
  int trace_muted_ = 0;
};

}  // namespace strand
