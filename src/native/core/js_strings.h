// Reading JS strings and value types (and making nullable strings) with raw N-API, on the JS thread. Raw on purpose: these run
// on paths where the env may be terminating, and node-addon-api would throw a C++ exception there.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include "core/errors.h"
#include "napi_config.h"

namespace strand {

inline bool IsType(napi_env env, napi_value value, napi_valuetype wanted) {
  napi_valuetype type;
  return napi_typeof(env, value, &type) == napi_ok && type == wanted;
}

inline bool IsString(napi_env env, napi_value value) { return IsType(env, value, napi_string); }
inline bool IsFunction(napi_env env, napi_value value) { return IsType(env, value, napi_function); }
// An object or a function: what can hold properties (typeof "object" minus null, or "function").
inline bool IsObjectLike(napi_env env, napi_value value) {
  napi_valuetype type;
  return napi_typeof(env, value, &type) == napi_ok && (type == napi_object || type == napi_function);
}

// `text` as a JS string, or null for a null pointer (SQLite's optional names and texts).
inline napi_value NullableString(napi_env env, const char* text) {
  napi_value value = nullptr;
  if (text == nullptr) napi_get_null(env, &value);
  else napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value);
  return value;
}

// The UTF-8 bytes of the string `value` into *out; false when N-API fails (not a string, or the
// env is terminating).
inline bool ReadUtf8(napi_env env, napi_value value, std::string* out) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return false;
  out->resize(length);
  return napi_get_value_string_utf8(env, value, out->data(), length + 1, &length) == napi_ok;
}

// The same for a value already known to be a string: "" if N-API fails.
inline std::string ReadUtf8(napi_env env, napi_value value) {
  std::string text;
  if (!ReadUtf8(env, value, &text)) text.clear();
  return text;
}

// An optional string argument or option: undefined leaves *out as it is, a string is read into
// it, anything else throws ERR_INVALID_ARG_TYPE `The "<name>" argument must be a string.` (false).
inline bool ReadOptionalString(napi_env env, napi_value value, const char* name, std::string* out) {
  if (IsType(env, value, napi_undefined)) return true;
  if (!IsString(env, value)) {
    ThrowInvalidArgType(env, ArgumentMustBe(name, "a string"));
    return false;
  }
  *out = ReadUtf8(env, value);
  return true;
}

// V8's Value::IsInt32(), which node checks for integer answers (an authorizer's verdict,
// onConflict's): a number with an int32 value, and not -0.
inline bool ReadInt32(napi_env env, napi_value value, int32_t* out) {
  double number = 0;
  if (!IsType(env, value, napi_number) || napi_get_value_double(env, value, &number) != napi_ok) return false;
  if (!(number >= -2147483648.0 && number <= 2147483647.0) || std::trunc(number) != number) return false;
  if (number == 0 && std::signbit(number)) return false;
  *out = static_cast<int32_t>(number);
  return true;
}

// options[key] when it is a boolean, else `fallback`: reading option objects the TypeScript layer
// has already validated (undefined entries keep their defaults).
inline bool ReadBoolOption(const Napi::Object& options, const char* key, bool fallback) {
  Napi::Value value = options.Get(key);
  return value.IsBoolean() ? value.As<Napi::Boolean>().Value() : fallback;
}

}  // namespace strand
