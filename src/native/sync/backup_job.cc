#include "sync/backup_job.h"

#include <cstring>

#include "addon.h"
#include "core/cpp_exceptions.h"
#include "sync/database_sync.h"
#include "core/js_strings.h"
#include "core/type_tags.h"

namespace strand {

namespace {

// The `data` of a TSFN call says which report it is.
void* const kProgress = reinterpret_cast<void*>(uintptr_t{1});
void* const kResult = reinterpret_cast<void*>(uintptr_t{2});

// The page count of `schema` (JS thread, on the source connection); -1 if it cannot be read.
int PageCount(sqlite3* db, const std::string& schema) {
  std::string quoted = "\"";
  for (char c : schema) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  std::string sql = "PRAGMA " + quoted + "\".page_count";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return -1;
  int count = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  return count;
}

}  // namespace

napi_value BackupJob::Start(napi_env env, napi_callback_info info) {
  // A raw N-API callback: nothing may escape it (rule 7).
  try {
    StartGuarded(env, info);
  } catch (...) {
    ThrowCurrentException(env);
  }
  return nullptr;
}

void BackupJob::StartGuarded(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return;
  DatabaseSync* database = nullptr;
  // Owned until the thread starts; unique_ptr so every early return frees it (and the image).
  std::unique_ptr<BackupJob> job = ReadArguments(env, argc, argv, &database);
  if (!job) return;
  job->ResolveSource(database);
  Launch(env, std::move(job), database, argv[5]);
}

std::unique_ptr<BackupJob> BackupJob::ReadArguments(napi_env env, size_t argc, napi_value* argv,
                                                    DatabaseSync** database) {
  // Only a DatabaseSync of this very addon and env (type_tags.h T2): any other wrapped object —
  // a statement, a session, another copy's database — would be a wrong cast.
  *database = argc < 7 ? nullptr : UnwrapTaggedAs<DatabaseSync>(env, argv[0], NativeClass::Database);
  if (*database == nullptr) {
    ThrowInvalidArgType(env, ArgumentMustBe("sourceDb", "an object"));
    return nullptr;
  }
  if ((*database)->handle() == nullptr) {
    ThrowInvalidState(env, kDatabaseNotOpen);
    return nullptr;
  }
  std::unique_ptr<BackupJob> job(new BackupJob());
  int32_t rate = 100;
  bool has_progress = false;
  if (!ReadUtf8(env, argv[1], &job->spec_.path) || napi_get_value_int32(env, argv[2], &rate) != napi_ok ||
      !ReadUtf8(env, argv[3], &job->source_name_) || !ReadUtf8(env, argv[4], &job->spec_.target) ||
      napi_get_value_bool(env, argv[6], &has_progress) != napi_ok) {
    ThrowInvalidArgType(env, "invalid backup arguments");
    return nullptr;
  }
  job->spec_.rate = rate;
  job->has_progress_ = has_progress;
  job->source_timeout_ = (*database)->config().timeout;
  return job;
}

// On the JS thread — the only one allowed to use the source connection (rule 1).
void BackupJob::ResolveSource(DatabaseSync* database) {
  sqlite3* db = database->handle();
  const char* schema = source_name_.c_str();
  const char* filename = sqlite3_db_filename(db, schema);
  sqlite3_vfs* vfs = nullptr;
  if (filename != nullptr) sqlite3_file_control(db, schema, SQLITE_FCNTL_VFS_POINTER, &vfs);
  bool memdb = vfs != nullptr && vfs->zName != nullptr && std::strcmp(vfs->zName, "memdb") == 0;
  // 'temp' always exists for sqlite3_backup_init (it opens it on demand), though it has no file
  // name until something is created in it.
  bool unopened_temp = filename == nullptr && sqlite3_stricmp(schema, "temp") == 0;
  if (filename == nullptr && !unopened_temp) {
    problem_ = SourceProblem::UnknownSchema;
  } else if (!unopened_temp && sqlite3_txn_state(db, schema) == SQLITE_TXN_WRITE) {
    problem_ = SourceProblem::WriteTransaction;
  } else if (!unopened_temp && filename[0] != '\0' && !memdb) {
    source_kind_ = SourceKind::File;
    source_file_ = filename;
    if (vfs != nullptr && vfs->zName != nullptr) source_vfs_ = vfs->zName;
  } else {
    source_kind_ = SourceKind::Memory;
    if (!unopened_temp) TakeImage(database);
  }
}

// An in-memory source is copied now (sqlite3_serialize); image_ stays empty when it has no pages.
void BackupJob::TakeImage(DatabaseSync* database) {
  sqlite3* db = database->handle();
  sqlite3_int64 size = 0;
  // The page count and sqlite3_serialize run statements on the source connection; node's
  // backup runs none there, and publishes no query diagnostics (database_trace.cc).
  DatabaseSync::TraceMute mute(database);
  // An empty in-memory database has 0 pages (node's backup copies 0), but its serialization
  // is one page long: serialize only when there are pages.
  if (PageCount(db, source_name_) != 0) image_.reset(sqlite3_serialize(db, source_name_.c_str(), &size, 0));
  // No image and no size: a schema with no pages yet (an unused temp database) — the backup
  // copies an empty database, as node's does (it resolves 0).
  image_size_ = image_ ? size : 0;
}

void BackupJob::Launch(napi_env env, std::unique_ptr<BackupJob> job, DatabaseSync* database, napi_value on_event) {
  napi_value name;
  napi_create_string_utf8(env, "sqlite-strand backup", NAPI_AUTO_LENGTH, &name);
  BackupJob* raw = job.get();
  if (napi_create_threadsafe_function(env, on_event, nullptr, name, 0, 1, raw, Finalize, raw, CallJs, &raw->tsfn_) !=
      napi_ok) {
    ThrowInvalidState(env, "could not create the backup's completion channel");
    return;
  }
  // From here the TSFN's finalizer owns the job (rule 4), and nothing may throw past it: the
  // TSFN is ref'd, so a job left half-started would keep the process alive.
  job.release();
  raw->source_in_use_.Hold(database->backups());
  ErrorInfo error;
  Addon* addon = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&addon));
  try {
    if (addon != nullptr) addon->Register(raw);
    raw->addon_ = addon;
  } catch (...) {
    error = ErrorFromCurrentException();
    raw->Shutdown(false);
    ThrowError(env, error);
    return;
  }
  if (!StartThread(&raw->thread_, "backup", [raw] { raw->Run(); }, &error)) {
    // No thread: end at once (the finalizer frees the job); backup() rejects with the error.
    raw->Shutdown(false);
    ThrowError(env, error);
  }
}

