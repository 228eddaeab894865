#include "core/result_value.h"

#include <string>

#include "core/bind.h"
#include "core/js_strings.h"

namespace strand {

const char kUnconvertibleResult[] = "Returned JavaScript value cannot be converted to a SQLite value";

namespace {

bool IsView(napi_env env, napi_value value) {
  bool flag = false;
  if (napi_is_typedarray(env, value, &flag) == napi_ok && flag) return true;
  return napi_is_dataview(env, value, &flag) == napi_ok && flag;
}

bool ConvertObject(napi_env env, napi_value value, ResultSource source, ResultSink* sink) {
  if (source == ResultSource::Function) {
    bool is_promise = false;
    napi_is_promise(env, value, &is_promise);
    if (is_promise) {
      sink->Error("Asynchronous user-defined functions are not supported");
      return true;
    }
  } else if (!IsView(env, value)) {
    // A virtual table cell is a BLOB only as an ArrayBufferView, as in node.
    sink->Error(kUnconvertibleResult);
    return true;
  }
  const void* data = nullptr;
  size_t length = 0;
  bool is_array_buffer = false;
  if (ReadBinaryBytes(env, value, &data, &length, &is_array_buffer)) {
    sink->Blob(data, length);
    return true;
  }
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return false;
  sink->Error(kUnconvertibleResult);
  return true;
}

}  // namespace

bool ConvertResult(napi_env env, napi_value value, ResultSource source, ResultSink* sink) {
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
      return ConvertObject(env, value, source, sink);
    default:
      sink->Error(kUnconvertibleResult);
      return true;
  }
}

}  // namespace strand
