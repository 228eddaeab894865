// Per-env state (docs/ARCHITECTURE.md rule 4). One Addon instance exists per env (main thread or
// worker); it holds the constructors and the registry of live databases. No mutable statics.
//
// Lifetime rules:
//   - Every running backup() (backup_job.h) is registered too; teardown stops and joins it first.
//   - Every DatabaseSync registers itself here when constructed and unregisters when destroyed.
//   - When the env is torn down (worker ends, process exits) the Addon is destroyed; it shuts
//     down every AsyncDatabase still registered (interrupt, join its thread — see
//     async_database.h), closes every DatabaseSync (finalizing its statements), and detaches
//     them, so a finalizer that runs later does not touch the freed registry. Teardown runs no
//     JS and throws nothing into the dying env.
//   - Its address is half of every type tag this env's objects carry (type_tags.h T3).
#pragma once
#include <unordered_set>
#include "async/test_counters.h"
#include "napi_config.h"
#include "core/row_scratch.h"

namespace strand {

class DatabaseSync;
class AsyncDatabase;
class BackupJob;

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);
  ~Addon();

  Napi::FunctionReference statement_constructor;
  Napi::FunctionReference session_constructor;
  RowScratch scratch;
  // For binding SharedArrayBuffers, which N-API cannot read directly: wrapped in a Uint8Array.
  Napi::FunctionReference shared_array_buffer_constructor;
  Napi::FunctionReference uint8_array_constructor;

  // Query diagnostics instrumentation, read by the tests through queryTraceStats(): how often a
  // DatabaseSync installed SQLite's profile hook, and how many AsyncDatabase jobs asked their
  // database thread to trace. Both stay 0 while nobody subscribes to 'sqlite.db.query'.
  uint64_t sync_trace_installs = 0;
  uint64_t async_traced_jobs = 0;

  void Register(DatabaseSync* db) { databases_.insert(db); }
  void Unregister(DatabaseSync* db) { databases_.erase(db); }
  void Register(AsyncDatabase* db) { async_databases_.insert(db); }
  void Unregister(AsyncDatabase* db);  // keeps its test counters' totals (test_counters.h)
  void Register(BackupJob* job) { backups_.insert(job); }
  void Unregister(BackupJob* job) { backups_.erase(job); }

  // testCounters(): the test counters (test_counters.h) of this env's AsyncDatabases.
  static Napi::Value ReadTestCounters(const Napi::CallbackInfo& info);
  // queryTraceStats(): { syncTraceInstalls, asyncTracedJobs } (see above).
  static Napi::Value ReadQueryTraceStats(const Napi::CallbackInfo& info);

 private:
  void ExportClasses(Napi::Env env, Napi::Object exports);
#ifdef STRAND_FAULT_INJECTION
  void ExportFaultInjection(Napi::Env env, Napi::Object exports);
#endif

  napi_env env_;
  std::unordered_set<DatabaseSync*> databases_;
  std::unordered_set<AsyncDatabase*> async_databases_;
  std::unordered_set<BackupJob*> backups_;  // module-level backup() calls still running
  TestCounterTotals retired_test_counters_;  // of the AsyncDatabases already unregistered
};

// A new instance of one of this env's native classes (`constructor`: &Addon::statement_constructor,
// &Addon::session_constructor) and the C++ object it wraps; nullptr (and *object unset) when it
// cannot be made. Raw N-API (napi_config.h teardown rule): callers hold a SQLite resource that
// they must free on failure, which a C++ exception from node-addon-api would skip. A plain
// napi_unwrap, not UnwrapTagged: the object was just made by our own constructor.
void* NewNativeInstance(napi_env env, Napi::FunctionReference Addon::*constructor, napi_value* object);

}  // namespace strand
