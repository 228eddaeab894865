#include "sync/session_sync.h"

#include <memory>
#include <string>

#include "addon.h"
#include "sync/database_sync.h"
#include "core/column_values.h"
#include "core/errors.h"
#include "core/sqlite_memory.h"
#include "core/type_tags.h"

namespace strand {

Napi::Function SessionSync::DefineClass(Napi::Env env) {
  return ObjectWrap<SessionSync>::DefineClass(
      env, "NativeSession",
      {
          InstanceMethod<&SessionSync::Changeset>("changeset"),
          InstanceMethod<&SessionSync::Patchset>("patchset"),
          InstanceMethod<&SessionSync::Close>("close"),
          InstanceMethod<&SessionSync::Dispose>("dispose"),
      });
}

SessionSync::SessionSync(const Napi::CallbackInfo& info) : ObjectWrap<SessionSync>(info) {
  TagObject(info.Env(), info.This(), NativeClass::Session);  // type_tags.h T1
}

SessionSync::~SessionSync() {
  DeleteSession();
  if (db_ != nullptr) db_->UntrackSession(this);
}

void SessionSync::Attach(DatabaseSync* db, sqlite3_session* session) {
  db_ = db;
  session_ = session;
  db->TrackSession(this);
}

void SessionSync::DeleteSession() {
  if (session_ != nullptr) {
    sqlite3session_delete(session_);
    session_ = nullptr;
  }
}

bool SessionSync::RequireUsable(napi_env env) {
  if (db_ == nullptr || !db_->IsOpen()) {
    ThrowInvalidState(env, kDatabaseNotOpen);
    return false;
  }
  if (session_ == nullptr) {
    ThrowInvalidState(env, kSessionNotOpen);
    return false;
  }
  return true;
}

Napi::Value SessionSync::Changeset(const Napi::CallbackInfo& info) {
  return Generate(info, sqlite3session_changeset);
}

Napi::Value SessionSync::Patchset(const Napi::CallbackInfo& info) {
  return Generate(info, sqlite3session_patchset);
}

// A fresh Uint8Array (over its own ArrayBuffer) holding a copy of the changeset/patchset.
Napi::Value SessionSync::Generate(const Napi::CallbackInfo& info, Generator generate) {
  napi_env env = info.Env();
  if (!RequireUsable(env)) return Napi::Value();
  int size = 0;
  void* raw = nullptr;
  int rc;
  {
    InUse::Scope in_use(generating_);
    rc = generate(session_, &size, &raw);
  }
  SqlitePtr<void> data(raw);  // freed on every path below
  if (rc != SQLITE_OK) {
    ThrowSqliteError(env, db_->handle());
    return Napi::Value();
  }
  return Napi::Value(env, NewBlob(env, data.get(), static_cast<size_t>(size)));
}

bool SessionSync::RequireClosable(napi_env env) {
  // Its own changeset is being built (the authorizer runs inside it).
  if (generating_.active()) {
    ThrowInvalidState(env, kSessionInUse);
    return false;
  }
  // A callback of its database runs: SQLite may be inside a call that uses the connection's
  // sessions (recording the changes of the running statement, applying a changeset).
  if (db_->InCallback()) {
    ThrowInvalidState(env, kSessionCloseInCallback);
    return false;
  }
  return true;
}

Napi::Value SessionSync::Close(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!RequireUsable(env) || !RequireClosable(env)) return Napi::Value();
  DeleteSession();
  return Napi::Value();
}

// [Symbol.dispose]: a no-op when the session or its database is already closed; like node, it
// still refuses to close while in use.
Napi::Value SessionSync::Dispose(const Napi::CallbackInfo& info) {
  if (db_ == nullptr || !db_->IsOpen() || session_ == nullptr) return Napi::Value();
  if (!RequireClosable(info.Env())) return Napi::Value();
  DeleteSession();
  return Napi::Value();
}

napi_value CreateSession(napi_env env, DatabaseSync* db, const std::string& table, const std::string& db_name) {
  sqlite3_session* session = nullptr;
  int rc = sqlite3session_create(db->handle(), db_name.c_str(), &session);
  if (rc != SQLITE_OK) {
    ThrowSqliteError(env, db->handle());
    return nullptr;
  }
  rc = sqlite3session_attach(session, table.empty() ? nullptr : table.c_str());
  if (rc != SQLITE_OK) {
    ThrowSqliteError(env, db->handle());
    sqlite3session_delete(session);
    return nullptr;
  }
  // Until Attach() the session belongs to this frame (see session_sync.h).
  napi_value object = nullptr;
  auto* wrapper = static_cast<SessionSync*>(NewNativeInstance(env, &Addon::session_constructor, &object));
  if (wrapper == nullptr) {
    sqlite3session_delete(session);
    return nullptr;
  }
  wrapper->Attach(db, session);
  return object;
}

}  // namespace strand
