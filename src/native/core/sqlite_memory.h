// Memory SQLite allocated and the caller must give back with sqlite3_free (sqlite3_serialize's
// image, a changeset from sqlite3session_changeset, sqlite3_expanded_sql's text, ...), owned by a
// unique_ptr so every path frees it. Plain C++: either thread.
#pragma once
#include <memory>
#include "sqlite3.h"

namespace strand {

struct SqliteFree {
  void operator()(void* p) const { sqlite3_free(p); }
};

template <typename T>
using SqlitePtr = std::unique_ptr<T, SqliteFree>;

// A serialized database image (sqlite3_serialize).
using SqliteBytes = SqlitePtr<unsigned char>;

}  // namespace strand
