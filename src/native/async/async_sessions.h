// Sessions and applyChangeset of an AsyncDatabase, run on its database thread (no N-API here:
// async_database.h rule 1).
//
// RULES:
//  S1. A session (sqlite3_session) lives in AsyncCore::sessions under an id chosen by JS, like
//      prepared statements; only the database thread touches it. Jobs name it by id; an unknown
//      id is a closed session ("session is not open").
//  S2. SQLite requires every session of a connection to be deleted before the connection closes:
//      DeleteAllSessions runs first in CloseEverything (the Close job, and the thread's exit on
//      teardown — Shutdown, env cleanup, worker.terminate()). A session dropped by JS without
//      close() is deleted by a SessionClose job its FinalizationRegistry queues.
//  S3. Changesets/patchsets leave as the sqlite3_malloc'd copy SQLite made (BytesOutcome in the
//      job, freed with it on whichever thread drops it); the JS thread copies it into a Uint8Array.
//  S4. applyChangeset's filter/onConflict run on the JS thread through the user functions'
//      blocking round trip (async_functions.h: RoundTrip, rules F2–F7) — one mechanism, so
//      Shutdown's AbortFunctionCalls wakes an apply waiting in a callback exactly as it wakes a
//      waiting SQL function (F4). A call that cannot be made (teardown) or a cancelled job stops
//      the apply (filter: skip, onConflict: ABORT) and the job fails with SQLITE_INTERRUPT.
//  S5. A callback that throws: the FunctionTable keeps the value under the call id (F7); later
//      filters answer "skip" and later conflicts ABORT without crossing again (node's sync
//      behaviour), and the job fails with ThrownMessage(id) and Job::thrown_call = id, for which
//      the engine rejects with the thrown value itself.
//  S6. The apply's result like node's: true on SQLITE_OK, false on SQLITE_ABORT, otherwise a bare
//      result-code error (ErrorInfo::ResultCode). The callbacks' answers are computed in JS
//      (FunctionTable): filter → 1/0 (ToBoolean), onConflict → its value when an int32, else -1.
#pragma once

namespace strand {

struct AsyncCore;
struct Job;
struct SessionCreateJob;
struct SessionDiffJob;
struct SessionCloseJob;
struct ApplyChangesetJob;

// The handlers of the session jobs (async_job.h J1).
void CreateSession(AsyncCore* core, Job& job, const SessionCreateJob& create);
// SessionChangeset (`patchset` false) or SessionPatchset.
void DiffSession(AsyncCore* core, Job& job, SessionDiffJob& diff, bool patchset);
// Deletes the session; nothing if it is gone.
void CloseSession(AsyncCore* core, const SessionCloseJob& close);
void ApplyChangeset(AsyncCore* core, Job& job, ApplyChangesetJob& apply);
// S2: deletes every session (before the connection closes).
void DeleteAllSessions(AsyncCore* core);

}  // namespace strand
