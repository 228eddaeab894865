#include "addon.h"

#include "async/async_database.h"
#include "sync/backup_job.h"
#include "sync/database_sync.h"
#include "core/fault_injection.h"
#include "sync/session_sync.h"
#include "sync/statement_sync.h"
#include "sqlite3.h"

namespace strand {

Addon::Addon(Napi::Env env, Napi::Object exports) : env_(env) {
  ExportClasses(env, exports);
  exports.Set("testCounters", Napi::Function::New(env, ReadTestCounters, "testCounters"));
  // 2048 cells hold any single row (SQLITE_MAX_COLUMN is 2000); all() grows it as needed.
  if (!scratch.Init(env, 2048)) {
    Napi::Error::New(env, "could not allocate the row scratch").ThrowAsJavaScriptException();
    return;
  }
  exports.Set("scratch", Napi::Value(env, scratch.Holder(env)));
  exports.Set("queryTraceStats", Napi::Function::New(env, ReadQueryTraceStats, "queryTraceStats"));
  exports.Set("sqliteVersion", Napi::String::New(env, sqlite3_libversion()));
  exports.Set("sqliteSourceId", Napi::String::New(env, sqlite3_sourceid()));
#ifdef STRAND_FAULT_INJECTION
  ExportFaultInjection(env, exports);
#endif
}

// The native classes, the constructors the addon keeps (statements and sessions are made from
// C++), and backup().
void Addon::ExportClasses(Napi::Env env, Napi::Object exports) {
  Napi::Function statement = StatementSync::DefineClass(env);
  statement_constructor = Napi::Persistent(statement);
  session_constructor = Napi::Persistent(SessionSync::DefineClass(env));
  Napi::Value sab = env.Global().Get("SharedArrayBuffer");
  if (sab.IsFunction()) shared_array_buffer_constructor = Napi::Persistent(sab.As<Napi::Function>());
  uint8_array_constructor = Napi::Persistent(env.Global().Get("Uint8Array").As<Napi::Function>());
  exports.Set("NativeDatabase", DatabaseSync::DefineClass(env));
  exports.Set("NativeAsyncDatabase", AsyncDatabase::DefineClass(env));
  exports.Set("NativeStatement", statement);
  napi_value start_backup = nullptr;
  if (napi_create_function(env, "startBackup", NAPI_AUTO_LENGTH, BackupJob::Start, nullptr, &start_backup) == napi_ok) {
    exports.Set("startBackup", Napi::Value(env, start_backup));
  }
}

#ifdef STRAND_FAULT_INJECTION
// The test build only (fault_injection.h): arm the faults, and let tests see what is left
// registered and alive.
void Addon::ExportFaultInjection(Napi::Env env, Napi::Object exports) {
  LoadFaults();
  exports.Set("faultInjection", Napi::Function::New(env, [this](const Napi::CallbackInfo& info) {
    Napi::Object counts = Napi::Object::New(info.Env());
    counts.Set("databases", static_cast<double>(databases_.size()));
    counts.Set("asyncDatabases", static_cast<double>(async_databases_.size()));
    counts.Set("backups", static_cast<double>(backups_.size()));
    counts.Set("liveCores", static_cast<double>(LiveCores()));
    return counts;
  }));
}
#endif

Addon::~Addon() {
  // The env is going away: stop the database threads first (they may be running queries), then
  // close what users left open. Move the sets out first: detaching must not unregister into them.
  // Backups first: they only read their own connections, but stopping them is quickest.
  std::unordered_set<BackupJob*> backups = std::move(backups_);
  backups_.clear();
  for (BackupJob* job : backups) job->DetachFromAddon();
  std::unordered_set<AsyncDatabase*> running = std::move(async_databases_);
  async_databases_.clear();
  for (AsyncDatabase* db : running) db->DetachFromAddon();
  std::unordered_set<DatabaseSync*> open = std::move(databases_);
  databases_.clear();
  for (DatabaseSync* db : open) db->DetachFromAddon();
  // The references (constructors, the scratch holder) are deleted here, as members go: the
  // instance data is finalized before the env frees its remaining strong references, so they
  // are still valid now, and deleting them is what keeps a worker's end from leaking them.
  scratch.Release(env_);
}

void* NewNativeInstance(napi_env env, Napi::FunctionReference Addon::*constructor, napi_value* object) {
  Addon* addon = nullptr;
  napi_value class_value = nullptr;
  napi_value instance = nullptr;
  void* native = nullptr;
  if (napi_get_instance_data(env, reinterpret_cast<void**>(&addon)) != napi_ok || addon == nullptr ||
      napi_get_reference_value(env, addon->*constructor, &class_value) != napi_ok ||
      napi_new_instance(env, class_value, 0, nullptr, &instance) != napi_ok ||
      napi_unwrap(env, instance, &native) != napi_ok || native == nullptr) {
    return nullptr;
  }
  *object = instance;
  return native;
}

void Addon::Unregister(AsyncDatabase* db) {
  if (async_databases_.erase(db) == 0) return;
  if (const TestCounters* counters = db->test_counters()) retired_test_counters_.Add(*counters);
}

Napi::Value Addon::ReadQueryTraceStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Addon* addon = env.GetInstanceData<Addon>();
  Napi::Object stats = Napi::Object::New(env);
  stats.Set("syncTraceInstalls", Napi::Number::New(env, addon ? static_cast<double>(addon->sync_trace_installs) : 0));
  stats.Set("asyncTracedJobs", Napi::Number::New(env, addon ? static_cast<double>(addon->async_traced_jobs) : 0));
  return stats;
}

// For tests only (test_counters.h): { cancelRequestsRunning, cancelRequestsFinished,
// staleCancelChecks, cancelStopChecks, busyWaits, idleSpins, spinHits, threadSleeps } of every
// AsyncDatabase this env has had, unjoinedThreads of those alive, and the backups running.
Napi::Value Addon::ReadTestCounters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* addon = env.GetInstanceData<Addon>();
  if (addon == nullptr) return env.Undefined();
  TestCounterTotals totals = addon->retired_test_counters_;
  double unjoined = 0;
  for (AsyncDatabase* db : addon->async_databases_) {
    if (const TestCounters* counters = db->test_counters()) totals.Add(*counters);
    if (db->thread_unjoined()) unjoined++;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("cancelRequestsRunning", Napi::Number::New(env, static_cast<double>(totals.requests_running)));
  out.Set("cancelRequestsFinished", Napi::Number::New(env, static_cast<double>(totals.requests_finished)));
  out.Set("staleCancelChecks", Napi::Number::New(env, static_cast<double>(totals.stale_checks)));
  out.Set("cancelStopChecks", Napi::Number::New(env, static_cast<double>(totals.stop_checks)));
  out.Set("busyWaits", Napi::Number::New(env, static_cast<double>(totals.busy_waits)));
  out.Set("idleSpins", Napi::Number::New(env, static_cast<double>(totals.idle_spins)));
  out.Set("spinHits", Napi::Number::New(env, static_cast<double>(totals.spin_hits)));
  out.Set("threadSleeps", Napi::Number::New(env, static_cast<double>(totals.sleeps)));
  // Not a total: the database threads of this env started and not yet joined, now. A thread that
  // ended on its own (after its Close job) still counts until join() reaps it.
  out.Set("unjoinedThreads", Napi::Number::New(env, unjoined));
  // backup() jobs registered (running, their thread not yet joined), now.
  out.Set("backups", Napi::Number::New(env, static_cast<double>(addon->backups_.size())));
  return out;
}

}  // namespace strand

using StrandAddon = strand::Addon;
NODE_API_ADDON(StrandAddon)
