#include "async/async_database.h"

#include <chrono>
#include <new>

#include "addon.h"
#include "async/job_protocol.h"
#include "core/cpp_exceptions.h"
#include "core/js_strings.h"
#include "core/messages.h"
#include "core/type_tags.h"

namespace strand {

namespace {

// The TSFN's context: the share of the core the channel holds (rule 7), and onCall, the JS
// function user-function calls go to (rule 8; the TSFN's own function is onComplete). Freed by
// FinalizeTsfn, on the JS thread.
struct CompletionChannel {
  std::shared_ptr<AsyncCore> core;
  napi_ref on_call = nullptr;
};

// The TSFN callback: delivers every job completed since the last signal (rule 3). With
// env == nullptr (the env is being torn down) nothing is delivered (rules 5 and 9).
//
// An item with data is a user-function call (rule 8, async_functions.h): the item owns one share
// of the FunctionCall, released here whatever happens (F2, F3).
void CallJs(napi_env env, napi_value on_complete, void* context, void* data) {
  std::unique_ptr<std::shared_ptr<FunctionCall>> call(static_cast<std::shared_ptr<FunctionCall>*>(data));
  // env == nullptr: node is draining the TSFN's queue while deleting it — after FinalizeTsfn has
  // already freed `context` (rule 9). Touch nothing; the jobs are freed with the core.
  if (env == nullptr || on_complete == nullptr) return;
  auto* channel = static_cast<CompletionChannel*>(context);
  if (call) {
    // A share of the core for the whole call: the user's function may run anything, even code
    // that ends in Shutdown (process.exit()).
    std::shared_ptr<AsyncCore> core = channel->core;
    napi_value on_call = nullptr;
    napi_get_reference_value(env, channel->on_call, &on_call);
    DeliverFunctionCall(env, on_call, core.get(), **call);
    return;
  }
  AsyncCore* core = channel->core.get();
  JobList completed;
  try {
    std::lock_guard<std::mutex> lock(core->done_mutex);
    completed.Swap(core->done);
    core->signalled = false;
  } catch (...) {
    return;  // the lock failed (cannot happen in practice): the next signal delivers them
  }
  Addon* addon = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&addon));
  if (addon == nullptr) return;
  while (std::unique_ptr<Job> job = completed.PopFront()) {
    napi_handle_scope scope;
    napi_open_handle_scope(env, &scope);
    try {
      if (STRAND_FAULT(Deliver)) throw std::bad_alloc();
      DeliverJob(env, on_complete, addon, *job);
    } catch (...) {
      DeliverFailure(env, on_complete, *job, ErrorFromCurrentException());
    }
    // onComplete never throws by design; if it did, do not let the next delivery fail with it.
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_fatal_exception(env, exception);
    }
    napi_close_handle_scope(env, scope);
  }
}

// The TSFN is being deleted (after release, or by node at env teardown): make sure the thread
// can no longer call it (rule 7), then drop this context's share of the core.
void FinalizeTsfn(napi_env env, void* data, void* /*hint*/) {
  auto* channel = static_cast<CompletionChannel*>(data);
  AsyncCore* core = channel->core.get();
  core->tsfn_released = true;
  AsyncDatabase::Shutdown(core);
  core->tsfn = nullptr;
  if (channel->on_call != nullptr) napi_delete_reference(env, channel->on_call);
  delete channel;
}

// JS thread: settles `jobs[from..]` with `error` (a Close job completes normally: the connection
// is already closed) through the completion path, as if the database thread had completed them.
// For a broken database, or a flush that failed (rule 11).
void SettleOnJsThread(AsyncCore* core, std::vector<std::unique_ptr<Job>>& jobs, size_t from,
                      const ErrorInfo& error) noexcept {
  bool signal = false;
  try {
    std::lock_guard<std::mutex> lock(core->done_mutex);
    for (size_t i = from; i < jobs.size(); i++) {
      if (!jobs[i]) continue;
      if (jobs[i]->kind != JobKind::Close) jobs[i]->FailWithCopy(error);
      core->done.Append(std::move(jobs[i]));
    }
    signal = !core->signalled && !core->done.empty();
    if (signal) core->signalled = true;
  } catch (...) {
    return;
  }
  if (signal && !core->tsfn_released) napi_call_threadsafe_function(core->tsfn, nullptr, napi_tsfn_nonblocking);
}

}  // namespace

