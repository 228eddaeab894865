// add(id, kind, trace, ...): one decoder per kind reads that kind's own positional arguments
// into its payload (async_job.h J1, J4). The TypeScript encoders (src/ts/async/jobs.ts) pass
// exactly these, in this order:
//   Open, Close:                      —
//   Exec:                             sql
//   Run, Get, All:                    statement, sql, readBigInts, allowBare, allowUnknown, ...params
//   IterOpen:                         cursor, batchRows, batchBytes, then as Run
//   IterNext:                         cursor, batchRows, batchBytes, readBigInts
//   IterClose:                        cursor
//   Prepare:                          statement, sql
//   Finalize, Columns:                statement
//   Backup:                           path, source, target, rate, reportProgress
//   Serialize:                        schema
//   Deserialize:                      schema, image (a Uint8Array)
//   Function:                         name, function, functionKind, arity, flags, useBigIntArguments
//   SessionCreate:                    session, schema, table ('' every table)
//   SessionChangeset/Patchset/Close:  session
//   ApplyChangeset:                   changeset (a Uint8Array), callbacks, hasFilter, hasConflict
// `statement` 0 means ad-hoc SQL text. The SQL parameters of Run/Get/All/IterOpen are read and
// converted here, on the JS thread; one that cannot be bound fails the job on the database
// thread, in node's order (bind.h).
#include "async/job_protocol.h"

#include "async/async_functions.h"
#include "core/js_strings.h"

namespace strand {

namespace {

// add()'s arguments after the common ones, read in order. Past the end, each reads as
// undefined (0, false, "").
class AddArguments {
 public:
  AddArguments(napi_env env, const Napi::CallbackInfo& info) : env_(env), info_(info) {}

  napi_value Next() { return info_[next_++]; }

