// Query diagnostics of an AsyncDatabase, database-thread side (async_database.h rule 12): the
// same SQLITE_TRACE_PROFILE hook DatabaseSync uses (database_trace.cc), so the same statements
// are reported — each statement of an exec, the statements SQLite runs for sessions, changesets,
// serialize and deserialize, a statement that ends in an error — with the same text and the
// same duration. Here they are only recorded into the running job; the JS thread publishes them
// when the job completes. No N-API (rule 1).
#include "async/async_database.h"
#include "core/sqlite_memory.h"

namespace strand {

namespace {

int RecordQuery(unsigned int type, void* data, void* statement, void* elapsed) {
  auto* core = static_cast<AsyncCore*>(data);
  // Outside a traced job (between jobs: the read-run BEGIN/COMMIT) nothing is recorded.
  if (type != SQLITE_TRACE_PROFILE || core->traced_job == nullptr) return 0;
  auto* stmt = static_cast<sqlite3_stmt*>(statement);
  TracedQuery query;
  // node's sql: the expanded text, or the source when expanding would exceed the limits.
  SqlitePtr<char> expanded(sqlite3_expanded_sql(stmt));
  const char* text = expanded != nullptr ? expanded.get() : sqlite3_sql(stmt);
  if (text != nullptr) query.sql = text;
  query.nanoseconds = *static_cast<sqlite3_int64*>(elapsed);
  core->traced_job->queries.push_back(std::move(query));
  return 0;
}

void InstallHook(AsyncCore* core, bool on) {
  if (core->db == nullptr || core->trace_installed == on) return;
  if (on) sqlite3_trace_v2(core->db, SQLITE_TRACE_PROFILE, RecordQuery, core);
  else sqlite3_trace_v2(core->db, 0, nullptr, nullptr);
  core->trace_installed = on;
}

}  // namespace

void BeginJobTrace(AsyncCore* core, Job& job) {
  InstallHook(core, job.trace);
  core->traced_job = job.trace ? &job : nullptr;
}

void EndJobTrace(AsyncCore* core) {
  core->traced_job = nullptr;
  // A Close job took the hook with the connection.
  if (core->db == nullptr) core->trace_installed = false;
}

}  // namespace strand
