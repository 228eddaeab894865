// User-defined SQL functions and aggregates of an AsyncDatabase (db.function(), db.aggregate()).
// SQLite calls them on the database thread; the JS callbacks run on the JS thread. Each call is
// one blocking round trip: the database thread copies the arguments into owned SqlValues, hands a
// FunctionCall to the JS thread through the database's ThreadSafeFunction and waits; the TSFN
// callback converts the arguments, calls into the TypeScript FunctionTable (async-functions.ts),
// converts the result back to an owned SqlValue and wakes the database thread, which sets the
// SQLite result.
//
// RULES (docs/ARCHITECTURE.md rule 8; each one is relied on below and in async_database.cc):
//  F1. The database thread never touches N-API (invariant 1): a FunctionCall holds only owned
//      data. JS values — the callbacks, the aggregate accumulators, the errors they throw — live
//      on the JS side only, in the FunctionTable, keyed by function id, group id and call id.
//  F2. Ownership: a FunctionCall is a shared_ptr held by the waiting database thread AND by the
//      queued TSFN item (a heap-allocated shared_ptr passed as the item's data). Whichever side
//      finishes last frees it, so neither side can touch freed memory: the database thread may
//      stop waiting (teardown) while the item is still queued, and the item may be delivered
//      (or drained with env == nullptr) after the thread stopped waiting.
//  F3. A TSFN item delivered with env == nullptr (node draining the queue while deleting the
//      TSFN, after the finalizer freed the context — async_database.h rule 9) only deletes its
//      own shared_ptr: it touches neither the context nor the core.
//  F4. Teardown wakes every waiter before joining: Shutdown (async_database.cc) sets
//      `calls_aborted` under `call_mutex` and notifies `call_cv` BEFORE it joins the thread. A
//      waiting call then returns "not delivered" and fails with SQLITE_INTERRUPT; every later
//      call fails the same way without crossing. The wait predicate reads `calls_aborted` under
//      the same mutex, so the wake-up cannot be lost. This covers close() from GC, env teardown,
//      worker.terminate() (the JS thread never runs the queued item) and process.exit().
//  F5. The JS thread never blocks on the database thread except in Shutdown's join (F4 wakes the
//      thread first) and for the short, call-free critical sections of queue_mutex/done_mutex.
//      The database thread holds no lock while it waits for JS. So a JS function may call
//      anything on its database: db.get() only stages a job (it runs after the current one),
//      close() queues a Close job, interrupt() and an AbortSignal set `cancel_id`, which the
//      progress handler and every function call (before it crosses) check.
//  F6. Calls happen only while a job runs (registration, statements, iteration, Close finalizing
//      statements), and the engine keeps the TSFN ref'd while any job is outstanding, so a
//      pending call is always delivered. The only call outside a job would be finalization at
//      thread exit after Shutdown — which F4 has already aborted.
//  F7. A JS callback that throws: the FunctionTable keeps the thrown value under the call's id
//      and the statement fails with an SQLite error whose message names that id
//      (ThrownMessage). When the job fails with that error — whichever path it took (exec,
//      run/get/all, an iteration's deferred error) — the database thread reads the id back
//      (ThrownCallId) into Job::thrown_call, and the engine rejects with the thrown value
//      itself instead, unchanged (identity kept — a thrown non-Error too). JS never parses a
//      message.
//  F8. Accumulators: SQLite's aggregate context holds a group id (assigned here, never reused);
//      the accumulator lives in the FunctionTable under it. xFinal always crosses (Final, or
//      Discard when the job's statement already failed in JS or was cancelled), so groups
//      abandoned by errors are freed too. Only teardown (F4) skips it, and then the table dies
//      with its database.
//  F9. Replacing a function frees the old one's JS side: xDestroy (database thread) records the
//      id, the registration job reports it (FunctionJob::replaced), and the JS side drops it.
//  F10. No C++ exception crosses SQLite or node (cpp_exceptions.h E1): every SQLite callback
//      here runs inside GuardSqliteFunction (an exception — std::bad_alloc copying the
//      arguments — fails the statement with SQLite's "out of memory"), xDestroy inside
//      GuardWithFallback, and DeliverFunctionCall catches everything and still wakes the waiting
//      database thread (a call that never answers would hang it until teardown).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "napi_config.h"
#include "core/sql_value.h"

