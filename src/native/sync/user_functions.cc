#include "sync/user_functions.h"

#include <string>
#include <vector>

#include "core/column_values.h"
#include "core/cpp_exceptions.h"
#include "sync/database_sync.h"
#include "core/errors.h"
#include "core/result_value.h"

namespace strand {

namespace {

// Positions in a function's holder array; accumulator slots follow.
enum HolderIndex : uint32_t { kCallback = 0, kStart = 0, kStep = 1, kResult = 2, kInverse = 3, kFirstSlot = 4 };

struct UserFunction {
  napi_env env = nullptr;
  DatabaseSync* db = nullptr;
  // [callbacks..., accumulators...]: one reference keeps everything this function needs alive.
  napi_ref holder = nullptr;
  bool use_bigint_args = false;
  // Aggregates only.
  bool start_is_function = false;
  bool has_result = false;
  uint32_t next_slot = kFirstSlot;
  std::vector<uint32_t> free_slots;

  napi_value Holder() const {
    napi_value value = nullptr;
    napi_get_reference_value(env, holder, &value);
    return value;
  }
  napi_value Get(uint32_t index) const {
    napi_value value = nullptr;
    napi_get_element(env, Holder(), index, &value);
    return value;
  }
  // 0 when the value could not be stored (pending exception).
  uint32_t StoreInNewSlot(napi_value value) {
    uint32_t slot = next_slot;
    if (!free_slots.empty()) slot = free_slots.back();
    if (napi_set_element(env, Holder(), slot, value) != napi_ok) return 0;
    if (slot == next_slot) {
      next_slot++;
    } else {
      free_slots.pop_back();
    }
    return slot;
  }
  bool Store(uint32_t slot, napi_value value) { return napi_set_element(env, Holder(), slot, value) == napi_ok; }
  void FreeSlot(uint32_t slot) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    if (napi_set_element(env, Holder(), slot, undefined) == napi_ok) free_slots.push_back(slot);
  }
};

void DestroyUserFunction(void* data) {
  auto* function = static_cast<UserFunction*>(data);
  if (function->holder != nullptr) napi_delete_reference(function->env, function->holder);
  delete function;
}

// Fails the running statement; the JS exception that caused it (if any) stays pending and is
// what the statement's caller throws.
void FailWithPendingException(sqlite3_context* ctx) { sqlite3_result_error(ctx, "", 0); }

// Converts SQL arguments into `out` after `first` leading slots. False with a pending exception.
bool ConvertArguments(napi_env env, int argc, sqlite3_value** argv, bool use_bigint, size_t first,
                      std::vector<napi_value>* out) {
  if (STRAND_FAULT(FunctionArgs)) throw std::bad_alloc();  // tests only (fault_injection.h)
  out->resize(first + static_cast<size_t>(argc));
  for (int i = 0; i < argc; i++) {
    napi_value value = SqliteValueToJs(env, argv[i], use_bigint);
    if (value == nullptr) return false;
    (*out)[first + static_cast<size_t>(i)] = value;
  }
  return true;
}

// The function's result, with node:sqlite's conversions (result_value.h).
void SetResult(napi_env env, sqlite3_context* ctx, napi_value value) {
  ContextResult sink(ctx);
  if (!ConvertResult(env, value, &sink)) FailWithPendingException(ctx);
}

bool Call(napi_env env, napi_value fn, size_t argc, const napi_value* argv, napi_value* result) {
  napi_value receiver;
  napi_get_undefined(env, &receiver);
  return napi_call_function(env, receiver, fn, argc, argv, result) == napi_ok;
}

// The SQLite callbacks below (xFunc, xStep, xInverse, xValue, xFinal) run their bodies inside
// GuardSqliteFunction: a C++ exception (std::bad_alloc growing the argument vector) fails the
// statement with SQLite's "out of memory" instead of unwinding through SQLite (cpp_exceptions.h
// E1). The bodies otherwise use raw N-API only.
void ScalarBody(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* function = static_cast<UserFunction*>(sqlite3_user_data(ctx));
  napi_env env = function->env;
  if (ExceptionPending(env)) return FailWithPendingException(ctx);
  DatabaseSync::CallbackScope scope(env, function->db);
  if (!scope.ok()) return FailWithPendingException(ctx);
  std::vector<napi_value> args;
  napi_value result;
  if (!ConvertArguments(env, argc, argv, function->use_bigint_args, 0, &args) ||
      !Call(env, function->Get(kCallback), args.size(), args.data(), &result)) {
    return FailWithPendingException(ctx);
  }
  SetResult(env, ctx, result);
}

void CallScalar(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardSqliteFunction(ctx, [&] { ScalarBody(ctx, argc, argv); });
}

// SQLite's per-group aggregate context: where this group's accumulator lives (0: not yet made).
struct AggregateContext {
  uint32_t slot;
  // Set by xValue: in a window, results come from xValue, and xFinal only cleans up.
  bool window;
};

// The initial accumulator: `start()` when start is a function, else the start value itself.
napi_value StartValue(UserFunction* function) {
  napi_value start = function->Get(kStart);
  if (start == nullptr || !function->start_is_function) return start;
  napi_value value = nullptr;
  if (!Call(function->env, start, 0, nullptr, &value)) return nullptr;
  return value;
}

// The common start of xStep, xInverse and xValue: the function and this group's context (made on
// first use), or false with the statement failed.
bool GroupOf(sqlite3_context* ctx, UserFunction** function, AggregateContext** group) {
  *function = static_cast<UserFunction*>(sqlite3_user_data(ctx));
  if (ExceptionPending((*function)->env)) {
    FailWithPendingException(ctx);
    return false;
  }
  *group = static_cast<AggregateContext*>(sqlite3_aggregate_context(ctx, sizeof(AggregateContext)));
  if (*group == nullptr) {
    sqlite3_result_error_nomem(ctx);
    return false;
  }
  return true;
}

// xStep and xInverse: accumulator = step(accumulator, ...args) (or inverse).
void Accumulate(sqlite3_context* ctx, int argc, sqlite3_value** argv, uint32_t callback) {
  UserFunction* function;
  AggregateContext* group;
  if (!GroupOf(ctx, &function, &group)) return;
  napi_env env = function->env;
  DatabaseSync::CallbackScope scope(env, function->db);
  if (!scope.ok()) return FailWithPendingException(ctx);
  if (group->slot == 0) {
    napi_value start = StartValue(function);
    if (start == nullptr || (group->slot = function->StoreInNewSlot(start)) == 0) return FailWithPendingException(ctx);
  }
  std::vector<napi_value> args;
  if (!ConvertArguments(env, argc, argv, function->use_bigint_args, 1, &args)) return FailWithPendingException(ctx);
  args[0] = function->Get(group->slot);
  napi_value next;
  if (!Call(env, function->Get(callback), args.size(), args.data(), &next) || !function->Store(group->slot, next)) {
    return FailWithPendingException(ctx);
  }
}

void AggregateStep(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardSqliteFunction(ctx, [&] { Accumulate(ctx, argc, argv, kStep); });
}
void AggregateInverse(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  GuardSqliteFunction(ctx, [&] { Accumulate(ctx, argc, argv, kInverse); });
}

// The SQL result for an accumulator: result(accumulator) when there is a result callback.
void ReturnAccumulator(UserFunction* function, sqlite3_context* ctx, napi_value accumulator) {
  napi_value value = accumulator;
  if (function->has_result && !Call(function->env, function->Get(kResult), 1, &accumulator, &value)) {
    return FailWithPendingException(ctx);
  }
  SetResult(function->env, ctx, value);
}

// xValue (window functions): the current result, keeping the accumulator.
void ValueBody(sqlite3_context* ctx) {
  UserFunction* function;
  AggregateContext* group;
  if (!GroupOf(ctx, &function, &group)) return;
  DatabaseSync::CallbackScope scope(function->env, function->db);
  if (!scope.ok()) return FailWithPendingException(ctx);
  group->window = true;
  napi_value accumulator = group->slot != 0 ? function->Get(group->slot) : StartValue(function);
  if (accumulator == nullptr) return FailWithPendingException(ctx);
  ReturnAccumulator(function, ctx, accumulator);
}

void AggregateValue(sqlite3_context* ctx) {
  GuardSqliteFunction(ctx, [&] { ValueBody(ctx); });
}

// xFinal: the group's result, and its accumulator freed. SQLite also calls it for groups an
// error abandoned, possibly with a JS exception pending: then only the slot is freed.
void FinalBody(sqlite3_context* ctx) {
  auto* function = static_cast<UserFunction*>(sqlite3_user_data(ctx));
  napi_env env = function->env;
  auto* group = static_cast<AggregateContext*>(sqlite3_aggregate_context(ctx, 0));
  uint32_t slot = group != nullptr ? group->slot : 0;
  if (ExceptionPending(env)) {
    if (slot != 0) {
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) {
        function->FreeSlot(slot);
        napi_throw(env, error);
      }
    }
    return FailWithPendingException(ctx);
  }
  DatabaseSync::CallbackScope scope(env, function->db);
  if (!scope.ok()) return FailWithPendingException(ctx);
  if (group != nullptr && group->window) {
    // The window's rows already have their results; SQLite discards this one.
    if (slot != 0) function->FreeSlot(slot);
    return sqlite3_result_null(ctx);
  }
  napi_value accumulator = slot != 0 ? function->Get(slot) : StartValue(function);
  if (slot != 0) function->FreeSlot(slot);
  if (accumulator == nullptr) return FailWithPendingException(ctx);
  ReturnAccumulator(function, ctx, accumulator);
}

