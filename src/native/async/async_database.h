// AsyncDatabase's native engine: one dedicated OS thread per database, owning its sqlite3*.
//
// THREADING RULES (docs/ARCHITECTURE.md "Threading and lifetime rules" — each one is relied on below):
//  1. The database thread never touches N-API. Jobs (async_job.h) carry owned data in and out;
//     JS values are read only in add() (job_decoders.cc) and made only in the TSFN callback
//     (job_delivery.cc), both on the JS thread. The job protocol — one payload per kind, typed
//     on both sides — is async_job.h J1–J4.
//  2. One connection, one owner: the sqlite3* is opened, used and closed only by the database
//     thread; the JS thread never touches it. Cancellation goes through a progress handler on
//     the database thread that stops a statement only while `cancel_id` equals `running`, the
//     id of the job it belongs to. Job ids are never reused, so a cancel that arrives late (its
//     job already finished) matches nothing and can never stop the next job — which
//     sqlite3_interrupt, a flag on the whole connection, could not promise. `running` is set in
//     the same critical section that takes the job off the queue, so cancel() always finds a job
//     either still queued or running; and the next job is taken before the previous one is
//     reported complete, so once JS sees a completion, the job queued after it is running.
//  3. Batch every crossing. add() stages jobs on the JS thread without locking; flush() (called
//     once per tick by the TypeScript layer, from a microtask) moves them to the queue with one
//     lock and one notify. Completions are coalesced: the thread signals the TSFN only when JS
//     has not been signalled yet, and one TSFN callback delivers every completed job; while more
//     jobs are queued, it reports completions at most every 200 µs (checked between jobs and by
//     the progress handler during long ones), and at once when the queue runs empty.
//  4. Everything is per env: no statics; the Addon of the env registers each database.
//  5. Teardown (close(), garbage collection, env cleanup, TSFN finalization — whichever comes
//     first; Shutdown() is idempotent): stop intake → interrupt the running statement (and any
//     busy wait: `aborting`) → drop queued jobs → join the thread (which finalizes its
//     statements and closes the connection as it exits) → release the TSFN. A TSFN callback
//     with env == nullptr frees jobs and settles nothing.
//  6. No C++ exception can reach a dying env: the TSFN callback and teardown use raw N-API calls
//     and never throw.
//  7. Lifetimes: the shared AsyncCore outlives both the JS object and the TSFN (each holds a
//     shared_ptr); the thread is always joined before its core can go. Node deletes a TSFN at env
//     teardown without waiting for other threads, so the TSFN's finalizer shuts the core down
//     (joins the thread) before returning: no thread can call a deleted TSFN.
//  8. User functions (db.function()/aggregate(), async_functions.h rules F1–F10) run on the JS
//     thread through a blocking round trip from the database thread over THIS database's TSFN
//     (an item whose data is a FunctionCall; plain completion signals carry no data). The TSFN
//     callback hands a call to its own JS callback, onCall(callId, type, functionId, groupId,
//     args) — the constructor's third argument, held by a reference in the TSFN's context and
//     deleted by its finalizer — and completions to onComplete, the TSFN's function. One TSFN
//     rather than a second one: it already has the right lifetime (finalizer joins the thread,
//     rule 7), the right ref/unref (a call only happens while a job is outstanding, when the
//     engine keeps it ref'd) and the env == nullptr handling (rule 9) — a second TSFN would need
//     all three again. Deadlock-freedom: Shutdown wakes a waiting call (AbortFunctionCalls, under
//     call_mutex) BEFORE it joins the thread; the database thread holds no lock while it waits;
//     the JS thread never waits for the database thread except in that join.
//     applyChangeset's filter/onConflict cross the same way (async_sessions.h S4).
//  9. (Bug fixed: segfault when a worker was terminated during a transaction.) When node deletes
//     a TSFN it calls the finalizer first and then the call_js callback, with env == nullptr,
//     once per call still queued — with the same context the finalizer just freed. The TSFN
//     callback must return before touching its context when env is null.
// 10. Read runs (scheduler.cc: BeginReadRun/EndReadRunUnless; docs/ASYNC.md "Ordering").
//     Prepared reads queued back to back run inside one read transaction (BEGIN … COMMIT) that
//     the thread opens and closes itself, so each read does not take and drop the file locks.
//     A run must never change what a job means; the rules that make sure:
//     a. Only a Get/All job of a prepared statement that is a plain read (statement_kind.h:
//        read-only AND beginning with SELECT, WITH or VALUES) joins a run. Transaction control
//        (BEGIN, COMMIT/END, ROLLBACK, SAVEPOINT, RELEASE), PRAGMA, ATTACH/DETACH, EXPLAIN, …
//        are read-only to SQLite but mean something else inside a transaction: they never join.
//     b. Every other job — writes, Run of anything, SQL text (db.get(sql): not known to be a
//        plain read until prepared), iterations (their statement stays active across jobs),
//        exec, prepare, finalize, backup, serialize, sessions, close — ends a run before it
//        executes, so it runs in the transaction state the user left.
//     c. A run starts only in autocommit mode (sqlite3_get_autocommit): never inside the user's
//        own transaction, whose reads simply run in it, as they would sync. It starts only when
//        more jobs are queued behind the read.
//     d. A plain read can neither open nor end a transaction, so inside a run the only
//        transaction is the run's: ending it commits nothing of the user's. The run goes on
//        while its transaction is still open (an interrupted or failed read may have rolled it
//        back) for at most kMaxReadRun jobs, and ends when the queue is empty: no lock is held
//        while idle. If its COMMIT fails, it is rolled back (it wrote nothing).
//     What a run does change, and docs/ASYNC.md says: its reads see one snapshot of the database.
// 11. C++ exceptions (cpp_exceptions.h). The constructor starts the thread with StartThread: if
//     the system refuses one, nothing stays behind — the TSFN is released at once (its finalizer
//     then frees its share of the core), the database is never registered with the Addon, and
//     the constructor throws ERR_OPERATION_FAILED, which rejects AsyncDatabase.open(). On the
//     database thread every job runs inside a catch-all: an exception fails that job alone (E2),
//     after undoing what it had half done (its statement reset or finalized, its cursor closed,
//     its prepared statement dropped), and the next job runs as usual. Handing a completion over
//     allocates nothing (JobList). Should the thread's own loop ever throw (outside any job: the
//     queue's mutex or condition variable failing), its entry catch-all closes the connection
//     and the database turns "broken": the job in flight and every queued or later job fail with
//     that error, except Close, which completes, so close() still resolves. The TSFN callback
//     delivers each job inside a catch-all too: a job that cannot be delivered is settled with
//     the error instead.
// 12. Query diagnostics (async_trace.cc): a job submitted while someone subscribed to
//     'sqlite.db.query' carries `trace`. SQLite's profile hook is installed for such a job (and
//     removed before the next job that did not ask), and records each statement that ends
//     during it — its text expanded on the database thread, SQLite's duration — into the job.
//     The JS thread publishes them from the completion, before the job's promise settles.
//     Nothing is recorded outside a traced job: not the read-run BEGIN/COMMIT, not the
//     finalization done by a Finalize or Close job. No N-API on this path (rule 1).
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>
#include "async/async_functions.h"
#include "async/async_job.h"
#include "async/test_counters.h"
#include "core/connection.h"
#include "core/fault_injection.h"
#include "napi_config.h"
#include "sqlite3.h"

