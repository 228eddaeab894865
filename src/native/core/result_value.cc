#include "core/result_value.h"

#include <string>

#include "core/bind.h"
#include "core/js_strings.h"

namespace strand {

const char kUnconvertibleResult[] = "Returned JavaScript value cannot be converted to a SQLite value";

namespace {

bool ConvertObject(napi_env env, napi_value value, ResultSink* sink) {
  bool is_promise = false;
  napi_is_promise(env, value, &is_promise);
  if (is_promise) {
    sink->Error("Asynchronous user-defined functions are not supported");
    return true;
  }
  const void* data = nullptr;
  size_t length = 0;
  bool is_array_buffer = false;
  if (ReadBinaryBytes(env, value, &data, &length, &is_array_buffer)) {
    // As when binding: node hands an empty ArrayBuffer (not an empty view) over as NULL.
    if (is_array_buffer && length == 0) {
      sink->Null();
    } else {
      sink->Blob(data, length);
    }
    return true;
  }
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return false;
  sink->Error(kUnconvertibleResult);
  return true;
}

}  // namespace

bool ConvertResult(napi_env env, napi_value value, ResultSink* sink) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  switch (type) {
    case napi_undefined:
    case napi_null:
      sink->Null();
      return true;
    case napi_number: {
      double number = 0;
      napi_get_value_double(env, value, &number);
      sink->Real(number);
      return true;
    }
    case napi_bigint: {
      int64_t integer = 0;
      bool lossless = false;
      napi_get_value_bigint_int64(env, value, &integer, &lossless);
      if (lossless) {
        sink->Integer(integer);
      } else {
        sink->Error("BigInt value is too large for SQLite");
      }
      return true;
    }
    case napi_string: {
      std::string text;
      if (!ReadUtf8(env, value, &text)) return false;
      sink->Text(text.data(), text.size());
      return true;
    }
    case napi_object:
      return ConvertObject(env, value, sink);
    default:
      sink->Error(kUnconvertibleResult);
      return true;
  }
}

}  // namespace strand
