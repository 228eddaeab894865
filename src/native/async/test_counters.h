// Counters of what happened on an AsyncDatabase's thread, for tests only: a test cannot
// otherwise tell whether an abort reached the database thread at all, whether a stale cancel
// (one whose job had already finished) was seen and ignored while the next job ran, or whether
// a job really waited for a lock before it ran. Read through the module's
// testCounters() (addon.cc): per env, summed over its AsyncDatabases, those already destroyed
// included (the Addon keeps their totals), so a garbage-collected database does not take its
// counts away in the middle of a test.
//
// Cost: nothing on the hot path of a job that nobody cancels and that finds no lock. Each
// counter is a relaxed increment on a path that exists only after a cancel() — the JS thread's
// cancel request, or the database thread's stop check (progress handler, busy handler, before a
// user function call) while an older job's cancel is still recorded — or in the busy handler.
// Each counter has a single writer thread.
#pragma once
#include <atomic>
#include <cstdint>

namespace strand {

struct TestCounters {
  // JS thread: cancel(id) of a job that was neither staged nor queued found it running
  // (cancel_id set: it will be stopped at its next check, unless it finishes first)...
  std::atomic<uint64_t> requests_running{0};
  // ...or found it no longer running: it had just finished on the database thread, its
  // completion not yet delivered. Nothing is recorded; the next job cannot be touched.
  std::atomic<uint64_t> requests_finished{0};
  // Database thread: a stop check saw the cancel of another job — one that finished after its
  // cancel was requested — and let the running job go on.
  std::atomic<uint64_t> stale_checks{0};
  // Database thread: a stop check found the running job cancelled (SQLite may check a stopped
  // statement more than once, so this counts checks, not jobs).
  std::atomic<uint64_t> stop_checks{0};
  // Database thread: calls of the busy handler (a job waiting for another connection's lock).
  std::atomic<uint64_t> busy_waits{0};
  // Database thread, when its queue runs empty (scheduler.cc IdleSpin): spins begun, spins that
  // saw a job arrive, and sleeps on the queue's condition variable (each of which costs the
  // next flush() a futex wake-up). A relaxed increment per idle moment, not per job.
  std::atomic<uint64_t> idle_spins{0};
  std::atomic<uint64_t> spin_hits{0};
  std::atomic<uint64_t> sleeps{0};
};

// Plain totals of TestCounters, for summing (JS thread).
struct TestCounterTotals {
  uint64_t requests_running = 0;
  uint64_t requests_finished = 0;
  uint64_t stale_checks = 0;
  uint64_t stop_checks = 0;
  uint64_t busy_waits = 0;
  uint64_t idle_spins = 0;
  uint64_t spin_hits = 0;
  uint64_t sleeps = 0;

  void Add(const TestCounters& c) {
    requests_running += c.requests_running.load(std::memory_order_relaxed);
    requests_finished += c.requests_finished.load(std::memory_order_relaxed);
    stale_checks += c.stale_checks.load(std::memory_order_relaxed);
    stop_checks += c.stop_checks.load(std::memory_order_relaxed);
    busy_waits += c.busy_waits.load(std::memory_order_relaxed);
    idle_spins += c.idle_spins.load(std::memory_order_relaxed);
    spin_hits += c.spin_hits.load(std::memory_order_relaxed);
    sleeps += c.sleeps.load(std::memory_order_relaxed);
  }
};

}  // namespace strand