  uint32_t Uint32() {
    uint32_t value = 0;
    napi_get_value_uint32(env_, Next(), &value);
    return value;
  }
  int32_t Int32() {
    int32_t value = 0;
    napi_get_value_int32(env_, Next(), &value);
    return value;
  }
  bool Bool() {
    bool value = false;
    napi_get_value_bool(env_, Next(), &value);
    return value;
  }
  // A string, or "" for anything else (undefined: no SQL text).
  std::string String() {
    napi_value value = Next();
    return IsString(env_, value) ? ReadUtf8(env_, value) : std::string();
  }
  // A copy of a Uint8Array's bytes. False (with a JS exception) for anything else.
  bool Bytes(std::string* out) {
    napi_value value = Next();
    bool typed = false;
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void* data = nullptr;
    if (napi_is_typedarray(env_, value, &typed) != napi_ok || !typed ||
        napi_get_typedarray_info(env_, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
        type != napi_uint8_array) {
      ThrowInvalidArgType(env_, "The job's bytes must be a Uint8Array.");
      return false;
    }
    if (length > 0) out->assign(static_cast<const char*>(data), length);
    return true;
  }
  // The remaining arguments, as SQL parameters.
  bool Params(const BindOptions& bind, SqlParams* out) {
    if (info_.Length() <= next_) return true;
    size_t count = info_.Length() - next_;
    // Most calls bind a few values: no allocation for their array.
    constexpr size_t kOnStack = 8;
    napi_value on_stack[kOnStack];
    std::vector<napi_value> on_heap;
    napi_value* args = on_stack;
    if (count > kOnStack) {
      on_heap.resize(count);
      args = on_heap.data();
    }
    for (size_t i = 0; i < count; i++) args[i] = info_[next_ + i];
    next_ = info_.Length();
    return ReadSqlParams(env_, args, count, bind, out);
  }

 private:
  napi_env env_;
  const Napi::CallbackInfo& info_;
  size_t next_ = kCommonAddArguments;
};

bool DecodeQuery(AddArguments& args, QueryInput& query) {
  query.statement = args.Uint32();
  query.sql = args.String();
  query.read_bigints = args.Bool();
  query.bind.allow_bare_named = args.Bool();
  query.bind.allow_unknown_named = args.Bool();
  return args.Params(query.bind, &query.params);
}

BatchLimits DecodeLimits(AddArguments& args) {
  BatchLimits limits;
  limits.rows = args.Uint32();
  limits.bytes = args.Uint32();
  return limits;
}

bool DecodeIterOpen(AddArguments& args, IterOpenJob& open) {
  open.cursor = args.Uint32();
  open.limits = DecodeLimits(args);
  return DecodeQuery(args, open.query);
}

void DecodeIterNext(AddArguments& args, IterNextJob& next) {
  next.cursor = args.Uint32();
  next.limits = DecodeLimits(args);
  next.read_bigints = args.Bool();
}

void DecodePrepare(AddArguments& args, PrepareJob& prepare) {
  prepare.statement = args.Uint32();
  prepare.sql = args.String();
}

void DecodeBackup(AddArguments& args, BackupFileJob& backup) {
  backup.path = args.String();
  backup.source = args.String();
  backup.target = args.String();
  backup.rate = args.Int32();
  backup.report_progress = args.Bool();
}

bool DecodeDeserialize(AddArguments& args, DeserializeJob& deserialize) {
  deserialize.schema = args.String();
  return args.Bytes(&deserialize.image);
}

void DecodeFunction(AddArguments& args, FunctionJob& registration) {
  registration.name = args.String();
  registration.function = args.Uint32();
  registration.function_kind = static_cast<FunctionKind>(args.Uint32());
  registration.arity = args.Int32();
  registration.flags = args.Int32();
  registration.use_bigint_arguments = args.Bool();
}

void DecodeSessionCreate(AddArguments& args, SessionCreateJob& create) {
  create.session = args.Uint32();
  create.schema = args.String();
  create.table = args.String();
}

bool DecodeApplyChangeset(AddArguments& args, ApplyChangesetJob& apply) {
  if (!args.Bytes(&apply.changeset)) return false;
  apply.callbacks = args.Uint32();
  apply.has_filter = args.Bool();
  apply.has_conflict = args.Bool();
  return true;
}

// Emplaces the kind's payload and reads its arguments into it (J2: nothing else sets it).
bool DecodePayload(AddArguments& args, Job* job) {
  JobPayload& payload = job->payload;
  switch (job->kind) {
    case JobKind::Open: payload.emplace<OpenJob>(); return true;
    case JobKind::Close: payload.emplace<CloseJob>(); return true;
    case JobKind::Exec: payload.emplace<ExecJob>().sql = args.String(); return true;
    case JobKind::Run: return DecodeQuery(args, payload.emplace<RunJob>().query);
    case JobKind::Get:
    case JobKind::All: return DecodeQuery(args, payload.emplace<ReadJob>().query);
    case JobKind::IterOpen: return DecodeIterOpen(args, payload.emplace<IterOpenJob>());
    case JobKind::IterNext: DecodeIterNext(args, payload.emplace<IterNextJob>()); return true;
    case JobKind::IterClose: payload.emplace<IterCloseJob>().cursor = args.Uint32(); return true;
    case JobKind::Prepare: DecodePrepare(args, payload.emplace<PrepareJob>()); return true;
    case JobKind::Finalize: payload.emplace<FinalizeJob>().statement = args.Uint32(); return true;
    case JobKind::Columns: payload.emplace<ColumnsJob>().statement = args.Uint32(); return true;
    case JobKind::Backup: DecodeBackup(args, payload.emplace<BackupFileJob>()); return true;
    case JobKind::Serialize: payload.emplace<SerializeJob>().schema = args.String(); return true;
    case JobKind::Deserialize: return DecodeDeserialize(args, payload.emplace<DeserializeJob>());
    case JobKind::Function: DecodeFunction(args, payload.emplace<FunctionJob>()); return true;
    case JobKind::SessionCreate: DecodeSessionCreate(args, payload.emplace<SessionCreateJob>()); return true;
    case JobKind::SessionChangeset:
    case JobKind::SessionPatchset: payload.emplace<SessionDiffJob>().session = args.Uint32(); return true;
    case JobKind::SessionClose: payload.emplace<SessionCloseJob>().session = args.Uint32(); return true;
    case JobKind::ApplyChangeset: return DecodeApplyChangeset(args, payload.emplace<ApplyChangesetJob>());
    case JobKind::BackupProgress:  // made by the database thread only
      break;
  }
  return false;
}

constexpr uint32_t kJobKindCount = 0
#define STRAND_COUNT_KIND(name) +1
    STRAND_JOB_KINDS(STRAND_COUNT_KIND)
#undef STRAND_COUNT_KIND
    ;

}  // namespace

bool DecodeJob(napi_env env, const Napi::CallbackInfo& info, Job* job) {
  double id = 0;
  uint32_t kind = kJobKindCount;
  napi_get_value_double(env, info[0], &id);
  napi_get_value_uint32(env, info[1], &kind);
  if (kind >= kJobKindCount || static_cast<JobKind>(kind) == JobKind::BackupProgress) {
    ThrowInvalidState(env, "not a job");
    return false;
  }
  job->id = static_cast<uint64_t>(id);
  job->kind = static_cast<JobKind>(kind);
  napi_get_value_bool(env, info[2], &job->trace);
  AddArguments args(env, info);
  return DecodePayload(args, job);
}

Napi::Object JobKindNumbers(Napi::Env env) {
  Napi::Object kinds = Napi::Object::New(env);
#define STRAND_SET_KIND(name) kinds.Set(#name, static_cast<uint32_t>(JobKind::name));
  STRAND_JOB_KINDS(STRAND_SET_KIND)
#undef STRAND_SET_KIND
  return kinds;
}

Napi::Object CallTypeNumbers(Napi::Env env) {
  Napi::Object types = Napi::Object::New(env);
#define STRAND_SET_CALL_TYPE(name, value) types.Set(#name, static_cast<uint32_t>(CallType::name));
  STRAND_CALL_TYPES(STRAND_SET_CALL_TYPE)
#undef STRAND_SET_CALL_TYPE
  return types;
}

Napi::Object FunctionKindNumbers(Napi::Env env) {
  Napi::Object kinds = Napi::Object::New(env);
#define STRAND_SET_FUNCTION_KIND(name, value) kinds.Set(#name, static_cast<uint32_t>(FunctionKind::name));
  STRAND_FUNCTION_KINDS(STRAND_SET_FUNCTION_KIND)
#undef STRAND_SET_FUNCTION_KIND
  return kinds;
}

}  // namespace strand