bool BackupJob::OpenSource(sqlite3** source, ErrorInfo* error) {
  int rc;
  if (source_kind_ == SourceKind::File) {
    // A plain path, taken literally (no URI flag), through the source connection's VFS.
    rc = sqlite3_open_v2(source_file_.c_str(), source, SQLITE_OPEN_READONLY,
                         source_vfs_.empty() ? nullptr : source_vfs_.c_str());
  } else {
    rc = sqlite3_open_v2(":memory:", source, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  }
  if (rc != SQLITE_OK) {
    *error = *source != nullptr ? ErrorInfo::Sqlite(*source) : ErrorInfo::SqliteCode(rc);
    return false;
  }
  if (source_kind_ == SourceKind::File) {
    sqlite3_busy_timeout(*source, source_timeout_);
  } else if (source_kind_ == SourceKind::Memory && image_) {
    // FREEONCLOSE: the connection owns the image from here, even if this fails.
    rc = sqlite3_deserialize(*source, "main", image_.release(), image_size_, image_size_,
                             SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
    if (rc != SQLITE_OK) {
      *error = ErrorInfo::Sqlite(*source);
      return false;
    }
  }
  return true;
}

void BackupJob::Run() noexcept {
  sqlite3* source = nullptr;
  ErrorInfo error;
  bool ok = false;
  bool stopped = false;
  int pages = 0;
  // The thread's catch-all (rule 7): an exception (out of memory while copying) ends the backup
  // with its error like any failure — connections closed, the final call made, promise rejected.
  try {
    if (OpenSource(&source, &error)) {
      BackupHooks hooks;
      hooks.should_stop = [this] {
        std::lock_guard<std::mutex> lock(mutex_);
        return abort_;
      };
      hooks.on_step = [this](int total, int remaining) { return ReportProgress(total, remaining); };
      ok = RunBackup(source, "main", problem_, source_name_, spec_, hooks, &pages, &error, &stopped);
    }
  } catch (...) {
    ok = false;
    stopped = false;
    error = ErrorFromCurrentException();
  }
  if (source != nullptr) sqlite3_close_v2(source);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (abort_) stopped = true;
    ok_ = ok;
    stopped_ = stopped;
    pages_ = pages;
    error_ = std::move(error);
  }
  // The last thing this thread does. After an abort the TSFN may be closing: the call then fails
  // harmlessly and Shutdown, which set the abort, is already joining.
  napi_call_threadsafe_function(tsfn_, kResult, napi_tsfn_nonblocking);
}

// Backup thread: hands one step's numbers to JS and, in lockstep, waits until JS has called
// progress (rule 2). False: stop (JS says so, or the env is going away).
bool BackupJob::ReportProgress(int total, int remaining) {
  if (!has_progress_) {
    std::lock_guard<std::mutex> lock(mutex_);
    return !abort_;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (abort_) return false;
  total_ = total;
  remaining_ = remaining;
  progress_pending_ = true;
  lock.unlock();
  if (napi_call_threadsafe_function(tsfn_, kProgress, napi_tsfn_nonblocking) != napi_ok) return false;
  lock.lock();
  cv_.wait(lock, [this] { return !progress_pending_ || abort_; });
  return !abort_;
}

void BackupJob::CallJs(napi_env env, napi_value callback, void* context, void* data) {
  // env == nullptr: node is deleting the TSFN, after Finalize freed `context` (rule 4).
  if (env == nullptr || callback == nullptr) return;
  auto* job = static_cast<BackupJob*>(context);
  if (job->shut_down_) return;
  // Called by node: nothing may escape (rule 7). Both deliveries are raw N-API and locks; only a
  // failing mutex could throw, and then the lockstep wait is what stays (Shutdown ends it).
  try {
    if (data == kProgress) job->DeliverProgress(env, callback);
    else if (data == kResult) job->DeliverResult(env, callback);
  } catch (...) {
  }
}

void BackupJob::DeliverProgress(napi_env env, napi_value callback) {
  int total, remaining;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!progress_pending_) return;
    total = total_;
    remaining = remaining_;
  }
  bool keep_going = false;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) == napi_ok) {
    napi_value argv[3], undefined, result;
    napi_get_undefined(env, &undefined);
    napi_create_int32(env, 0, &argv[0]);
    napi_create_int32(env, total, &argv[1]);
    napi_create_int32(env, remaining, &argv[2]);
    if (napi_call_function(env, undefined, callback, 3, argv, &result) == napi_ok) {
      napi_get_value_bool(env, result, &keep_going);
    } else {
      // The callback never throws by design; an exception here means the env is terminating.
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
    }
    napi_close_handle_scope(env, scope);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_pending_ = false;
    if (!keep_going) abort_ = true;
  }
  cv_.notify_all();
}

