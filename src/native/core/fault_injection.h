// Fault injection, for tests only: named points where the test build of the addon fails the way
// the system might (a thread that cannot start, an allocation that fails, an exception in a job),
// so that tests can drive every path of cpp_exceptions.h.
//
//   - Compiled in only with STRAND_FAULT_INJECTION, which binding.gyp defines when configured with
//     -Dstrand_fault_injection=1. test/native/faults.test.mjs builds that variant into a temporary
//     directory (reusing the compiled SQLite) and loads it through SQLITE_STRAND_PREBUILD. In
//     every other build STRAND_FAULT(point) is the constant `false`: production has no hook, not
//     even a dormant one.
//   - Armed by the environment variable STRAND_FAULTS="point=count[@skip],...": after `skip`
//     passes through `point` (default 0), the next `count` passes fail. Read once per process,
//     when the addon is first loaded (or a fault point is first passed). Counters are atomic and
//     process-wide: a scenario runs in a child process of its own.
//   - Points (the name used in STRAND_FAULTS, and what failing there does):
//       thread-start   StartThread: std::system_error (EAGAIN), as pthread_create out of threads
//       row-alloc      OwnedRows::AppendRow (database thread) and CollectRowCells (sync
//                      statements): std::bad_alloc, as a huge all() that no longer fits
//       exec-throw     an Exec job on the database thread: std::runtime_error
//       thread-loop    the database thread's queue, about to take a job (outside any job):
//                      std::system_error, as a failing mutex
//       backup-step    RunBackup, before each sqlite3_backup_step (backup thread or database
//                      thread): std::bad_alloc
//       function-args  converting a user function's arguments, inside SQLite's callback (sync
//                      on the JS thread, async on the database thread): std::bad_alloc
//       deliver        delivering a completed job on the JS thread (the TSFN callback):
//                      std::bad_alloc
#pragma once

namespace strand {

enum class FaultPoint { ThreadStart, RowAlloc, ExecThrow, ThreadLoop, BackupStep, FunctionArgs, Deliver, kCount };

#ifdef STRAND_FAULT_INJECTION
// True when this pass through `point` must fail (and counts it).
bool FaultTriggered(FaultPoint point) noexcept;
// Reads STRAND_FAULTS now (idempotent); the Addon calls it on the JS thread at load.
void LoadFaults() noexcept;
// Instrumentation for the same tests: AsyncCores alive in the process (a core kept alive by a
// TSFN that was never released shows here), reported by the addon's `faultInjection` export.
void CountLiveCore(int delta) noexcept;
long LiveCores() noexcept;
#define STRAND_FAULT(point) (::strand::FaultTriggered(::strand::FaultPoint::point))
#else
inline void CountLiveCore(int) noexcept {}
#define STRAND_FAULT(point) false
#endif

}  // namespace strand
