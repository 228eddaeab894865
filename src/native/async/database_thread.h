// The two halves of an AsyncDatabase's database thread, and what each needs of the other:
//  - scheduler.cc: the loop — taking jobs off the queue, read runs, the idle spin, and handing
//    completions back with coalesced signals (async_database.h rules 2, 3, 10, 11);
//  - jobs.cc: running one job — a handler per kind, each reading only its own payload
//    (async_job.h J1).
// Database thread only; no N-API here (async_database.h rule 1).
#pragma once
#include <memory>

#include "async/async_database.h"

namespace strand {

// jobs.cc. Runs one job; an exception fails it alone, after undoing what it had half done
// (rule 11, cpp_exceptions.h E5).
void ExecuteGuarded(AsyncCore* core, Job& job) noexcept;
// jobs.cc. Deletes the sessions, finalizes every statement and closes the connection.
void CloseEverything(AsyncCore* core);

// scheduler.cc. Hands a finished job to the JS thread (rule 3); allocates nothing.
void Complete(AsyncCore* core, std::unique_ptr<Job> job, bool more_queued);
// scheduler.cc. Signals the completions waiting for JS once the oldest is overdue (rule 3).
void SignalIfOverdue(AsyncCore* core);
// scheduler.cc. Installs the progress handler (cancellation, overdue signals) and the busy
// handler (the timeout, woken by cancellation) on the connection just opened.
void InstallConnectionHandlers(AsyncCore* core);

}  // namespace strand
