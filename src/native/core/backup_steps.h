// The stepping loop of an online backup, shared by the module-level backup() (backup_job.h, on
// its own thread) and AsyncDatabase#backup (a job on the database thread). It follows
// node:sqlite's BackupJob step for step, so both report the same pages and errors:
//   - open the destination file (READWRITE | CREATE | URI), sqlite3_backup_init(target ← source);
//   - sqlite3_backup_step(rate) until SQLITE_DONE; SQLITE_BUSY / SQLITE_LOCKED are retried;
//   - after every step that leaves pages to copy, `on_step(total, remaining)` (progress) — never
//     with remaining 0: node does not report the final step either;
//   - errors: a failed open or init → the destination's error; a failed step → that result code
//     with sqlite3_errstr as message; a step that is not DONE yet leaves nothing to copy →
//     the destination connection's current error (node's quirk: often errcode 0 "not an error").
// No N-API here: it runs on a backup or database thread, and uses only the connections it is
// given (the caller owns `source`; the destination connection is private to one call). It may
// throw (std::bad_alloc from the hooks); the destination is closed on the way out, and the
// caller's catch-all turns the exception into the backup's error (cpp_exceptions.h).
#pragma once
#include <functional>
#include <string>
#include "core/errors.h"
#include "sqlite3.h"

namespace strand {

struct BackupSpec {
  std::string path;            // the destination file (a path or a file: URI)
  std::string target = "main"; // the destination schema
  int rate = 100;              // pages per step, >= 1
};

// How the source is handed to RunBackup when the caller could not open it as asked: the
// module-level backup resolves these on the JS thread and replays them here, in node's order
// (the destination is opened, and created, first).
enum class SourceProblem {
  None,
  UnknownSchema,     // no such attached database: "unknown database <name>" (SQLITE_ERROR)
  WriteTransaction,  // node's source connection was mid-write: sqlite3_backup_step says BUSY
};

struct BackupHooks {
  // Called between steps; true stops the backup (it then fails with SQLITE_INTERRUPT).
  std::function<bool()> should_stop;
  // Progress after a step that left pages; false stops the backup (no error is reported).
  std::function<bool(int total, int remaining)> on_step;
};

// Returns true with *pages = the source's page count on success. On failure *error is set,
// unless the backup was stopped by on_step returning false (then *stopped is true).
bool RunBackup(sqlite3* source, const char* source_schema, SourceProblem problem, const std::string& problem_name,
               const BackupSpec& spec, const BackupHooks& hooks, int* pages, ErrorInfo* error, bool* stopped);

}  // namespace strand
