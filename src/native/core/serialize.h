// sqlite3_serialize / sqlite3_deserialize for both database kinds: DatabaseSync calls these on its
// JS thread, AsyncDatabase on its database thread (plain C++, no N-API: docs/ARCHITECTURE.md rule 1).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include "core/errors.h"
#include "core/sqlite_memory.h"
#include "sqlite3.h"

namespace strand {

// A copy of database `name` (sqlite3_serialize). SQLite reports a database it cannot copy (an
// unknown name, a failed PRAGMA page_count) as size -1 with no error of its own: node then throws
// the connection's current error, often "not an error" — so does the caller, from *error. An
// empty result (size 0, no data) is valid: an unwritable empty database.
bool SerializeDatabase(sqlite3* db, const std::string& name, SqliteBytes* data, int64_t* size, ErrorInfo* error);

// Replaces database `name` with a copy of `data` held in sqlite3_malloc'd memory that SQLite owns
// (FREEONCLOSE) and may grow (RESIZEABLE), as node does; the caller's buffer is not retained.
bool DeserializeDatabase(sqlite3* db, const std::string& name, const uint8_t* data, size_t size, ErrorInfo* error);

}  // namespace strand