Napi::Function AsyncDatabase::DefineClass(Napi::Env env) {
  return ObjectWrap<AsyncDatabase>::DefineClass(env, "NativeAsyncDatabase",
                                                {
                                                    InstanceMethod<&AsyncDatabase::Add>("add"),
                                                    InstanceMethod<&AsyncDatabase::Flush>("flush"),
                                                    InstanceMethod<&AsyncDatabase::Cancel>("cancel"),
                                                    InstanceMethod<&AsyncDatabase::Interrupt>("interrupt"),
                                                    InstanceMethod<&AsyncDatabase::Ref>("ref"),
                                                    InstanceMethod<&AsyncDatabase::Unref>("unref"),
                                                    InstanceMethod<&AsyncDatabase::Join>("join"),
                                                    // The enums src/ts/async mirrors (async_job.h J3).
                                                    StaticValue("jobKinds", JobKindNumbers(env)),
                                                    StaticValue("callTypes", CallTypeNumbers(env)),
                                                    StaticValue("functionKinds", FunctionKindNumbers(env)),
                                                });
}

// new NativeAsyncDatabase(config, onComplete, onCall): starts the thread; the TypeScript layer then adds
// an Open job. The TSFN starts unref'd: an idle database does not keep the process alive.
AsyncDatabase::AsyncDatabase(const Napi::CallbackInfo& info) : ObjectWrap<AsyncDatabase>(info) {
  try {
    Init(info);
  } catch (...) {
    // Rule 11: an exception (out of memory) leaves nothing running or registered either.
    if (core_) Shutdown(core_.get());
    if (addon_ != nullptr) addon_->Unregister(this);
    addon_ = nullptr;
    ThrowCurrentException(info.Env());
  }
}

void AsyncDatabase::Init(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  DatabaseConfig config;
  if (!ReadDatabaseConfig(env, info, &config)) return;
  if (info.Length() < 2 || !IsType(env, info[1], napi_function)) {
    ThrowInvalidArgType(env, ArgumentMustBe("onComplete", "a function"));
    return;
  }
  if (info.Length() < 3 || !IsType(env, info[2], napi_function)) {
    ThrowInvalidArgType(env, ArgumentMustBe("onCall", "a function"));
    return;
  }
  core_ = std::make_shared<AsyncCore>(std::move(config));
  auto channel = std::make_unique<CompletionChannel>();
  channel->core = core_;
  if (napi_create_reference(env, info[2], 1, &channel->on_call) != napi_ok) {
    ThrowInvalidState(env, kNoCompletionChannel);
    return;
  }
  napi_value name;
  napi_create_string_utf8(env, "sqlite-strand AsyncDatabase", NAPI_AUTO_LENGTH, &name);
  napi_status status = napi_create_threadsafe_function(env, info[1], nullptr, name, 0, 1, channel.get(),
                                                       FinalizeTsfn, channel.get(), CallJs, &core_->tsfn);
  if (status != napi_ok) {
    napi_delete_reference(env, channel->on_call);
    ThrowInvalidState(env, kNoCompletionChannel);
    return;
  }
  channel.release();  // the TSFN's now: FinalizeTsfn frees it
  napi_unref_threadsafe_function(env, core_->tsfn);
  AsyncCore* core = core_.get();
  ErrorInfo error;
  if (!StartThread(&core_->thread, "database", [core] { RunDatabaseThread(core); }, &error)) {
    // Rule 11: leave nothing behind. Shutdown releases the TSFN (its finalizer then drops the
    // channel's share of the core); the database was never registered with the Addon.
    Shutdown(core);
    ThrowError(env, error);
    return;
  }
  TagObject(env, info.This(), NativeClass::AsyncDatabase);  // type_tags.h T1
  napi_get_instance_data(env, reinterpret_cast<void**>(&addon_));
  if (addon_ != nullptr) addon_->Register(this);
}

AsyncDatabase::~AsyncDatabase() {
  if (core_) Shutdown(core_.get());
  if (addon_ != nullptr) addon_->Unregister(this);
}

void AsyncDatabase::DetachFromAddon() {
  if (core_) Shutdown(core_.get());
  addon_ = nullptr;
}

void AsyncDatabase::Shutdown(AsyncCore* core) {
  if (core->shut_down) return;
  core->shut_down = true;
  // First of all, wake a user-function call the thread may be waiting in (rule 8): nothing else
  // here can end while it waits, and the join below would wait for it forever.
  core->aborting = true;
  AbortFunctionCalls(core);
  core->staged.clear();
  {
    // Stop intake and drop queued jobs: they are owned data, freed without settling anything.
    std::lock_guard<std::mutex> lock(core->queue_mutex);
    core->stopping = true;
    core->queue.clear();
    core->queued.store(0, std::memory_order_release);
  }
  core->queue_cv.notify_all();
  // `aborting` (set above) interrupts the running statement (progress handler) and any busy
  // wait (busy handler).
  // The thread finalizes its statements and closes the connection on its way out.
  if (core->thread.joinable()) core->thread.join();
  if (!core->tsfn_released && core->tsfn != nullptr) {
    core->tsfn_released = true;
    napi_release_threadsafe_function(core->tsfn, napi_tsfn_abort);
  }
}