namespace strand {

class Addon;

// A prepared statement living on the database thread.
struct ThreadStatement {
  sqlite3_stmt* stmt = nullptr;
  std::optional<BareNameMap> bare_names;
  int reported_reprepares = -1;
  bool plain_read = false;  // may join a read run (rule 10a), classified once when prepared
};

// An open iteration on the database thread. Ad-hoc iterations (db.iterate(sql)) own their
// statement; iterations of a prepared statement borrow it.
struct ThreadCursor {
  sqlite3_stmt* stmt = nullptr;
  bool owns_statement = false;
  int reported_reprepares = -1;
  // An error met after some rows of a batch: those rows are delivered first, the error with the
  // next batch.
  std::optional<ErrorInfo> pending_error;
};

struct AsyncCore {
  explicit AsyncCore(DatabaseConfig config) : config(std::move(config)) { CountLiveCore(1); }
  ~AsyncCore() { CountLiveCore(-1); }
  AsyncCore(const AsyncCore&) = delete;
  AsyncCore& operator=(const AsyncCore&) = delete;

  const DatabaseConfig config;

  // Staged by add() on the JS thread, moved to `queue` by flush(). JS thread only.
  std::vector<std::unique_ptr<Job>> staged;

  std::mutex queue_mutex;
  std::condition_variable queue_cv;
  std::deque<std::unique_ptr<Job>> queue;  // guarded by queue_mutex
  bool stopping = false;                   // guarded by queue_mutex
  // Set when the thread's loop failed outside any job (rule 11): every later job fails with it.
  std::optional<ErrorInfo> broken;         // guarded by queue_mutex
  uint64_t running = 0;                    // written under queue_mutex; 0 when idle

