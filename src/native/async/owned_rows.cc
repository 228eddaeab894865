#include "async/owned_rows.h"

#include <new>

#include "core/column_values.h"
#include "core/fault_injection.h"
#include "core/safe_integer.h"

namespace strand {


bool OwnedRows::AppendRow(sqlite3_stmt* stmt, int column_count, bool read_bigints, ErrorInfo* error) {
  if (STRAND_FAULT(RowAlloc)) throw std::bad_alloc();  // tests only (fault_injection.h)
  const size_t cells_before = tags.size();
  const size_t boxed_before = boxed.size();
  for (int c = 0; c < column_count; c++) {
    int type = sqlite3_column_type(stmt, c);
    double number = 0;
    uint8_t tag = kNumber;
    switch (type) {
      case SQLITE_FLOAT:
        number = sqlite3_column_double(stmt, c);
        break;
      case SQLITE_INTEGER: {
        int64_t integer = sqlite3_column_int64(stmt, c);
        if (read_bigints) {
          tag = kBoxed;
          boxed.push_back(OwnedBoxed{OwnedBoxed::Kind::BigInt, integer, {}});
        } else if (!IsSafeInteger(integer)) {
          *error = UnsafeIntegerError(integer);
          // Leave no partial row behind: the rows before this one stay deliverable.
          tags.resize(cells_before);
          numbers.resize(cells_before);
          boxed.resize(boxed_before);
          return false;
        } else {
          number = static_cast<double>(integer);
        }
        break;
      }
      case SQLITE_TEXT:
      case SQLITE_BLOB: {
        const char* data = type == SQLITE_TEXT ? reinterpret_cast<const char*>(sqlite3_column_text(stmt, c))
                                               : static_cast<const char*>(sqlite3_column_blob(stmt, c));
        int length = sqlite3_column_bytes(stmt, c);
        tag = kBoxed;
        OwnedBoxed value{type == SQLITE_TEXT ? OwnedBoxed::Kind::Text : OwnedBoxed::Kind::Blob, 0, {}};
        if (length > 0) value.bytes.assign(data, static_cast<size_t>(length));
        bytes += static_cast<size_t>(length) + sizeof(OwnedBoxed);
        boxed.push_back(std::move(value));
        break;
      }
      default:
        tag = kNull;
        break;
    }
    tags.push_back(tag);
    numbers.push_back(number);
  }
  bytes += static_cast<size_t>(column_count) * 9;
  rows++;
  return true;
}

napi_value OwnedRows::Publish(napi_env env, RowScratch& scratch, uint32_t columns, bool new_columns) const {
  napi_value array = nullptr;
  if (boxed.empty()) {
    napi_get_null(env, &array);
  } else {
    napi_create_array_with_length(env, boxed.size(), &array);
    for (size_t i = 0; i < boxed.size(); i++) {
      const OwnedBoxed& value = boxed[i];
      napi_value js = nullptr;
      switch (value.kind) {
        case OwnedBoxed::Kind::Text:
          napi_create_string_utf8(env, value.bytes.data(), value.bytes.size(), &js);
          break;
        case OwnedBoxed::Kind::Blob:
          js = NewBlob(env, value.bytes.data(), value.bytes.size());
          break;
        case OwnedBoxed::Kind::BigInt:
          napi_create_bigint_int64(env, value.integer, &js);
          break;
      }
      if (js == nullptr) return nullptr;
      napi_set_element(env, array, static_cast<uint32_t>(i), js);
    }
  }
  if (!scratch.Publish(env, tags.data(), numbers.data(), tags.size(), rows, columns, new_columns)) return nullptr;
  return array;
}

}  // namespace strand