void AggregateFinal(sqlite3_context* ctx) {
  GuardSqliteFunction(ctx, [&] { FinalBody(ctx); });
}

// Makes the function's holder array from `callbacks` (in HolderIndex order). nullptr entries
// stay holes. Returns nullptr (pending exception) on failure.
UserFunction* NewUserFunction(napi_env env, DatabaseSync* db, std::initializer_list<napi_value> callbacks) {
  napi_value holder;
  if (napi_create_array(env, &holder) != napi_ok) return nullptr;
  uint32_t index = 0;
  for (napi_value callback : callbacks) {
    if (callback != nullptr && napi_set_element(env, holder, index, callback) != napi_ok) return nullptr;
    index++;
  }
  auto* function = new UserFunction();
  function->env = env;
  function->db = db;
  if (napi_create_reference(env, holder, 1, &function->holder) != napi_ok) {
    delete function;
    return nullptr;
  }
  return function;
}

// After sqlite3_create_*: SQLite has already destroyed the function data if it failed.
bool CheckRegistered(napi_env env, DatabaseSync* db, int rc) {
  if (rc == SQLITE_OK) return true;
  ThrowSqliteError(env, db->handle());
  return false;
}

}  // namespace

bool RegisterScalarFunction(napi_env env, DatabaseSync* db, const char* name, const ScalarFunctionSpec& spec) {
  UserFunction* function = NewUserFunction(env, db, {spec.fn});
  if (function == nullptr) return false;
  function->use_bigint_args = spec.use_bigint_args;
  int rc = sqlite3_create_function_v2(db->handle(), name, spec.arity, SQLITE_UTF8 | spec.flags, function, CallScalar,
                                      nullptr, nullptr, DestroyUserFunction);
  return CheckRegistered(env, db, rc);
}

bool RegisterAggregateFunction(napi_env env, DatabaseSync* db, const char* name, const AggregateFunctionSpec& spec) {
  UserFunction* function = NewUserFunction(env, db, {spec.start, spec.step, spec.result, spec.inverse});
  if (function == nullptr) return false;
  function->use_bigint_args = spec.use_bigint_args;
  function->start_is_function = spec.start_is_function;
  function->has_result = spec.result != nullptr;
  bool window = spec.inverse != nullptr;
  int rc = sqlite3_create_window_function(db->handle(), name, spec.arity, SQLITE_UTF8 | spec.flags, function,
                                          AggregateStep, AggregateFinal, window ? AggregateValue : nullptr,
                                          window ? AggregateInverse : nullptr, DestroyUserFunction);
  return CheckRegistered(env, db, rc);
}

}  // namespace strand
