// onComplete(id, error, a, b, c, queries, inTransaction, thrownCall): one completed job handed to
// JS (async_job.h J4). The common arguments: `error` undefined on success; `queries` the
// statements a traced job ran (async_database.h rule 12), flat [sql, nanoseconds, ...], or
// undefined; `inTransaction` Job::in_transaction; `thrownCall` Job::thrown_call (F7) for a failed
// job, else undefined. a/b/c are the kind's outcome, made by its Outcome() below, and only on
// success:
//   Run:                  changes, lastInsertRowid (numbers, or bigints when readBigInts is on)
//   Get, All:             boxed values (the rows are in the scratch), column names or undefined
//   IterOpen, IterNext:   as Get, then done
//   Prepare:              column names or undefined, parameter count, the source SQL as SQLite keeps it
//   Columns:              [origin, database, name, table, declared type] per column, flat
//   Backup:               page count
//   BackupProgress:       totalPages, remainingPages (with the Backup job's id negated: a report,
//                         not a completion)
//   Serialize, SessionChangeset, SessionPatchset: the bytes, a Uint8Array
//   Function:             the id of the function it replaced (0: none)
//   ApplyChangeset:       applied (true) or aborted by a conflict (false)
//   the others:           nothing
#include <cstring>
#include <type_traits>

#include "addon.h"
#include "async/job_protocol.h"

namespace strand {

namespace {

napi_value Undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

napi_value Number(napi_env env, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  return v;
}

napi_value Names(napi_env env, const ColumnNameReport& names) {
  if (!names.reported) return Undefined(env);
  napi_value array;
  napi_create_array_with_length(env, names.names.size(), &array);
  for (size_t i = 0; i < names.names.size(); i++) {
    napi_value name;
    napi_create_string_utf8(env, names.names[i].data(), names.names[i].size(), &name);
    napi_set_element(env, array, static_cast<uint32_t>(i), name);
  }
  return array;
}

napi_value TracedQueries(napi_env env, const Job& job) {
  if (job.queries.empty()) return Undefined(env);
  napi_value flat;
  napi_create_array_with_length(env, job.queries.size() * 2, &flat);
  uint32_t i = 0;
  for (const TracedQuery& query : job.queries) {
    napi_value sql;
    napi_create_string_utf8(env, query.sql.data(), query.sql.size(), &sql);
    napi_set_element(env, flat, i++, sql);
    napi_set_element(env, flat, i++, Number(env, static_cast<double>(query.nanoseconds)));
  }
  return flat;
}

// The pending exception, taken as the job's error; nullptr when there is none.
napi_value TakeException(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) return nullptr;
  napi_value exception;
  napi_get_and_clear_last_exception(env, &exception);
  return exception;
}

// --- Outcomes: a/b/c of each kind. Each returns the error to report instead (making the values
// failed), or nullptr. ----------------------------------------------------------------------------

template <typename T, typename... Kinds>
constexpr bool kIsOneOf = (std::is_same_v<T, Kinds> || ...);

// The kinds without an outcome. Any other payload must have its own Outcome() overload.
template <typename Payload>
napi_value Outcome(napi_env, Addon*, Payload&, napi_value*) {
  static_assert(kIsOneOf<Payload, OpenJob, ExecJob, IterCloseJob, FinalizeJob, CloseJob, DeserializeJob,
                         SessionCreateJob, SessionCloseJob>,
                "this job kind has an outcome: give it an Outcome() overload");
  return nullptr;
}

napi_value Outcome(napi_env env, Addon*, RunJob& run, napi_value* out) {
  if (run.query.read_bigints) {
    napi_create_bigint_int64(env, run.changes, &out[0]);
    napi_create_bigint_int64(env, run.last_insert_rowid, &out[1]);
  } else {
    out[0] = Number(env, static_cast<double>(run.changes));
    out[1] = Number(env, static_cast<double>(run.last_insert_rowid));
  }
  return nullptr;
}

// Boxed values (the rows go into the scratch), column names.
napi_value Rows(napi_env env, Addon* addon, const RowsOutcome& rows, napi_value* out) {
  napi_value boxed = rows.rows.Publish(env, addon->scratch, rows.columns, rows.names.reported);
  if (boxed == nullptr) return TakeException(env);  // could not publish (out of memory)
  out[0] = boxed;
  out[1] = Names(env, rows.names);
  return nullptr;
}

napi_value Outcome(napi_env env, Addon* addon, ReadJob& read, napi_value* out) {
  return Rows(env, addon, read.result, out);
}

napi_value Outcome(napi_env env, Addon* addon, IterOpenJob& open, napi_value* out) {
  napi_get_boolean(env, open.done, &out[2]);
  return Rows(env, addon, open.batch, out);
}

napi_value Outcome(napi_env env, Addon* addon, IterNextJob& next, napi_value* out) {
  napi_get_boolean(env, next.done, &out[2]);
  return Rows(env, addon, next.batch, out);
}

napi_value Outcome(napi_env env, Addon*, PrepareJob& prepare, napi_value* out) {
  out[0] = Names(env, prepare.names);
  napi_create_uint32(env, prepare.parameters, &out[1]);
  napi_create_string_utf8(env, prepare.source_sql.data(), prepare.source_sql.size(), &out[2]);
  return nullptr;
}

napi_value Outcome(napi_env env, Addon*, ColumnsJob& columns, napi_value* out) {
  napi_value flat;
  napi_create_array_with_length(env, columns.metadata.size(), &flat);
  for (size_t i = 0; i < columns.metadata.size(); i++) {
    napi_value value;
    const auto& entry = columns.metadata[i];
    if (entry) napi_create_string_utf8(env, entry->data(), entry->size(), &value);
    else napi_get_null(env, &value);
    napi_set_element(env, flat, static_cast<uint32_t>(i), value);
  }
  out[0] = flat;
  return nullptr;
}

napi_value Outcome(napi_env env, Addon*, BackupFileJob& backup, napi_value* out) {
  out[0] = Number(env, static_cast<double>(backup.pages));
  return nullptr;
}

napi_value Outcome(napi_env env, Addon*, BackupProgressJob& progress, napi_value* out) {
  out[0] = Number(env, progress.total_pages);
  out[1] = Number(env, progress.remaining_pages);
  return nullptr;
}

// Copied into a fresh ArrayBuffer; the SQLite copy is freed with the job.
napi_value Bytes(napi_env env, const BytesOutcome& bytes, napi_value* out) {
  void* data = nullptr;
  napi_value buffer;
  size_t size = static_cast<size_t>(bytes.size);
  if (napi_create_arraybuffer(env, size, &data, &buffer) == napi_ok) {
    if (size > 0) std::memcpy(data, bytes.data.get(), size);
    napi_create_typedarray(env, napi_uint8_array, size, buffer, 0, &out[0]);
  }
  return TakeException(env);
}

napi_value Outcome(napi_env env, Addon*, SerializeJob& serialize, napi_value* out) {
  return Bytes(env, serialize.image, out);
}

napi_value Outcome(napi_env env, Addon*, SessionDiffJob& diff, napi_value* out) { return Bytes(env, diff.diff, out); }

napi_value Outcome(napi_env env, Addon*, FunctionJob& registration, napi_value* out) {
  napi_create_uint32(env, registration.replaced, &out[0]);
  return nullptr;
}

napi_value Outcome(napi_env env, Addon*, ApplyChangesetJob& apply, napi_value* out) {
  napi_get_boolean(env, apply.applied, &out[0]);
  return nullptr;
}

}  // namespace

