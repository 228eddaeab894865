// "In use" marks: what a JS callback must not free, finalize or replace while SQLite is in the
// middle of an operation that called it (sync API: DatabaseSync, StatementSync, SessionSync).
//
// LIFETIME RULE. SQLite calls JS synchronously from inside its own calls: the authorizer from
// sqlite3_prepare (and from the re-prepare inside sqlite3_step, and from the SQL that
// sqlite3session_changeset runs), user functions / aggregates / virtual table cursors from
// sqlite3_step and sqlite3_exec, applyChangeset's filter/onConflict from sqlite3changeset_apply.
// That JS may call any method of any object. SQLite is still using the connection, the statement
// being stepped and the session whose changeset it builds, so each of them is marked *in use* by
// an InUse::Scope on the C++ stack for as long as SQLite's call runs:
//   - DatabaseSync::callbacks_   a user function, aggregate, virtual table or changeset callback
//                                of the database runs (user_functions.cc, js_module.cc,
//                                changeset_apply.cc)
//   - DatabaseSync::authorizer_  its authorizer runs (database_authorizer.cc)
//   - StatementSync::stepping_   the statement is inside sqlite3_step
//   - SessionSync::generating_   the session is inside sqlite3session_changeset/patchset
//   - DatabaseSync::backups_     a backup() of the database runs (held by BackupJob, not a
//                                stack scope: node's backup reads the connection itself)
// and every method that would free or replace a marked object checks the mark first and throws
// node:sqlite's ERR_INVALID_STATE instead (the exact messages are node 26's, pinned by
// test/reentrancy):
//   db.close()                     "database cannot be closed while in a callback"
//                                  (db[Symbol.dispose]() then leaves the database open)
//   db.deserialize()               "database cannot be deserialized while in a callback";
//                                  during a backup: SQLITE_BUSY, as node's sqlite3_deserialize
//   session.close() / dispose      "session is currently in use" while its changeset is built,
//                                  else "session cannot be closed while in a callback"
//   stmt.close() / dispose, and run/get/all/iterate/iterator.return() of a stepping statement
//                                  "statement is already being executed"
//   in the authorizer, anything else that uses the connection (exec, prepare, function,
//   aggregate, createSession, createModule, createTagStore, applyChangeset, setAuthorizer,
//   serialize, iterator.return(), setting a limit, extensions, defensive)
//                                  "database cannot be accessed from an authorizer callback"
//   backup(db) from a callback     starts once the current operation is over (src/ts/sync/backup.ts):
//                                  node's first step waits for the connection the same way
// Marks are counters (callbacks nest: a user function may run a statement whose function runs
// another), only ever touched on the JS thread that owns the database.
#pragma once
#include <memory>

namespace strand {

class InUse {
 public:
  bool active() const { return depth_ > 0; }

  // Marks `mark` in use until the end of the enclosing block.
  class Scope {
   public:
    explicit Scope(InUse& mark) : mark_(mark) { mark_.depth_++; }
    ~Scope() { mark_.depth_--; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    InUse& mark_;
  };

  // A mark held by an object rather than a block (a running backup): keeps the mark in use, and
  // alive, from Hold() until Release() or destruction.
  class Lease {
   public:
    Lease() = default;
    ~Lease() { Release(); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    void Hold(std::shared_ptr<InUse> mark) {
      Release();
      mark_ = std::move(mark);
      if (mark_) mark_->depth_++;
    }
    void Release() {
      if (mark_) mark_->depth_--;
      mark_.reset();
    }

   private:
    std::shared_ptr<InUse> mark_;
  };

 private:
  int depth_ = 0;
};

}  // namespace strand
