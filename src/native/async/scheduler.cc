// The database thread's loop of an AsyncDatabase: takes jobs off the queue one at a time, runs
// them (jobs.cc), and hands them back completed — coalescing the signals to the JS thread
// (async_database.h rule 3), spinning briefly when idle, and batching back-to-back prepared reads
// into read runs (rule 10). No N-API here except the TSFN signal (rule 1). No C++ exception
// leaves this thread (rule 11, cpp_exceptions.h): each job runs inside ExecuteGuarded, the loop
// inside RunDatabaseThread's catch-all.
#include <system_error>
#include <thread>

#include "async/database_thread.h"
#include "core/cpp_exceptions.h"

namespace strand {

bool StopRequested(AsyncCore* core) {
  if (core->aborting.load(std::memory_order_relaxed)) return true;
  uint64_t cancel = core->cancel_id.load(std::memory_order_relaxed);
  if (cancel == 0) return false;
  // A recorded cancel stops only the job it names; ids are never reused, so one left over from
  // a job that finished first matches nothing (async_database.h, rule 2).
  bool stop = cancel == core->running_for_handlers.load(std::memory_order_relaxed);
  (stop ? core->test_counters.stop_checks : core->test_counters.stale_checks).fetch_add(1, std::memory_order_relaxed);
  return stop;
}

namespace {

// How long finished jobs may wait to be reported while more jobs are queued. Signalling the JS
// thread costs a syscall and a wake-up; with many small jobs in flight, reporting them every
// 200 µs instead of one by one is what makes pipelining pay (measured: 1 signal per completion
// before this). A lone job, or the last of a burst, is reported at once.
constexpr std::chrono::microseconds kSignalDelay(200);

// Tells the JS thread that completions wait, unless it already knows.
void Signal(AsyncCore* core) {
  core->unsignalled = false;
  bool signal = false;
  {
    std::lock_guard<std::mutex> lock(core->done_mutex);
    signal = !core->signalled && !core->done.empty();
    if (signal) core->signalled = true;
  }
  if (signal) napi_call_threadsafe_function(core->tsfn, nullptr, napi_tsfn_nonblocking);
}

// Progress handler, every 1000 VM steps: reports overdue completions (a long job must not hold
// back the results of the short ones before it) and stops the statement when asked to.
int OnProgress(void* data) {
  auto* core = static_cast<AsyncCore*>(data);
  SignalIfOverdue(core);
  return StopRequested(core) ? 1 : 0;
}

// Busy handler honouring `timeout` like sqlite3_busy_timeout, but waking every few milliseconds
// so a cancelled job or a shutdown does not wait out the whole timeout.
int WaitWhileBusy(void* data, int attempts) {
  auto* core = static_cast<AsyncCore*>(data);
  core->test_counters.busy_waits.fetch_add(1, std::memory_order_relaxed);
  auto now = std::chrono::steady_clock::now();
  if (attempts == 0) core->busy_since = now;
  SignalIfOverdue(core);
  if (StopRequested(core)) return 0;
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - core->busy_since).count();
  if (waited >= core->config.timeout) return 0;
  auto pause = std::min<long long>(5, core->config.timeout - waited);
  std::this_thread::sleep_for(std::chrono::milliseconds(pause));
  return 1;
}

// Takes the next job and marks it running, in one critical section with the queue (so cancel()
// finds every job either queued or running). Returns null when stopping.
std::unique_ptr<Job> TakeNext(AsyncCore* core, std::unique_lock<std::mutex>& lock, bool wait) {
  if (wait && !core->stopping && core->queue.empty()) {
    core->test_counters.sleeps.fetch_add(1, std::memory_order_relaxed);
    core->queue_cv.wait(lock, [core] { return core->stopping || !core->queue.empty(); });
  }
  if (!core->queue.empty() && STRAND_FAULT(ThreadLoop)) {
    throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur));
  }
  std::unique_ptr<Job> job;
  if (!core->stopping && !core->queue.empty()) {
    job = std::move(core->queue.front());
    core->queue.pop_front();
    core->queued.store(core->queue.size(), std::memory_order_release);
  }
  core->running = job ? job->id : 0;
  core->running_for_handlers.store(core->running, std::memory_order_relaxed);
  return job;
}