void BackupJob::DeliverResult(napi_env env, napi_value callback) {
  bool ok, stopped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ok = ok_;
    stopped = stopped_;
  }
  // The thread has made its last call: join it and let the TSFN go, before running any JS.
  Shutdown(true);
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[3], undefined;
  napi_get_undefined(env, &undefined);
  napi_create_int32(env, 1, &argv[0]);
  argv[1] = undefined;
  argv[2] = undefined;
  // Stopped by JS (progress threw): report the end with neither error nor pages; JS rejects
  // with what progress threw, now that the thread has released everything.
  if (ok) napi_create_int32(env, pages_, &argv[2]);
  else if (!stopped) argv[1] = MakeError(env, error_);
  if (argv[1] == nullptr) argv[1] = undefined;
  napi_value result;
  if (napi_call_function(env, undefined, callback, 3, argv, &result) != napi_ok) {
    napi_value exception;
    napi_get_and_clear_last_exception(env, &exception);
  }
  napi_close_handle_scope(env, scope);
}

void BackupJob::Shutdown(bool normal_end) {
  if (shut_down_) return;
  shut_down_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!normal_end) abort_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  source_in_use_.Release();
  if (!tsfn_released_ && tsfn_ != nullptr) {
    tsfn_released_ = true;
    napi_release_threadsafe_function(tsfn_, normal_end ? napi_tsfn_release : napi_tsfn_abort);
  }
  if (addon_ != nullptr) {
    addon_->Unregister(this);
    addon_ = nullptr;
  }
}

void BackupJob::DetachFromAddon() {
  addon_ = nullptr;  // the Addon is clearing its registry itself
  Shutdown(false);
}

void BackupJob::Finalize(napi_env /*env*/, void* data, void* /*hint*/) {
  auto* job = static_cast<BackupJob*>(data);
  job->tsfn_released_ = true;  // node is deleting it: no release
  job->Shutdown(false);
  delete job;
}

}  // namespace strand