void DeliverJob(napi_env env, napi_value on_complete, Addon* addon, Job& job) {
  napi_value argv[8];
  napi_value undefined = Undefined(env);
  double id = static_cast<double>(job.id);
  argv[0] = Number(env, job.kind == JobKind::BackupProgress ? -id : id);
  argv[1] = argv[2] = argv[3] = argv[4] = undefined;
  argv[5] = TracedQueries(env, job);
  napi_get_boolean(env, job.in_transaction, &argv[6]);
  argv[7] = undefined;  // thrownCall: 0 unless set below
  if (!job.ok) {
    argv[1] = MakeError(env, job.error);
    argv[7] = Number(env, static_cast<double>(job.thrown_call));
  } else {
    napi_value failed = std::visit([&](auto& payload) { return Outcome(env, addon, payload, &argv[2]); }, job.payload);
    if (failed != nullptr) argv[1] = failed;
  }
  napi_call_function(env, undefined, on_complete, 8, argv, nullptr);
}

void DeliverFailure(napi_env env, napi_value on_complete, const Job& job, const ErrorInfo& error) noexcept {
  if (job.kind == JobKind::BackupProgress) return;  // a report, not a completion: nothing waits on it
  napi_value argv[5];
  argv[0] = Number(env, static_cast<double>(job.id));
  argv[1] = MakeError(env, error);
  if (argv[1] == nullptr) argv[1] = Undefined(env);
  argv[2] = argv[3] = argv[4] = Undefined(env);
  napi_call_function(env, Undefined(env), on_complete, 5, argv, nullptr);
}

}  // namespace strand
