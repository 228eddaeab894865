// Which prepared statements are plain reads: queries that read the database and do nothing else,
// so running one inside a transaction it did not open means exactly what running it alone means.
// The async API batches only these into read runs (async_database.h, rule 10).
//
// sqlite3_stmt_readonly() is not enough: SQLite calls "read-only" every statement that does not
// write the database file itself — BEGIN (deferred), COMMIT/END, ROLLBACK, SAVEPOINT, RELEASE,
// ATTACH, DETACH, REINDEX (with nothing to rebuild), EXPLAIN, and most PRAGMAs (foreign_keys,
// defer_foreign_keys, query_only, cache_size, ...). Inside a transaction each of those changes
// meaning: it fails, ends or nests in the surrounding transaction, is a no-op, or is undone when
// it commits.
//
// A plain read is read-only AND begins — after whitespace and comments, as SQLite's tokenizer
// skips them — with the keyword SELECT, WITH or VALUES. Why this test:
//   - an allow-list, not a deny-list: SQLite's grammar makes a statement beginning with one of
//     these a query, or (WITH …) an INSERT/UPDATE/DELETE, which is never read-only. A deny-list
//     of BEGIN/COMMIT/PRAGMA/... would let any statement kind it forgot (REINDEX above) or a
//     future one slip in;
//   - sqlite3_stmt_isexplain() recognises EXPLAIN only, not transaction control or PRAGMA;
//   - inspecting the VDBE program (OP_AutoCommit, OP_Savepoint, OP_Pragma, ...) depends on
//     opcode names and code generation that change between SQLite versions.
// EXPLAIN statements are left out (they are harmless, but not worth a special case).
#pragma once
#include "sqlite3.h"

namespace strand {

// True when `stmt` is a plain read (see above). Cheap, but meant to be computed once per prepare.
bool IsPlainRead(sqlite3_stmt* stmt);

// True while a VACUUM statement of `db` runs (a busy statement whose text begins with VACUUM).
// Walks the connection's statements: for rare paths only (database_authorizer.cc).
bool VacuumRunning(sqlite3* db);

}  // namespace strand