// Before sleeping on the condition variable, spin for a while when that has been paying off.
// Waking a sleeping thread is what a pipelined or sequential caller paid for most on a VM: the
// futex wake-up cost the JS thread 5-180 µs inside flush() (the woken thread is often scheduled
// onto the waker's core and preempts it), while a spinning thread sees the job within a
// microsecond. Sequential awaits send the next job ~15 µs after a completion; 64 gets in flight
// send the next slice within a few hundred µs. The spin is adaptive, never fixed: a spin that
// sees a job earns a credit, one that times out loses one, and below kSpinWhileCreditAbove the
// thread stops spinning (probing again every 32nd idle moment), so an idle thread, or one whose
// callers come back rarely, does not keep a core busy. The window is the price of a miss: with
// 1 ms, callers pacing one query every 0.3-0.8 ms kept this thread spinning all the time (a whole
// core); with 250 µs their CPU time is that of no spinning, while sequential and 64-in-flight
// throughput measured the same as with 1 ms (92-94% of the spins on 64 in flight see a job). It
// yields the core on every turn, so a runnable thread there is not held up. Returns true when a
// job arrived.
constexpr std::chrono::microseconds kSpinWindow(250);
constexpr int kMaxSpinCredit = 16;
constexpr int kSpinWhileCreditAbove = -2;

