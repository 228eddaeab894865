// AsyncDatabase user functions: the database thread's SQLite callbacks and the JS thread's half
// of each call. Rules F1–F9 in async_functions.h.
#include "async/async_functions.h"

#include <string>

#include "async/async_database.h"
#include "async/async_job.h"
#include "core/column_values.h"
#include "core/cpp_exceptions.h"
#include "core/result_value.h"
#include "core/safe_integer.h"

namespace strand {

namespace {


// --- Database thread ----------------------------------------------------------------------------

// SQLite's user data of one registered function; freed by xDestroy on the database thread.
struct AsyncFunction {
  AsyncCore* core;
  uint32_t id;
  bool use_bigint;
};

void DestroyAsyncFunction(void* data) {
  auto* function = static_cast<AsyncFunction*>(data);
  // F9; if the id cannot be recorded, the JS side keeps the old function until close (F10).
  GuardWithFallback(false, [function] {
    function->core->destroyed_functions.push_back(function->id);
    return true;
  });
  delete function;
}


SqlValue ToSqlValue(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return SqlValue::Integer(sqlite3_value_int64(value));
    case SQLITE_FLOAT:
      return SqlValue::Real(sqlite3_value_double(value));
    case SQLITE_TEXT: {
      const char* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
      return SqlValue::Text(std::string(text != nullptr ? text : "", static_cast<size_t>(sqlite3_value_bytes(value))));
    }
    case SQLITE_BLOB:
      return SqlValue::Blob(sqlite3_value_blob(value), static_cast<size_t>(sqlite3_value_bytes(value)));
    default:
      return SqlValue::Null();
  }
}

std::shared_ptr<FunctionCall> NewCall(AsyncFunction* function, CallType type, uint64_t group, int argc,
                                      sqlite3_value** argv) {
  if (STRAND_FAULT(FunctionArgs)) throw std::bad_alloc();  // tests only (fault_injection.h)
  auto call = std::make_shared<FunctionCall>();
  call->id = function->core->next_call++;
  call->type = type;
  call->function = function->id;
  call->group = group;
  call->use_bigint = function->use_bigint;
  call->args.reserve(static_cast<size_t>(argc));
  for (int i = 0; i < argc; i++) call->args.push_back(ToSqlValue(argv[i]));
  return call;
}

void SetResult(sqlite3_context* ctx, const SqlValue& value) {
  ContextResult sink(ctx);
  switch (value.type) {
    case SqlValue::Type::Null:
      return sink.Null();
    case SqlValue::Type::Integer:
      return sink.Integer(value.integer);
    case SqlValue::Type::Real:
      return sink.Real(value.real);
    case SqlValue::Type::Text:
      return sink.Text(value.bytes.data(), value.bytes.size());
    case SqlValue::Type::Blob:
      return sink.Blob(value.bytes.data(), value.bytes.size());
  }
}

// Makes the call and applies its outcome to `ctx`. `wants_result`: Scalar/Value/Final.
void Perform(sqlite3_context* ctx, AsyncCore* core, const std::shared_ptr<FunctionCall>& call, bool wants_result) {
  if (!RoundTrip(core, call)) return sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
  switch (call->outcome) {
    case FunctionCall::Outcome::Threw:
      core->threw_in_job = core->running_for_handlers.load(std::memory_order_relaxed);
      return sqlite3_result_error(ctx, ThrownMessage(call->id).c_str(), -1);
    case FunctionCall::Outcome::Failed:
      return sqlite3_result_error(ctx, call->error.c_str(), -1);
    case FunctionCall::Outcome::OutOfMemory:
      return sqlite3_result_error_nomem(ctx);
    case FunctionCall::Outcome::Value:
      if (wants_result) SetResult(ctx, call->result);
      return;
  }
}

void CallScalar(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardSqliteFunction(ctx, [&] {
    auto* function = static_cast<AsyncFunction*>(sqlite3_user_data(ctx));
    // A cancelled statement stops here rather than at the next progress check (F5).
    if (StopRequested(function->core)) return sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
    Perform(ctx, function->core, NewCall(function, CallType::Scalar, 0, argc, argv), true);
  });
}

// SQLite's per-group aggregate context (F8).
struct Group {
  uint64_t id;  // 0: no accumulator yet
  bool window;  // xValue ran: results come from xValue, and xFinal only frees
};

void Accumulate(sqlite3_context* ctx, int argc, sqlite3_value** argv, CallType type) {
  auto* function = static_cast<AsyncFunction*>(sqlite3_user_data(ctx));
  AsyncCore* core = function->core;
  if (StopRequested(core)) return sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
  auto* group = static_cast<Group*>(sqlite3_aggregate_context(ctx, sizeof(Group)));
  if (group == nullptr) return sqlite3_result_error_nomem(ctx);
  if (group->id == 0) group->id = core->next_group++;
  Perform(ctx, core, NewCall(function, type, group->id, argc, argv), false);
}

void AggregateStep(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardSqliteFunction(ctx, [&] { Accumulate(ctx, argc, argv, CallType::Step); });
}

void AggregateInverse(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardSqliteFunction(ctx, [&] { Accumulate(ctx, argc, argv, CallType::Inverse); });
}

void ValueBody(sqlite3_context* ctx) {
  auto* function = static_cast<AsyncFunction*>(sqlite3_user_data(ctx));
  AsyncCore* core = function->core;
  if (StopRequested(core)) return sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
  auto* group = static_cast<Group*>(sqlite3_aggregate_context(ctx, sizeof(Group)));
  if (group == nullptr) return sqlite3_result_error_nomem(ctx);
  group->window = true;
  Perform(ctx, core, NewCall(function, CallType::Value, group->id, 0, nullptr), true);
}

void AggregateValue(sqlite3_context* ctx) {
  GuardSqliteFunction(ctx, [&] { ValueBody(ctx); });
}

// Also called by SQLite for groups abandoned by an error or a reset: it always crosses to free
// the accumulator (F8), but calls result() only when the statement is still healthy.
void FinalBody(sqlite3_context* ctx) {
  auto* function = static_cast<AsyncFunction*>(sqlite3_user_data(ctx));
  AsyncCore* core = function->core;
  auto* group = static_cast<Group*>(sqlite3_aggregate_context(ctx, 0));
  uint64_t id = group != nullptr ? group->id : 0;
  bool stop = StopRequested(core);
  bool failed = core->threw_in_job != 0 && core->threw_in_job == core->running_for_handlers.load(std::memory_order_relaxed);
  if (stop || failed || (group != nullptr && group->window)) {
    if (id != 0) Perform(ctx, core, NewCall(function, CallType::Discard, id, 0, nullptr), false);
    if (stop) return sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
    // A failed statement discards this result; a window's rows already have theirs.
    return sqlite3_result_null(ctx);
  }
  Perform(ctx, core, NewCall(function, CallType::Final, id, 0, nullptr), true);
}

void AggregateFinal(sqlite3_context* ctx) {
  GuardSqliteFunction(ctx, [&] { FinalBody(ctx); });
}

// --- JS thread ----------------------------------------------------------------------------------

napi_value ArgumentToJs(napi_env env, const SqlValue& value, bool use_bigint) {
  napi_value result = nullptr;
  switch (value.type) {
    case SqlValue::Type::Integer:
      // Beyond 2^53 without useBigIntArguments: a bigint, which the FunctionTable rejects with
      // node's ERR_OUT_OF_RANGE — made there, so the error is a JS value it can keep (F7).
      if (use_bigint || !IsSafeInteger(value.integer)) {
        napi_create_bigint_int64(env, value.integer, &result);
      } else {
        napi_create_double(env, static_cast<double>(value.integer), &result);
      }
      return result;
    case SqlValue::Type::Real:
      napi_create_double(env, value.real, &result);
      return result;
    case SqlValue::Type::Text:
      napi_create_string_utf8(env, value.bytes.data(), value.bytes.size(), &result);
      return result;
    case SqlValue::Type::Blob:
      return NewBlob(env, value.bytes.data(), value.bytes.size());
    case SqlValue::Type::Null:
    default:
      napi_get_null(env, &result);
      return result;
  }
}

void ClearPendingException(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
}

// Collects a converted result (result_value.h) as the call's owned outcome.
class CallResult : public ResultSink {
 public:
  explicit CallResult(FunctionCall& call) : call_(call) {}
  void Null() override { Set(SqlValue::Null()); }
  void Real(double value) override { Set(SqlValue::Real(value)); }
  void Integer(int64_t value) override { Set(SqlValue::Integer(value)); }
  void Text(const char* data, size_t length) override { Set(SqlValue::Text(std::string(data, length))); }
  void Blob(const void* data, size_t length) override { Set(SqlValue::Blob(data, length)); }
  void Error(const char* message) override { call_.error = message; }

