#include "core/backup_steps.h"

#include <chrono>
#include <new>
#include <thread>

#include "core/fault_injection.h"

namespace strand {

namespace {

// The destination connection's current error, as node reports it (errcode may be 0: see
// MakeError, which still gives it errcode/errstr).
ErrorInfo DestinationError(sqlite3* dest) { return ErrorInfo::Sqlite(dest); }

struct Destination {
  sqlite3* db = nullptr;
  sqlite3_backup* backup = nullptr;
  ~Destination() {
    if (backup != nullptr) sqlite3_backup_finish(backup);
    if (db != nullptr) sqlite3_close_v2(db);
  }
};

// Opens the destination and starts the backup into it; a source problem fails where node's
// backup fails for it.
bool StartBackup(sqlite3* source, const char* source_schema, SourceProblem problem, const std::string& problem_name,
                 const BackupSpec& spec, Destination* dest, ErrorInfo* error) {
  int rc = sqlite3_open_v2(spec.path.c_str(), &dest->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                           nullptr);
  if (rc != SQLITE_OK) {
    *error = dest->db != nullptr ? DestinationError(dest->db) : ErrorInfo::SqliteCode(rc);
    return false;
  }
  if (problem == SourceProblem::UnknownSchema) {
    // sqlite3_backup_init looks the source schema up before the destination's.
    *error = ErrorInfo::SqliteCode(SQLITE_ERROR, "unknown database " + problem_name);
    return false;
  }
  dest->backup = sqlite3_backup_init(dest->db, spec.target.c_str(), source, source_schema);
  if (dest->backup == nullptr) {
    *error = DestinationError(dest->db);
    return false;
  }
  if (problem == SourceProblem::WriteTransaction) {
    // node: the first step returns SQLITE_BUSY with nothing counted yet, so it rejects with the
    // destination's (empty) error.
    *error = DestinationError(dest->db);
    return false;
  }
  return true;
}

// Copies spec.rate pages per step until done, reporting each step that leaves pages.
bool StepBackup(const Destination& dest, const BackupSpec& spec, const BackupHooks& hooks, int* pages,
                ErrorInfo* error, bool* stopped) {
  for (;;) {
    if (hooks.should_stop && hooks.should_stop()) {
      *error = ErrorInfo::SqliteCode(SQLITE_INTERRUPT);
      return false;
    }
    if (STRAND_FAULT(BackupStep)) throw std::bad_alloc();  // tests only (fault_injection.h)
    int rc = sqlite3_backup_step(dest.backup, spec.rate);
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
      *error = ErrorInfo::SqliteCode(rc);
      return false;
    }
    int total = sqlite3_backup_pagecount(dest.backup);
    int remaining = sqlite3_backup_remaining(dest.backup);
    if (remaining != 0) {
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        // Someone holds a lock on the source or destination file: wait a little, try again.
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      if (hooks.on_step && !hooks.on_step(total, remaining)) {
        *stopped = true;
        return false;
      }
      continue;
    }
    if (rc != SQLITE_DONE) {
      // Nothing copied yet and the source is locked. node reports the destination's error here
      // (errcode 0, "not an error"), an artefact of its code; a private source connection only
      // gets here after its busy timeout, so say what happened instead.
      *error = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? ErrorInfo::SqliteCode(rc) : DestinationError(dest.db);
      return false;
    }
    *pages = total;
    return true;
  }
}

}  // namespace

bool RunBackup(sqlite3* source, const char* source_schema, SourceProblem problem, const std::string& problem_name,
               const BackupSpec& spec, const BackupHooks& hooks, int* pages, ErrorInfo* error, bool* stopped) {
  *stopped = false;
  Destination dest;
  return StartBackup(source, source_schema, problem, problem_name, spec, &dest, error) &&
         StepBackup(dest, spec, hooks, pages, error, stopped);
}

}  // namespace strand