// add(id, kind, trace, ...): stages one job; after the three common arguments come its kind's own
// (job_decoders.cc, async_job.h J4). The SQL parameters are read and converted here, on the JS
// thread; one that cannot be bound fails the job on the database thread, in node's order
// (bind.h). Throws (synchronously) only when reading them threw (a getter), for arguments that
// are not what the kind expects, or with the coded error of cpp_exceptions.h if the job cannot be
// built (copying a huge parameter); the TypeScript layer turns that into a rejection.
Napi::Value AsyncDatabase::Add(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!core_ || core_->shut_down || info.Length() < kCommonAddArguments) {
    ThrowInvalidState(env, kDatabaseNotOpen);
    return Napi::Value();
  }
  try {
    StageJob(env, info);
  } catch (...) {
    ThrowCurrentException(env);
  }
  return Napi::Value();
}

void AsyncDatabase::StageJob(napi_env env, const Napi::CallbackInfo& info) {
  auto job = std::make_unique<Job>();
  if (!DecodeJob(env, info, job.get())) return;
  if (job->trace && addon_ != nullptr) addon_->async_traced_jobs++;
  core_->staged.push_back(std::move(job));
}

// Moves every staged job to the database thread: one lock, one wake-up (rule 3). A broken
// database (rule 11) settles them at once with its error instead, and so does a flush that
// fails part-way (the queue could not grow): no staged job is ever dropped unsettled.
Napi::Value AsyncDatabase::Flush(const Napi::CallbackInfo& info) {
  if (!core_ || core_->staged.empty()) return Napi::Value();
  std::vector<std::unique_ptr<Job>>& staged = core_->staged;
  size_t moved = 0;
  std::optional<ErrorInfo> failure;
  try {
    std::lock_guard<std::mutex> lock(core_->queue_mutex);
    if (core_->broken) {
      failure = *core_->broken;
    } else {
      try {
        for (; moved < staged.size(); moved++) core_->queue.push_back(std::move(staged[moved]));
      } catch (...) {
        failure = ErrorFromCurrentException();  // the jobs not moved are settled below
      }
      core_->queued.store(core_->queue.size(), std::memory_order_release);
    }
  } catch (...) {
    failure = ErrorFromCurrentException();
  }
  if (failure) SettleOnJsThread(core_.get(), staged, moved, *failure);
  staged.clear();
  if (moved > 0) core_->queue_cv.notify_one();
  return Napi::Value();
}

// cancel(id) → 'removed' (it had not started: it will never run or complete), 'interrupted'
// (it is running: it will complete with SQLITE_INTERRUPT unless it finishes first), or 'none'
// (already finished, or unknown).
Napi::Value AsyncDatabase::Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!core_ || info.Length() < 1) return Napi::String::New(env, "none");
  uint64_t id = static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue());
  auto matches = [id](const std::unique_ptr<Job>& job) { return job->id == id; };
  for (auto it = core_->staged.begin(); it != core_->staged.end(); ++it) {
    if (matches(*it)) {
      core_->staged.erase(it);
      return Napi::String::New(env, "removed");
    }
  }
  std::lock_guard<std::mutex> lock(core_->queue_mutex);
  for (auto it = core_->queue.begin(); it != core_->queue.end(); ++it) {
    if (matches(*it)) {
      core_->queue.erase(it);
      core_->queued.store(core_->queue.size(), std::memory_order_release);
      return Napi::String::New(env, "removed");
    }
  }
  return Napi::String::New(env, RequestCancelLocked(core_.get(), id) ? "interrupted" : "none");
}

// interrupt(): cancels whatever statement runs now, and only that one.
Napi::Value AsyncDatabase::Interrupt(const Napi::CallbackInfo& info) {
  if (!core_) return Napi::Value();
  std::lock_guard<std::mutex> lock(core_->queue_mutex);
  RequestCancelLocked(core_.get(), 0);
  return Napi::Value();
}

Napi::Value AsyncDatabase::Ref(const Napi::CallbackInfo& info) {
  if (core_ && !core_->tsfn_released) napi_ref_threadsafe_function(info.Env(), core_->tsfn);
  return Napi::Value();
}

Napi::Value AsyncDatabase::Unref(const Napi::CallbackInfo& info) {
  if (core_ && !core_->tsfn_released) napi_unref_threadsafe_function(info.Env(), core_->tsfn);
  return Napi::Value();
}

// join(): after the Close job completed — the thread has ended or is ending; release everything.
Napi::Value AsyncDatabase::Join(const Napi::CallbackInfo& info) {
  if (core_) Shutdown(core_.get());
  return Napi::Value();
}

}  // namespace strand
