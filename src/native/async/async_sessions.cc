// AsyncDatabase sessions and applyChangeset on the database thread. Rules S1–S6 in
// async_sessions.h.
#include "async/async_sessions.h"

#include <memory>
#include <optional>
#include <string>

#include "async/async_database.h"
#include "async/async_functions.h"
#include "core/cpp_exceptions.h"
#include "core/messages.h"

namespace strand {

namespace {

ErrorInfo SessionNotOpen() {
  return ErrorInfo::InvalidState(kSessionNotOpen);
}

// The database thread's side of one applyChangeset (S4, S5).
struct ApplyState {
  AsyncCore* core;
  uint32_t entry;  // FunctionTable entry holding the callbacks
  bool has_filter;
  bool has_conflict;
  uint64_t threw = 0;    // the call whose callback threw (S5)
  bool stopped = false;  // cancelled, or teardown (S4)
  std::optional<ErrorInfo> exception;  // a C++ exception in a callback (cpp_exceptions.h E1)
};

// One callback call; the number it answered, or nullopt-like false when it did not answer.
bool Ask(ApplyState* state, CallType type, SqlValue arg, double* answer) {
  if (StopRequested(state->core)) {
    state->stopped = true;
    return false;
  }
  auto call = std::make_shared<FunctionCall>();
  call->id = state->core->next_call++;
  call->type = type;
  call->function = state->entry;
  call->args.push_back(std::move(arg));
  if (!RoundTrip(state->core, call)) {
    state->stopped = true;
    return false;
  }
  switch (call->outcome) {
    case FunctionCall::Outcome::Threw:
      state->threw = call->id;
      return false;
    case FunctionCall::Outcome::Value:
      if (call->result.type == SqlValue::Type::Real) {
        *answer = call->result.real;
        return true;
      }
      if (call->result.type == SqlValue::Type::Integer) {
        *answer = static_cast<double>(call->result.integer);
        return true;
      }
      [[fallthrough]];
    case FunctionCall::Outcome::OutOfMemory:
      state->exception = ErrorInfo::OutOfMemory();
      return false;
    case FunctionCall::Outcome::Failed:
    default:
      // The FunctionTable always answers a number; anything else means the call broke.
      state->stopped = true;
      return false;
  }
}

// SQLite's callbacks: an exception (out of memory making the call) is kept for the job's error
// and answers "skip" / "abort", so SQLite unwinds normally.
template <typename Body>
int Guarded(ApplyState* state, int on_exception, Body&& body) noexcept {
  try {
    return body();
  } catch (...) {
    if (!state->exception) state->exception = ErrorFromCurrentException();
    return on_exception;
  }
}

int FilterTable(void* data, const char* table) {
  auto* state = static_cast<ApplyState*>(data);
  if (!state->has_filter) return 1;
  if (state->threw != 0 || state->stopped || state->exception) return 0;
  return Guarded(state, 0, [&] {
    double keep = 0;
    if (!Ask(state, CallType::Filter, SqlValue::Text(table != nullptr ? table : ""), &keep)) return 0;
    return keep != 0 ? 1 : 0;
  });
}

int ResolveConflict(void* data, int conflict_type, sqlite3_changeset_iter*) {
  auto* state = static_cast<ApplyState*>(data);
  if (!state->has_conflict || state->threw != 0 || state->stopped || state->exception) return SQLITE_CHANGESET_ABORT;
  return Guarded(state, SQLITE_CHANGESET_ABORT, [&] {
    double answer = 0;
    if (!Ask(state, CallType::Conflict, SqlValue::Integer(conflict_type), &answer)) return SQLITE_CHANGESET_ABORT;
    // An int32 (or -1, which SQLite rejects with SQLITE_MISUSE like any other wrong answer).
    return static_cast<int>(answer);
  });
}

}  // namespace

void CreateSession(AsyncCore* core, Job& job, const SessionCreateJob& create) {
  // The map slot first: it is the one step that can throw, and nothing is owned yet (a
  // sqlite3_session lost to an exception would outlive its connection's close).
  sqlite3_session*& slot = core->sessions[create.session];
  if (slot != nullptr) {  // ids are never reused; defensive only
    sqlite3session_delete(slot);
    slot = nullptr;
  }
  sqlite3_session* session = nullptr;
  if (sqlite3session_create(core->db, create.schema.c_str(), &session) != SQLITE_OK) {
    core->sessions.erase(create.session);
    job.Fail(ErrorInfo::Sqlite(core->db));
    return;
  }
  // Table "" records every table, as DatabaseSync#createSession does.
  if (sqlite3session_attach(session, create.table.empty() ? nullptr : create.table.c_str()) != SQLITE_OK) {
    job.Fail(ErrorInfo::Sqlite(core->db));
    sqlite3session_delete(session);
    core->sessions.erase(create.session);
    return;
  }
  core->sessions[create.session] = session;
}

void DiffSession(AsyncCore* core, Job& job, SessionDiffJob& diff, bool patchset) {
  auto found = core->sessions.find(diff.session);
  if (found == core->sessions.end()) return job.Fail(SessionNotOpen());
  auto generate = patchset ? sqlite3session_patchset : sqlite3session_changeset;
  int size = 0;
  void* raw = nullptr;
  int rc = generate(found->second, &size, &raw);
  diff.diff.data.reset(static_cast<unsigned char*>(raw));  // owned by the job on every path (S3)
  if (rc != SQLITE_OK) return job.Fail(ErrorInfo::Sqlite(core->db));
  diff.diff.size = size;
}

void CloseSession(AsyncCore* core, const SessionCloseJob& close) {
  auto found = core->sessions.find(close.session);
  if (found == core->sessions.end()) return;
  sqlite3session_delete(found->second);
  core->sessions.erase(found);
}

void ApplyChangeset(AsyncCore* core, Job& job, ApplyChangesetJob& apply) {
  ApplyState state{core, apply.callbacks, apply.has_filter, apply.has_conflict, 0, false, std::nullopt};
  int rc = sqlite3changeset_apply(core->db, static_cast<int>(apply.changeset.size()), apply.changeset.data(),
                                  FilterTable, ResolveConflict, &state);
  if (state.threw != 0) {
    job.Fail(ErrorInfo{ErrorKind::Error, "ERR_SQLITE_ERROR", ThrownMessage(state.threw), 0});
    job.thrown_call = state.threw;  // S5: JS rejects with the value itself
  } else if (state.exception) {
    job.Fail(std::move(*state.exception));
  } else if (state.stopped || StopRequested(core)) {
    job.Fail(ErrorInfo::ResultCode(SQLITE_INTERRUPT));
  } else if (rc == SQLITE_OK || rc == SQLITE_ABORT) {
    apply.applied = rc == SQLITE_OK;
  } else {
    job.Fail(ErrorInfo::ResultCode(rc));
  }
}

void DeleteAllSessions(AsyncCore* core) {
  for (auto& [id, session] : core->sessions) sqlite3session_delete(session);
  core->sessions.clear();
}

}  // namespace strand