namespace strand {

struct AsyncCore;
struct Job;
struct FunctionJob;

// Must match CallType in src/ts/async/async-functions.ts (NativeAsyncDatabase.callTypes is made
// from this list, and a test compares the two).
//   Scalar:   fn(...args) → result
//   Step:     accumulator = step(accumulator, ...args)
//   Inverse:  accumulator = inverse(accumulator, ...args)
//   Value:    result(accumulator), the accumulator kept (window functions)
//   Final:    result(accumulator), the accumulator freed
//   Discard:  free the accumulator, call nothing
//   Filter, Conflict: applyChangeset's callbacks (async_sessions.h): `function` is the
//     FunctionTable entry that holds them; the answer is a number (filter(tableName): 1 keep /
//     0 skip; onConflict(conflictType): SQLite's answer).
#define STRAND_CALL_TYPES(X) \
  X(Scalar, 1) X(Step, 2) X(Inverse, 3) X(Value, 4) X(Final, 5) X(Discard, 6) X(Filter, 7) X(Conflict, 8)
enum class CallType : uint8_t {
#define STRAND_CALL_TYPE_ENUMERATOR(name, value) name = value,
  STRAND_CALL_TYPES(STRAND_CALL_TYPE_ENUMERATOR)
#undef STRAND_CALL_TYPE_ENUMERATOR
};

struct FunctionCall {
  // In: set by the database thread before the call crosses.
  uint64_t id = 0;  // never reused; names a thrown error (F7)
  CallType type = CallType::Scalar;
  uint32_t function = 0;
  uint64_t group = 0;  // aggregates: 0 when SQLite made no context (no row was stepped)
  bool use_bigint = false;
  std::vector<SqlValue> args;

  // Out: set by the JS thread; `done` guarded by AsyncCore::call_mutex.
  // OutOfMemory: the JS thread could not make or read the call (cpp_exceptions.h E2).
  enum class Outcome : uint8_t { Value, Threw, Failed, OutOfMemory };
  Outcome outcome = Outcome::Failed;
  SqlValue result;
  std::string error = "User-defined function could not be called";  // Failed: the SQLite message
  bool done = false;
};

// Database thread: the blocking round trip of one call (F2, F4). False when the call could not
// be made or its answer will never come (teardown): the caller fails what it was doing. Also used
// by applyChangeset's callbacks (async_sessions.cc), so that every JS callback of the database
// thread crosses the same way and Shutdown's wake-up covers them all.
bool RoundTrip(AsyncCore* core, const std::shared_ptr<FunctionCall>& call);

// The message of the SQLite error that stands for the value call `call_id` threw (F7): the only
// way the call's id can travel through SQLite's error path.
std::string ThrownMessage(uint64_t call_id);
// The call id in a message ThrownMessage made; 0 for any other message. Read on the database
// thread when a job fails, so that the id reaches JS as Job::thrown_call (F7).
uint64_t ThrownCallId(const std::string& message) noexcept;

// Database thread: runs a registration job (JobKind::Function).
void RegisterAsyncFunction(AsyncCore* core, Job& job, FunctionJob& registration);

// JS thread, in the TSFN callback with a live env: runs `call` through `on_call` (the engine's
// onCall(callId, type, functionId, groupId, args), async_database.h rule 8) and wakes the
// database thread. Never throws.
void DeliverFunctionCall(napi_env env, napi_value on_call, AsyncCore* core, FunctionCall& call);

// JS thread, teardown (F4): wakes a waiting call and makes all later ones fail at once.
void AbortFunctionCalls(AsyncCore* core);

}  // namespace strand
