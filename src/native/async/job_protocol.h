// The JS thread's half of the job protocol (async_job.h J1–J4): turning add()'s arguments into a
// Job (job_decoders.cc, one decoder per kind) and a completed Job into onComplete's arguments
// (job_delivery.cc, one outcome per kind). JS thread only: this is where N-API values are read
// and made (async_database.h rule 1).
#pragma once
#include <memory>

#include "async/async_job.h"
#include "napi_config.h"

namespace strand {

class Addon;

// add(id, kind, trace, ...): the arguments before the kind's own.
constexpr size_t kCommonAddArguments = 3;

// Reads add()'s arguments into *job. False with a pending JS exception (an argument that is not
// what its kind expects; a parameter's getter threw). May throw (std::bad_alloc copying a huge
// argument): the caller turns that into the coded error of cpp_exceptions.h.
bool DecodeJob(napi_env env, const Napi::CallbackInfo& info, Job* job);

// Calls onComplete(id, error, a, b, c, queries, inTransaction, thrownCall) for one job, with
// a/b/c its kind's outcome (J4). May throw (std::bad_alloc): the caller then settles the job
// with DeliverFailure.
void DeliverJob(napi_env env, napi_value on_complete, Addon* addon, Job& job);
// Settles a job that DeliverJob could not deliver with `error` instead. Never throws.
void DeliverFailure(napi_env env, napi_value on_complete, const Job& job, const ErrorInfo& error) noexcept;

// The enums JS mirrors, as objects name → number (J3): JobKind, CallType, FunctionKind.
Napi::Object JobKindNumbers(Napi::Env env);
Napi::Object CallTypeNumbers(Napi::Env env);
Napi::Object FunctionKindNumbers(Napi::Env env);

}  // namespace strand