bool IdleSpin(AsyncCore* core) {
  if (core->spin_credit <= kSpinWhileCreditAbove && (++core->idle_rounds % 32) != 0) return false;
  core->test_counters.idle_spins.fetch_add(1, std::memory_order_relaxed);
  auto deadline = std::chrono::steady_clock::now() + kSpinWindow;
  do {
    if (core->queued.load(std::memory_order_acquire) > 0 || core->aborting.load(std::memory_order_relaxed)) {
      core->spin_credit = std::min(core->spin_credit + 1, kMaxSpinCredit);
      core->test_counters.spin_hits.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    std::this_thread::yield();
  } while (std::chrono::steady_clock::now() < deadline);
  core->spin_credit = std::max(core->spin_credit - 1, -kMaxSpinCredit);
  return false;
}

// Read batching (async_database.h, rule 10). Every read outside a transaction takes and drops
// SQLite's file locks (on this VM: 4 fcntl, 3 stat and 1 pread per point select — most of its
// cost). When prepared plain reads arrive back to back, the thread runs them inside one read
// transaction (BEGIN … COMMIT), paying for the locks once per run of up to kMaxReadRun jobs. They
// were queued together and run in order either way; the only difference is that a run sees one
// snapshot of the database, as if it had been executed a little faster.
constexpr int kMaxReadRun = 64;

// Rule 10a: a Get/All of a prepared plain read; everything else ends a run (10b).
bool IsBatchableRead(AsyncCore* core, const Job& job) {
  const auto* read = std::get_if<ReadJob>(&job.payload);
  if (read == nullptr || read->query.statement == 0) return false;
  auto found = core->statements.find(read->query.statement);
  return found != core->statements.end() && found->second.plain_read && sqlite3_stmt_readonly(found->second.stmt) != 0;
}

void BeginReadRun(AsyncCore* core, const Job& job) {
  if (core->read_run > 0 || core->db == nullptr) return;
  if (core->queued.load(std::memory_order_acquire) == 0 || !IsBatchableRead(core, job)) return;
  if (sqlite3_get_autocommit(core->db) == 0) return;  // the user's own transaction
  if (sqlite3_exec(core->db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK) core->read_run = 1;
}

void EndReadRunUnless(AsyncCore* core, const Job* next) {
  if (core->read_run == 0) return;
  if (next != nullptr && core->read_run < kMaxReadRun && IsBatchableRead(core, *next) &&
      sqlite3_get_autocommit(core->db) == 0) {
    core->read_run++;
    return;
  }
  core->read_run = 0;
  // Skipped if SQLite already rolled the transaction back (e.g. after an interrupt). The next job
  // must find no transaction of ours (rule 10b): if COMMIT fails, roll back — the run wrote nothing.
  if (sqlite3_get_autocommit(core->db) == 0 && sqlite3_exec(core->db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK &&
      sqlite3_get_autocommit(core->db) == 0) {
    sqlite3_exec(core->db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

// The loop. `job` is the job in flight (taken off the queue, not yet completed), kept by the
// caller so that its catch-all can still settle it.
void ServeJobs(AsyncCore* core, std::unique_ptr<Job>& job) {
  {
    std::unique_lock<std::mutex> lock(core->queue_mutex);
    job = TakeNext(core, lock, true);
  }
  while (job) {
    BeginReadRun(core, *job);
    BeginJobTrace(core, *job);
    ExecuteGuarded(core, *job);
    EndJobTrace(core);
    bool closed = job->kind == JobKind::Close;
    // The next job becomes the running one before this one is reported complete: whoever sees
    // a completion knows the job queued after it is already running (and cancellable as such).
    std::unique_ptr<Job> next;
    if (!closed) {
      std::unique_lock<std::mutex> lock(core->queue_mutex);
      next = TakeNext(core, lock, false);
    } else {
      std::lock_guard<std::mutex> lock(core->queue_mutex);
      core->running = 0;
      core->running_for_handlers.store(0, std::memory_order_relaxed);
    }
    EndReadRunUnless(core, next.get());
    job->in_transaction = core->db != nullptr && core->read_run == 0 && sqlite3_get_autocommit(core->db) == 0;
    Complete(core, std::move(job), next != nullptr);
    if (closed) break;
    if (!next) {
      IdleSpin(core);
      std::unique_lock<std::mutex> lock(core->queue_mutex);
      next = TakeNext(core, lock, true);
    }
    job = std::move(next);
  }
}

// The loop failed outside any job (rule 11): close the connection, then fail the job in flight
// and every queued one — except Close, which completes — and mark the database broken, so that
// flush() fails every later job at once (async_database.cc). Nothing here may throw; if even the
// queue's lock fails, the queued jobs are left to Shutdown, which drops them.
void StopServing(AsyncCore* core, std::unique_ptr<Job> in_flight, const ErrorInfo& error) noexcept {
  if (core->read_run > 0) core->read_run = 0;
  CloseEverything(core);
  auto settle = [core, &error](std::unique_ptr<Job> job) {
    if (job->kind != JobKind::Close) job->FailWithCopy(error);
    Complete(core, std::move(job), false);
  };
  if (in_flight) settle(std::move(in_flight));
  std::deque<std::unique_ptr<Job>> queued;
  try {
    std::lock_guard<std::mutex> lock(core->queue_mutex);
    try {
      core->broken = error;
    } catch (...) {
      core->broken = ErrorInfo::OutOfMemory();
    }
    queued.swap(core->queue);
    core->queued.store(0, std::memory_order_release);
    core->running = 0;
    core->running_for_handlers.store(0, std::memory_order_relaxed);
  } catch (...) {
    return;
  }
  for (std::unique_ptr<Job>& job : queued) settle(std::move(job));
}

}  // namespace

void SignalIfOverdue(AsyncCore* core) {
  if (core->unsignalled && std::chrono::steady_clock::now() - core->unsignalled_since >= kSignalDelay) Signal(core);
}

void InstallConnectionHandlers(AsyncCore* core) {
  sqlite3_progress_handler(core->db, 1000, OnProgress, core);
  sqlite3_busy_handler(core->db, WaitWhileBusy, core);
}

// Hands a finished job to the JS thread. If JS was signalled and has not drained the list yet,
// it will take this job too. Otherwise signal now when nothing else is queued, or once the
// oldest unreported completion is kSignalDelay old (rule 3: one TSFN call settles many jobs).
// Allocates nothing and cannot fail (JobList).
void Complete(AsyncCore* core, std::unique_ptr<Job> job, bool more_queued) {
  bool js_will_drain = false;
  {
    std::lock_guard<std::mutex> lock(core->done_mutex);
    core->done.Append(std::move(job));
    js_will_drain = core->signalled;
  }
  if (js_will_drain) return;
  if (!more_queued) {
    Signal(core);
  } else if (!core->unsignalled) {
    core->unsignalled = true;
    core->unsignalled_since = std::chrono::steady_clock::now();
  } else {
    SignalIfOverdue(core);
  }
}

void SignalUnreported(AsyncCore* core) {
  if (core->unsignalled) Signal(core);
}

bool RequestCancelLocked(AsyncCore* core, uint64_t id) {
  bool running = core->running != 0 && (id == 0 || id == core->running);
  if (id != 0) {
    (running ? core->test_counters.requests_running : core->test_counters.requests_finished)
        .fetch_add(1, std::memory_order_relaxed);
  }
  if (!running) return false;
  core->cancel_id.store(core->running, std::memory_order_relaxed);
  return true;
}

void RunDatabaseThread(AsyncCore* core) noexcept {
  std::unique_ptr<Job> in_flight;
  try {
    ServeJobs(core, in_flight);
  } catch (...) {
    ErrorInfo error = ErrorFromCurrentException();
    StopServing(core, std::move(in_flight), error);
  }
  CloseEverything(core);
}

}  // namespace strand
