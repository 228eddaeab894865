#include "core/serialize.h"

#include <cstring>

namespace strand {

bool SerializeDatabase(sqlite3* db, const std::string& name, SqliteBytes* data, int64_t* size, ErrorInfo* error) {
  sqlite3_int64 length = -1;
  unsigned char* bytes = sqlite3_serialize(db, name.c_str(), &length, 0);
  data->reset(bytes);
  if (bytes == nullptr && length != 0) {
    *error = ErrorInfo::Sqlite(db);
    return false;
  }
  *size = length;
  return true;
}

bool DeserializeDatabase(sqlite3* db, const std::string& name, const uint8_t* data, size_t size, ErrorInfo* error) {
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(size));
  if (copy == nullptr) {
    *error = ErrorInfo::SqliteCode(SQLITE_NOMEM);
    return false;
  }
  std::memcpy(copy, data, size);
  // On failure SQLite frees `copy` itself (FREEONCLOSE), so it is never ours past this call.
  int rc = sqlite3_deserialize(db, name.c_str(), copy, static_cast<sqlite3_int64>(size),
                               static_cast<sqlite3_int64>(size),
                               SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  if (rc != SQLITE_OK) {
    *error = ErrorInfo::Sqlite(db);
    return false;
  }
  return true;
}

}  // namespace strand