  // Jobs in `queue`, readable without the lock: the database thread's idle spin polls it.
  std::atomic<size_t> queued{0};

  // Read by the database thread's progress and busy handlers without a lock.
  std::atomic<uint64_t> running_for_handlers{0};
  std::atomic<uint64_t> cancel_id{0};
  std::atomic<bool> aborting{false};
  TestCounters test_counters;  // for tests (test_counters.h)

  std::mutex done_mutex;
  JobList done;                            // guarded by done_mutex
  bool signalled = false;                  // guarded by done_mutex

  napi_threadsafe_function tsfn = nullptr;  // JS thread only (the database thread reads it once set)
  bool tsfn_released = false;               // JS thread only
  std::thread thread;
  bool shut_down = false;                   // JS thread only

  // Database thread only.
  sqlite3* db = nullptr;
  std::chrono::steady_clock::time_point busy_since;
  bool unsignalled = false;  // completions wait in `done` that JS was not told about
  std::chrono::steady_clock::time_point unsignalled_since;
  int spin_credit = 0;       // idle spinning pays off while > 0 (see IdleSpin)
  int read_run = 0;          // reads run so far in the current read transaction (0: none)
  unsigned idle_rounds = 0;
  std::unordered_map<uint32_t, ThreadStatement> statements;
  std::unordered_map<uint32_t, ThreadCursor> cursors;
  std::unordered_map<uint32_t, sqlite3_session*> sessions;  // async_sessions.h S1

  // User functions (async_functions.h). `calls_aborted` and every FunctionCall's `done` are
  // guarded by call_mutex; the database thread waits on call_cv for one of them (rule 8).
  std::mutex call_mutex;
  std::condition_variable call_cv;
  bool calls_aborted = false;
  // Database thread only.
  uint64_t next_call = 1;
  uint64_t next_group = 1;
  uint64_t threw_in_job = 0;                  // the job in which a JS callback last threw
  std::vector<uint32_t> destroyed_functions;  // ids whose xDestroy ran (F9)

  // Query diagnostics (rule 12). Database thread only.
  Job* traced_job = nullptr;    // the running job, while it asked to be traced
  bool trace_installed = false;  // SQLite's profile hook is on the connection
};

// The database thread's entry function and main loop (scheduler.cc). Catches everything.
void RunDatabaseThread(AsyncCore* core) noexcept;
// Database thread: whether the running statement must stop (cancelled, or shutting down).
bool StopRequested(AsyncCore* core);
// Database thread: signals completions that wait for their coalesced signal, at once.
void SignalUnreported(AsyncCore* core);
// Database thread: around each job, the query diagnostics' profile hook (rule 12).
void BeginJobTrace(AsyncCore* core, Job& job);
void EndJobTrace(AsyncCore* core);
// JS thread: asks the database thread to stop job `id` (0: whichever runs) if it is running.
// Call with queue_mutex held. True when a running job was asked to stop.
bool RequestCancelLocked(AsyncCore* core, uint64_t id);

class AsyncDatabase : public Napi::ObjectWrap<AsyncDatabase> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit AsyncDatabase(const Napi::CallbackInfo& info);
  ~AsyncDatabase() override;

  // Teardown, in docs/ARCHITECTURE.md's order (rule 5). Safe to call more than once, from the JS thread.
  static void Shutdown(AsyncCore* core);
  // Called by the Addon when the env dies first.
  void DetachFromAddon();
  // For the module's testCounters(): this database's cancellation counters (null once failed).
  const TestCounters* test_counters() const { return core_ ? &core_->test_counters : nullptr; }
  // For testCounters() too: whether its thread was started and not yet joined (JS thread only).
  bool thread_unjoined() const { return core_ && core_->thread.joinable(); }

 private:
  void Init(const Napi::CallbackInfo& info);  // the constructor's body; may throw
  Napi::Value Add(const Napi::CallbackInfo& info);
  void StageJob(napi_env env, const Napi::CallbackInfo& info);  // Add's body; may throw
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Interrupt(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);
  Napi::Value Join(const Napi::CallbackInfo& info);

  std::shared_ptr<AsyncCore> core_;
  Addon* addon_ = nullptr;
};

}  // namespace strand
