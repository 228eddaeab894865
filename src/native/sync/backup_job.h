// BackupJob: node:sqlite's module-level backup(sourceDb, path, options), stepped on a thread of
// its own so the JS thread never blocks on I/O.
//
// THREADING AND LIFETIME RULES
//  1. One connection, one owner (docs/ARCHITECTURE.md rule 2): the backup thread never touches the
//     source DatabaseSync's sqlite3*. Start() resolves the source on the JS thread:
//       - a file-backed schema (sqlite3_db_filename non-empty, not the memdb VFS): the thread
//         opens its OWN read-only connection to that file (same VFS) and backs up its 'main';
//       - an in-memory or temporary schema: Start() takes sqlite3_serialize() of it (an owned
//         copy); the thread loads it into a private in-memory connection (sqlite3_deserialize,
//         FREEONCLOSE) and backs up from there.
//     Consequence: uncommitted changes of the source connection's open transaction are never
//     copied. node's backup uses the source connection itself, and still copies none: while
//     that connection is in a write transaction its first step returns SQLITE_BUSY and node
//     rejects with errcode 0 ("not an error"); Start() detects that state and replays it
//     (SourceProblem::WriteTransaction). An in-memory source is copied as it was when backup()
//     was called; node's copy follows writes made while it runs (a file source restarts on its
//     own when another connection writes it, so the copy is of the state at its end).
//     Divergence: in rollback-journal mode the private connection holds a SHARED lock on the
//     file for the duration of each step, so a commit by another connection — the source
//     DatabaseSync included — that lands during a step waits for it, and fails with
//     SQLITE_BUSY if that connection has no busy timeout. node's backup shares the source
//     connection, so its own writes never conflict. WAL sources are not affected.
//  2. The thread never touches N-API. It reports through one ThreadSafeFunction: a progress call
//     after each step that leaves pages (node calls progress only then), and one final call.
//     With a progress callback the thread runs in lockstep, like node: it waits until JS has
//     called progress before the next step, so every reported value is a real step's and a
//     throwing progress stops the copy before another page is written. The promise settles only
//     from the final call, after the thread has closed its connections (so a rejection for a
//     throwing progress comes a moment later than node's, never before the files are closed).
//  3. Registered with the per-env Addon while it runs. Shutdown() (JS thread; from the final
//     TSFN call, env teardown via DetachFromAddon, or the TSFN finalizer; idempotent): set
//     `abort` → wake the thread → join it → release the TSFN (napi_tsfn_release after a normal
//     end, napi_tsfn_abort otherwise) → unregister. After an abort nothing is settled.
//  4. The TSFN's finalizer owns the object's end: it runs Shutdown (node may delete the TSFN at
//     env teardown before the Addon goes, without a release) and deletes the job. Node calls
//     call_js with env == nullptr after the finalizer, with the freed context: CallJs returns
//     before touching the context when env is null.
//  5. The TSFN is ref'd while the backup runs (node's thread-pool work keeps the loop alive too)
//     and holds the JS callback strongly: dropping the returned promise changes nothing.
//  6. Closing the source database while the backup runs is harmless: the thread works on its own
//     connection or copy, and completes (node completes too).
//  7. No C++ exceptions: raw N-API with status checks everywhere in this file, and catch-alls
//     where C++ code is entered (cpp_exceptions.h E1): Start (a raw N-API callback), CallJs, and
//     the thread's Run, where an exception ends the copy with its error (E2: out of memory is
//     SQLite's "out of memory") after closing both connections. A thread that cannot start
//     (StartThread) rejects backup() with ERR_OPERATION_FAILED, the job unregistered and its TSFN
//     released.
//  8. The source argument is unwrapped only through UnwrapTagged (type_tags.h T2).
//  9. While it runs, the job holds the source database's backups() mark (in_use.h), released by
//     Shutdown: node's backup reads the source connection itself, and SQLite then refuses
//     deserialize() on it (SQLITE_BUSY); the source's deserialize() checks the mark to say so.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include "core/backup_steps.h"
#include "core/sqlite_memory.h"
#include "sync/in_use.h"
#include "napi_config.h"
#include "sqlite3.h"

namespace strand {

class Addon;
class DatabaseSync;

class BackupJob {
 public:
  // startBackup(nativeDb, path, rate, source, target, onEvent, hasProgress) — arguments already
  // validated by src/ts/sync/backup.ts. onEvent(0, total, remaining) → false stops the backup;
  // onEvent(1, error | undefined, pages | undefined) once at the end (both undefined: stopped).
  static napi_value Start(napi_env env, napi_callback_info info);

  // Env teardown (called by the Addon): stop, join, release; settle nothing.
  void DetachFromAddon();

 private:
  enum class SourceKind { File, Memory, Stand_in };

  BackupJob() = default;
  static void StartGuarded(napi_env env, napi_callback_info info);  // Start's body; may throw
  // Start's steps: check and read the arguments (nullptr: thrown), resolve the source (rule 1),
  // then hand the job to its TSFN and thread.
  static std::unique_ptr<BackupJob> ReadArguments(napi_env env, size_t argc, napi_value* argv, DatabaseSync** database);
  void ResolveSource(DatabaseSync* database);
  void TakeImage(DatabaseSync* database);
  static void Launch(napi_env env, std::unique_ptr<BackupJob> job, DatabaseSync* database, napi_value on_event);
  void Run() noexcept;  // the backup thread
  bool OpenSource(sqlite3** source, ErrorInfo* error);
  bool ReportProgress(int total, int remaining);
  void Shutdown(bool normal_end);

  static void CallJs(napi_env env, napi_value callback, void* context, void* data);
  static void Finalize(napi_env env, void* data, void* hint);
  void DeliverProgress(napi_env env, napi_value callback);
  void DeliverResult(napi_env env, napi_value callback);

  // In (set by Start on the JS thread, read-only afterwards).
  BackupSpec spec_;
  SourceKind source_kind_ = SourceKind::Stand_in;
  SourceProblem problem_ = SourceProblem::None;
  std::string source_name_;     // as the user gave it (for the "unknown database" message)
  std::string source_file_;     // SourceKind::File
  std::string source_vfs_;      // SourceKind::File: the VFS the source connection uses
  int source_timeout_ = 0;      // the source database's busy timeout, for the private connection
  SqliteBytes image_;  // SourceKind::Memory
  sqlite3_int64 image_size_ = 0;
  bool has_progress_ = false;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool abort_ = false;              // guarded by mutex_
  bool progress_pending_ = false;   // guarded by mutex_: a step's numbers wait for JS
  int total_ = 0, remaining_ = 0;   // guarded by mutex_

  // Out (written by the thread before its final TSFN call; read by JS after it).
  bool ok_ = false;
  bool stopped_ = false;
  int pages_ = 0;
  ErrorInfo error_;

  // Set by Start before the thread starts, then read-only: the thread calls it (rule 2); only
  // the JS thread releases it (Shutdown).
  napi_threadsafe_function tsfn_ = nullptr;

  // JS thread only.
  InUse::Lease source_in_use_;  // rule 9
  bool tsfn_released_ = false;
  bool shut_down_ = false;
  Addon* addon_ = nullptr;
  std::thread thread_;
};

}  // namespace strand