 private:
  void Set(SqlValue value) {
    call_.result = std::move(value);
    call_.outcome = FunctionCall::Outcome::Value;
  }
  FunctionCall& call_;
};

// The JS result of a call, with node:sqlite's conversions, like the sync path's.
void ReadResult(napi_env env, napi_value value, FunctionCall& call) {
  call.outcome = FunctionCall::Outcome::Failed;
  call.error = kUnconvertibleResult;
  CallResult sink(call);
  if (!ConvertResult(env, value, &sink)) ClearPendingException(env);
}

void RunCall(napi_env env, napi_value on_call, FunctionCall& call) {
  napi_value args;
  if (napi_create_array_with_length(env, call.args.size(), &args) != napi_ok) return;
  for (size_t i = 0; i < call.args.size(); i++) {
    napi_value arg = ArgumentToJs(env, call.args[i], call.use_bigint);
    if (arg == nullptr || napi_set_element(env, args, static_cast<uint32_t>(i), arg) != napi_ok) return;
  }
  // onCall(callId, type, functionId, groupId, args)
  napi_value argv[5];
  napi_create_double(env, static_cast<double>(call.id), &argv[0]);
  napi_create_uint32(env, static_cast<uint32_t>(call.type), &argv[1]);
  napi_create_uint32(env, call.function, &argv[2]);
  napi_create_double(env, static_cast<double>(call.group), &argv[3]);
  argv[4] = args;
  napi_value undefined, result = nullptr;
  napi_get_undefined(env, &undefined);
  if (napi_call_function(env, undefined, on_call, 5, argv, &result) != napi_ok) {
    // The FunctionTable kept what was thrown (F7). (When the env is terminating, nothing was
    // kept; the job is never settled anyway.)
    ClearPendingException(env);
    call.outcome = FunctionCall::Outcome::Threw;
    return;
  }
  bool wants_result = call.type == CallType::Scalar || call.type == CallType::Value || call.type == CallType::Final ||
                      call.type == CallType::Filter || call.type == CallType::Conflict;
  if (wants_result) {
    ReadResult(env, result, call);
  } else {
    call.outcome = FunctionCall::Outcome::Value;
  }
}

}  // namespace

