#include "core/column_values.h"

#include <string>
#include <cstring>
#include <new>
#include "core/errors.h"
#include "core/fault_injection.h"
#include "core/safe_integer.h"

namespace strand {

bool RequireSafeInteger(napi_env env, int64_t value) {
  if (IsSafeInteger(value)) return true;
  ThrowCodedError(env, ErrorKind::RangeError, "ERR_OUT_OF_RANGE", UnsafeIntegerMessage(value));
  return false;
}

napi_value Int64ToJs(napi_env env, int64_t value, bool as_bigint) {
  napi_value result = nullptr;
  if (as_bigint) {
    napi_create_bigint_int64(env, value, &result);
  } else if (RequireSafeInteger(env, value)) {
    napi_create_double(env, static_cast<double>(value), &result);
  }
  return result;
}

napi_value NewBlob(napi_env env, const void* data, size_t length) {
  void* bytes = nullptr;
  napi_value buffer, result = nullptr;
  if (napi_create_arraybuffer(env, length, &bytes, &buffer) != napi_ok) return nullptr;
  if (length > 0) std::memcpy(bytes, data, length);
  napi_create_typedarray(env, napi_uint8_array, length, buffer, 0, &result);
  return result;
}

napi_value SqliteValueToJs(napi_env env, sqlite3_value* value, bool as_bigint) {
  napi_value result = nullptr;
  switch (value == nullptr ? SQLITE_NULL : sqlite3_value_type(value)) {
    case SQLITE_INTEGER:
      return Int64ToJs(env, sqlite3_value_int64(value), as_bigint);
    case SQLITE_FLOAT:
      napi_create_double(env, sqlite3_value_double(value), &result);
      return result;
    case SQLITE_TEXT: {
      const char* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
      napi_create_string_utf8(env, text == nullptr ? "" : text, static_cast<size_t>(sqlite3_value_bytes(value)),
                              &result);
      return result;
    }
    case SQLITE_BLOB:
      return NewBlob(env, sqlite3_value_blob(value), static_cast<size_t>(sqlite3_value_bytes(value)));
    default:
      napi_get_null(env, &result);
      return result;
  }
}

napi_value ColumnToJs(napi_env env, sqlite3_stmt* stmt, int column, bool read_bigints) {
  napi_value result = nullptr;
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
      return Int64ToJs(env, sqlite3_column_int64(stmt, column), read_bigints);
    case SQLITE_FLOAT:
      napi_create_double(env, sqlite3_column_double(stmt, column), &result);
      return result;
    case SQLITE_TEXT: {
      const char* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
      int length = sqlite3_column_bytes(stmt, column);
      napi_create_string_utf8(env, text, static_cast<size_t>(length), &result);
      return result;
    }
    case SQLITE_BLOB: {
      const void* data = sqlite3_column_blob(stmt, column);
      int length = sqlite3_column_bytes(stmt, column);
      return NewBlob(env, data, static_cast<size_t>(length));
    }
    default:
      napi_get_null(env, &result);
      return result;
  }
}

bool CollectRowCells(napi_env env, sqlite3_stmt* stmt, int column_count, bool read_bigints, RowBuffer* cells) {
  if (STRAND_FAULT(RowAlloc)) throw std::bad_alloc();  // tests only (fault_injection.h)
  for (int c = 0; c < column_count; c++) {
    int type = sqlite3_column_type(stmt, c);
    if (type == SQLITE_FLOAT || (type == SQLITE_INTEGER && !read_bigints)) {
      double number;
      if (type == SQLITE_FLOAT) {
        number = sqlite3_column_double(stmt, c);
      } else {
        int64_t integer = sqlite3_column_int64(stmt, c);
        if (!RequireSafeInteger(env, integer)) return false;
        number = static_cast<double>(integer);
      }
      cells->tags.push_back(kNumber);
      cells->numbers.push_back(number);
    } else if (type == SQLITE_NULL) {
      cells->tags.push_back(kNull);
      cells->numbers.push_back(0);
    } else {
      napi_value value = ColumnToJs(env, stmt, c, read_bigints);
      if (value == nullptr) return false;
      cells->boxed.push_back(value);
      cells->tags.push_back(kBoxed);
      cells->numbers.push_back(0);
    }
  }
  return true;
}

}  // namespace strand
