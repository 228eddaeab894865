#include "async/async_database.h"

#include <chrono>
#include <cstring>
#include <new>

#include "addon.h"
#include "core/cpp_exceptions.h"
#include "core/js_strings.h"
#include "core/type_tags.h"

namespace strand {

namespace {

// --- JS thread: delivering completed jobs -----------------------------------------------------

napi_value Undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

napi_value ColumnNames(napi_env env, const Job& job) {
  if (!job.has_column_names) return Undefined(env);
  napi_value names;
  napi_create_array_with_length(env, job.column_names.size(), &names);
  for (size_t i = 0; i < job.column_names.size(); i++) {
    napi_value name;
    napi_create_string_utf8(env, job.column_names[i].data(), job.column_names[i].size(), &name);
    napi_set_element(env, names, static_cast<uint32_t>(i), name);
  }
  return names;
}

// The statements a traced job ran (async_database.h rule 12), flat: [sql, nanoseconds, ...];
// undefined when it ran none (or was not traced).
napi_value TracedQueries(napi_env env, const Job& job) {
  if (job.queries.empty()) return Undefined(env);
  napi_value flat;
  napi_create_array_with_length(env, job.queries.size() * 2, &flat);
  uint32_t i = 0;
  for (const TracedQuery& query : job.queries) {
    napi_value sql, duration;
    napi_create_string_utf8(env, query.sql.data(), query.sql.size(), &sql);
    napi_create_double(env, static_cast<double>(query.nanoseconds), &duration);
    napi_set_element(env, flat, i++, sql);
    napi_set_element(env, flat, i++, duration);
  }
  return flat;
}

// Calls onComplete(id, error, a, b, c, queries, inTransaction) for one job; `queries` is
// TracedQueries (any kind, failed jobs too), inTransaction is Job::in_transaction. The meaning of
// a/b/c depends on the kind:
//   Run:               changes, lastInsertRowid (numbers, or bigints when readBigInts is on)
//   Get/All/IterOpen/IterNext: boxed values (rows are in the scratch), column names or
//                      undefined, done (iterations only)
//   Prepare:           column names, parameter count, the source SQL as SQLite keeps it
//   Columns:           [column, database, name, table, type] × columns, flat
//   Backup:            page count
//   Function:          the id of the function it replaced (0: none)
//   ApplyChangeset:    1 applied, 0 aborted by a conflict
//   BackupProgress:    (id negated: not a completion) totalPages, remainingPages
//   Serialize, SessionChangeset, SessionPatchset: the bytes, a Uint8Array
//   Exec/others:       nothing
void DeliverJob(napi_env env, napi_value callback, Addon* addon, Job& job) {
  napi_value argv[7];
  double id = static_cast<double>(job.id);
  napi_create_double(env, job.kind == JobKind::BackupProgress ? -id : id, &argv[0]);
  argv[1] = Undefined(env);
  argv[2] = Undefined(env);
  argv[3] = Undefined(env);
  argv[4] = Undefined(env);
  argv[5] = TracedQueries(env, job);
  napi_get_boolean(env, job.in_transaction, &argv[6]);
  if (!job.ok) {
    argv[1] = MakeError(env, job.error);
  } else {
    switch (job.kind) {
      case JobKind::Run:
        if (job.read_bigints) {
          napi_create_bigint_int64(env, job.changes, &argv[2]);
          napi_create_bigint_int64(env, job.last_insert_rowid, &argv[3]);
        } else {
          napi_create_double(env, static_cast<double>(job.changes), &argv[2]);
          napi_create_double(env, static_cast<double>(job.last_insert_rowid), &argv[3]);
        }
        break;
      case JobKind::Get:
      case JobKind::All:
      case JobKind::IterOpen:
      case JobKind::IterNext: {
        napi_value boxed = job.rows.Publish(env, addon->scratch, job.columns, job.has_column_names);
        if (boxed == nullptr) {
          // Could not publish (out of memory): report it as this job's error.
          napi_value exception;
          napi_get_and_clear_last_exception(env, &exception);
          argv[1] = exception;
          break;
        }
        argv[2] = boxed;
        argv[3] = ColumnNames(env, job);
        napi_get_boolean(env, job.done, &argv[4]);
        break;
      }
      case JobKind::Backup:
      case JobKind::Function:
      case JobKind::ApplyChangeset:
        napi_create_double(env, static_cast<double>(job.changes), &argv[2]);
        break;
      case JobKind::BackupProgress:
        napi_create_double(env, static_cast<double>(job.changes), &argv[2]);
        napi_create_double(env, static_cast<double>(job.last_insert_rowid), &argv[3]);
        break;
      case JobKind::Prepare:
        argv[2] = ColumnNames(env, job);
        napi_create_uint32(env, job.parameters, &argv[3]);
        napi_create_string_utf8(env, job.source_sql.data(), job.source_sql.size(), &argv[4]);
        break;
      case JobKind::Columns: {
        napi_value flat;
        napi_create_array_with_length(env, job.column_metadata.size(), &flat);
        for (size_t i = 0; i < job.column_metadata.size(); i++) {
          napi_value value;
          const auto& entry = job.column_metadata[i];
          if (entry) napi_create_string_utf8(env, entry->data(), entry->size(), &value);
          else napi_get_null(env, &value);
          napi_set_element(env, flat, static_cast<uint32_t>(i), value);
        }
        argv[2] = flat;
        break;
      }
      case JobKind::Serialize:
      case JobKind::SessionChangeset:
      case JobKind::SessionPatchset: {
        // Copied into a fresh ArrayBuffer; job.bytes is freed with the job.
        void* data = nullptr;
        napi_value buffer;
        size_t size = static_cast<size_t>(job.bytes_size);
        if (napi_create_arraybuffer(env, size, &data, &buffer) == napi_ok) {
          if (size > 0) std::memcpy(data, job.bytes.get(), size);
          napi_create_typedarray(env, napi_uint8_array, size, buffer, 0, &argv[2]);
        }
        bool pending = false;
        napi_is_exception_pending(env, &pending);
        if (pending) napi_get_and_clear_last_exception(env, &argv[1]);
        break;
      }
      default:
        break;
    }
  }
  napi_value recv = Undefined(env);
  napi_call_function(env, recv, callback, 7, argv, nullptr);
}

// Settles a job that DeliverJob could not deliver (it threw: rule 11) with `error` instead.
void DeliverFailure(napi_env env, napi_value callback, const Job& job, const ErrorInfo& error) noexcept {
  if (job.kind == JobKind::BackupProgress) return;  // a report, not a completion: nothing waits on it
  napi_value argv[5];
  napi_create_double(env, static_cast<double>(job.id), &argv[0]);
  argv[1] = MakeError(env, error);
  if (argv[1] == nullptr) argv[1] = Undefined(env);
  argv[2] = argv[3] = argv[4] = Undefined(env);
  napi_call_function(env, Undefined(env), callback, 5, argv, nullptr);
}

// The TSFN callback: delivers every job completed since the last signal (rule 3). With
// env == nullptr (the env is being torn down) nothing is delivered (rules 5 and 9).
//
// An item with data is a user-function call (rule 8, async_functions.h): the item owns one share
// of the FunctionCall, released here whatever happens (F2, F3).
void CallJs(napi_env env, napi_value callback, void* context, void* data) {
  std::unique_ptr<std::shared_ptr<FunctionCall>> call(static_cast<std::shared_ptr<FunctionCall>*>(data));
  // env == nullptr: node is draining the TSFN's queue while deleting it — after FinalizeTsfn has
  // already freed `context` (rule 9). Touch nothing; the jobs are freed with the core.
  if (env == nullptr || callback == nullptr) return;
  if (call) {
    // A share of the core for the whole call: the user's function may run anything, even code
    // that ends in Shutdown (process.exit()).
    std::shared_ptr<AsyncCore> core = *static_cast<std::shared_ptr<AsyncCore>*>(context);
    DeliverFunctionCall(env, callback, core.get(), **call);
    return;
  }
  auto* core = static_cast<std::shared_ptr<AsyncCore>*>(context)->get();
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
      DeliverJob(env, callback, addon, *job);
    } catch (...) {
      DeliverFailure(env, callback, *job, ErrorFromCurrentException());
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
void FinalizeTsfn(napi_env /*env*/, void* data, void* /*hint*/) {
  auto* holder = static_cast<std::shared_ptr<AsyncCore>*>(data);
  AsyncCore* core = holder->get();
  core->tsfn_released = true;
  AsyncDatabase::Shutdown(core);
  core->tsfn = nullptr;
  delete holder;
}

uint32_t ReadUint32(napi_env env, napi_value value) {
  uint32_t v = 0;
  napi_get_value_uint32(env, value, &v);
  return v;
}

bool ReadBoolValue(napi_env env, napi_value value) {
  bool v = false;
  napi_get_value_bool(env, value, &v);
  return v;
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
                                                });
}

// new NativeAsyncDatabase(config, onComplete): starts the thread; the TypeScript layer then adds
// an Open job. The TSFN starts unref'd: an idle database does not keep the process alive.
AsyncDatabase::AsyncDatabase(const Napi::CallbackInfo& info) : ObjectWrap<AsyncDatabase>(info) {
  try {
    Init(info);
  } catch (...) {
    // Rule 10: an exception (out of memory) leaves nothing running or registered either.
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
    ThrowInvalidArgType(env, "The \"onComplete\" argument must be a function.");
    return;
  }
  core_ = std::make_shared<AsyncCore>(std::move(config));
  auto* holder = new std::shared_ptr<AsyncCore>(core_);
  napi_value name;
  napi_create_string_utf8(env, "sqlite-strand AsyncDatabase", NAPI_AUTO_LENGTH, &name);
  napi_status status = napi_create_threadsafe_function(env, info[1], nullptr, name, 0, 1, holder, FinalizeTsfn,
                                                       holder, CallJs, &core_->tsfn);
  if (status != napi_ok) {
    delete holder;
    ThrowCodedError(env, ErrorKind::Error, "ERR_INVALID_STATE", "could not create the completion channel");
    return;
  }
  napi_unref_threadsafe_function(env, core_->tsfn);
  AsyncCore* core = core_.get();
  ErrorInfo error;
  if (!StartThread(&core_->thread, "database", [core] { RunDatabaseThread(core); }, &error)) {
    // Rule 10: leave nothing behind. Shutdown releases the TSFN (its finalizer then drops the
    // holder's share of the core); the database was never registered with the Addon.
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

// add(id, kind, statement, cursor, sql, readBigInts, allowBare, allowUnknown, batchRows,
//     batchBytes, trace, ...params): stages one job. The parameters are read and converted
// here, on the JS thread; one that cannot be bound fails the job on the database thread, in node's
// order (bind.h). Throws (synchronously) only when reading them threw (a getter), for a job whose
// arguments are not SQL parameters, or with the coded error of cpp_exceptions.h if the job cannot
// be built (copying a huge parameter); the TypeScript layer turns that into a rejection.
// add()'s arguments before the parameters.
constexpr size_t kFixedAddArguments = 11;

Napi::Value AsyncDatabase::Add(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!core_ || core_->shut_down || info.Length() < kFixedAddArguments) {
    ThrowInvalidState(env, "database is not open");
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
  constexpr size_t kFixed = kFixedAddArguments;
  auto job = std::make_unique<Job>();
  double id = 0;
  napi_get_value_double(env, info[0], &id);
  job->id = static_cast<uint64_t>(id);
  job->kind = static_cast<JobKind>(ReadUint32(env, info[1]));
  job->statement = ReadUint32(env, info[2]);
  job->cursor = ReadUint32(env, info[3]);
  if (IsString(env, info[4])) job->sql = ReadUtf8(env, info[4]);
  job->read_bigints = ReadBoolValue(env, info[5]);
  job->bind.allow_bare_named = ReadBoolValue(env, info[6]);
  job->bind.allow_unknown_named = ReadBoolValue(env, info[7]);
  job->batch_rows = ReadUint32(env, info[8]);
  job->batch_bytes = ReadUint32(env, info[9]);
  job->trace = ReadBoolValue(env, info[10]);
  size_t count = info.Length() - kFixed;
  if (count > 0) {
    std::vector<napi_value> params(count);
    for (size_t i = 0; i < count; i++) params[i] = info[kFixed + i];
    if (!ReadSqlParams(env, params.data(), count, job->bind, &job->params)) return;
  }
  bool binds = job->kind == JobKind::Run || job->kind == JobKind::Get || job->kind == JobKind::All ||
               job->kind == JobKind::IterOpen;
  if (!binds && job->params.HasFailure()) {
    ThrowError(env, FirstConversionError(job->params));
    return;
  }
  if (job->kind == JobKind::Backup) {
    // Backup: params are [source schema, target schema], batchRows the rate, readBigInts whether
    // to report progress.
    if (job->params.positional.size() >= 2) {
      job->backup_source = job->params.positional[0].bytes;
      job->backup_target = job->params.positional[1].bytes;
    }
    job->backup_rate = static_cast<int>(job->batch_rows);
    job->backup_progress = job->read_bigints;
    job->params = SqlParams();
  } else if (job->kind == JobKind::BackupProgress) {
    ThrowInvalidState(env, "not a job");
    return;
  }
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