constexpr char kThrownPrefix[] = "User-defined function threw (call ";

std::string ThrownMessage(uint64_t call_id) {
  return kThrownPrefix + std::to_string(call_id) + ")";
}

uint64_t ThrownCallId(const std::string& message) noexcept {
  constexpr size_t kPrefixLength = sizeof(kThrownPrefix) - 1;
  if (message.size() < kPrefixLength + 2 || message.compare(0, kPrefixLength, kThrownPrefix) != 0 ||
      message.back() != ')') {
    return 0;
  }
  uint64_t id = 0;
  for (size_t i = kPrefixLength; i + 1 < message.size(); i++) {
    char digit = message[i];
    if (digit < '0' || digit > '9' || id > (UINT64_MAX - 9) / 10) return 0;
    id = id * 10 + static_cast<uint64_t>(digit - '0');
  }
  return id;
}

bool RoundTrip(AsyncCore* core, const std::shared_ptr<FunctionCall>& call) {
  {
    std::lock_guard<std::mutex> lock(core->call_mutex);
    if (core->calls_aborted) return false;
  }
  // Completions waiting for their coalesced signal go out now: this thread is about to wait.
  SignalUnreported(core);
  auto* item = new std::shared_ptr<FunctionCall>(call);  // the queued item's share (F2)
  if (napi_call_threadsafe_function(core->tsfn, item, napi_tsfn_nonblocking) != napi_ok) {
    delete item;
    return false;
  }
  std::unique_lock<std::mutex> lock(core->call_mutex);
  core->call_cv.wait(lock, [&] { return call->done || core->calls_aborted; });
  return call->done;
}

void RegisterAsyncFunction(AsyncCore* core, Job& job, FunctionJob& registration) {
  int flags = SQLITE_UTF8 | registration.flags;
  const char* name = registration.name.c_str();
  auto* function = new AsyncFunction{core, registration.function, registration.use_bigint_arguments};
  core->destroyed_functions.clear();
  int rc;
  if (registration.function_kind == FunctionKind::Scalar) {
    rc = sqlite3_create_function_v2(core->db, name, registration.arity, flags, function, CallScalar, nullptr, nullptr,
                                    DestroyAsyncFunction);
  } else {
    bool window = registration.function_kind == FunctionKind::Window;
    rc = sqlite3_create_window_function(core->db, name, registration.arity, flags, function, AggregateStep,
                                        AggregateFinal, window ? AggregateValue : nullptr,
                                        window ? AggregateInverse : nullptr, DestroyAsyncFunction);
  }
  // SQLite has destroyed `function` itself if registration failed; the JS side drops it then.
  if (rc != SQLITE_OK) job.Fail(ErrorInfo::Sqlite(core->db));
  // The function this one replaced, whose JS side can go (F9).
  registration.replaced = 0;
  for (uint32_t id : core->destroyed_functions) {
    if (id != registration.function) registration.replaced = id;
  }
  core->destroyed_functions.clear();
}

void DeliverFunctionCall(napi_env env, napi_value on_call, AsyncCore* core, FunctionCall& call) {
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) == napi_ok) {
    try {
      RunCall(env, on_call, call);
    } catch (...) {
      // Copying the arguments or the result ran out of memory (F10).
      call.outcome = FunctionCall::Outcome::OutOfMemory;
    }
    ClearPendingException(env);
    napi_close_handle_scope(env, scope);
  }
  {
    std::lock_guard<std::mutex> lock(core->call_mutex);
    call.done = true;
  }
  core->call_cv.notify_all();
}

void AbortFunctionCalls(AsyncCore* core) {
  {
    std::lock_guard<std::mutex> lock(core->call_mutex);
    core->calls_aborted = true;
  }
  core->call_cv.notify_all();
}

}  // namespace strand
