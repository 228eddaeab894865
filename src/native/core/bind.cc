#include "core/bind.h"

#include <vector>

#include "addon.h"
#include "core/js_strings.h"

namespace strand {

namespace {

// Raw N-API (bind.h): FunctionReference::Value() throws a C++ exception once the env terminates.
bool IsSharedArrayBuffer(napi_env env, napi_value value) {
  Addon* addon = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&addon));
  if (addon == nullptr || addon->shared_array_buffer_constructor.IsEmpty()) return false;
  napi_value constructor = nullptr;
  bool result = false;
  if (napi_get_reference_value(env, addon->shared_array_buffer_constructor, &constructor) != napi_ok ||
      constructor == nullptr || napi_instanceof(env, value, constructor, &result) != napi_ok) {
    return false;
  }
  return result;
}

size_t ElementSize(napi_typedarray_type type) {
  switch (type) {
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: return 8;
    default: return 1;
  }
}

// N-API cannot read a SharedArrayBuffer directly; a Uint8Array over it can be. It is still a bare
// buffer, not a view (*is_array_buffer): node binds an empty one as NULL, as an empty ArrayBuffer.
bool ReadSharedArrayBufferBytes(napi_env env, napi_value value, const void** data, size_t* length,
                                bool* is_array_buffer) {
  Addon* addon = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&addon));
  napi_value constructor, view;
  if (napi_get_reference_value(env, addon->uint8_array_constructor, &constructor) != napi_ok ||
      napi_new_instance(env, constructor, 1, &value, &view) != napi_ok ||
      !ReadBinaryBytes(env, view, data, length, is_array_buffer)) {
    return false;
  }
  *is_array_buffer = true;
  return true;
}

}  // namespace

bool ReadBinaryBytes(napi_env env, napi_value value, const void** data, size_t* length, bool* is_array_buffer) {
  *is_array_buffer = false;
  bool flag = false;
  napi_value ignored;
  size_t offset;
  void* bytes = nullptr;
  if (napi_is_typedarray(env, value, &flag) == napi_ok && flag) {
    napi_typedarray_type type;
    size_t elements;
    napi_get_typedarray_info(env, value, &type, &elements, &bytes, &ignored, &offset);
    *data = bytes;
    *length = elements * ElementSize(type);
    return true;
  }
  if (napi_is_dataview(env, value, &flag) == napi_ok && flag) {
    napi_get_dataview_info(env, value, length, &bytes, &ignored, &offset);
    *data = bytes;
    return true;
  }
  if (napi_is_arraybuffer(env, value, &flag) == napi_ok && flag) {
    napi_get_arraybuffer_info(env, value, &bytes, length);
    *data = bytes;
    *is_array_buffer = true;
    return true;
  }
  return IsSharedArrayBuffer(env, value) && ReadSharedArrayBufferBytes(env, value, data, length, is_array_buffer);
}

namespace {

// Visits a JS value as one of SQLite's storage classes, without owning it: text and blob bytes
// are only valid during the callback. A value that cannot be bound goes to sink.Fail(); the
// sink's result is returned (false: a pending exception). One step per JS type below.

template <typename Sink>
bool VisitString(napi_env env, napi_value value, Sink& sink) {
  // Short strings are converted once into a stack buffer: the UTF-16 length is free to read and
  // bounds the UTF-8 size (at most 3 bytes per unit). Longer ones are measured first.
  char small[256];
  size_t units = 0, length = 0;
  napi_get_value_string_utf16(env, value, nullptr, 0, &units);
  if (units * 3 < sizeof(small)) {
    napi_get_value_string_utf8(env, value, small, sizeof(small), &length);
    return sink.Text(small, length);
  }
  napi_get_value_string_utf8(env, value, nullptr, 0, &length);
  std::vector<char> large(length + 1);
  napi_get_value_string_utf8(env, value, large.data(), length + 1, &length);
  return sink.Text(large.data(), length);
}

template <typename Sink>
bool VisitBoolean(napi_env env, napi_value value, Sink& sink) {
  bool b;
  napi_get_value_bool(env, value, &b);
  return sink.Integer(b ? 1 : 0);
}

template <typename Sink>
bool VisitBigInt(napi_env env, napi_value value, Sink& sink) {
  int64_t v;
  bool lossless = false;
  napi_get_value_bigint_int64(env, value, &v, &lossless);
  if (!lossless) return sink.Fail(ConversionFailure::BigIntTooLarge);
  return sink.Integer(v);
}

// An object binds only as bytes (ArrayBuffer, SharedArrayBuffer, any ArrayBufferView).
template <typename Sink>
bool VisitObject(napi_env env, napi_value value, Sink& sink) {
  const void* data = nullptr;
  size_t length = 0;
  bool is_array_buffer = false;
  if (!ReadBinaryBytes(env, value, &data, &length, &is_array_buffer)) return sink.Fail(ConversionFailure::Unbindable);
  // node:sqlite binds an empty ArrayBuffer (unlike an empty view) as NULL.
  if (is_array_buffer && length == 0) return sink.Null();
  return sink.Blob(data, length);
}

template <typename Sink>
bool VisitJsValue(napi_env env, napi_value value, Sink&& sink) {
  // Numbers are the most common parameter: one call instead of typeof + read.
  double number;
  if (napi_get_value_double(env, value, &number) == napi_ok) return sink.Real(number);
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  switch (type) {
    case napi_string: return VisitString(env, value, sink);
    case napi_null:
    case napi_undefined: return sink.Null();
    case napi_boolean: return VisitBoolean(env, value, sink);
    case napi_bigint: return VisitBigInt(env, value, sink);
    case napi_object: return VisitObject(env, value, sink);
    default: return sink.Fail(ConversionFailure::Unbindable);
  }
}

struct StatementSink {
  napi_env env;
  sqlite3* db;
  sqlite3_stmt* stmt;
  int index;
  bool Check(int rc) {
    if (rc == SQLITE_OK) return true;
    ThrowSqliteError(env, db);
    return false;
  }
  bool Null() { return Check(sqlite3_bind_null(stmt, index)); }
  bool Integer(int64_t v) { return Check(sqlite3_bind_int64(stmt, index, v)); }
  bool Real(double v) { return Check(sqlite3_bind_double(stmt, index, v)); }
  bool Text(const char* s, size_t n) { return Check(sqlite3_bind_text64(stmt, index, s, n, SQLITE_TRANSIENT, SQLITE_UTF8)); }
  bool Blob(const void* p, size_t n) {
    // A zero-length blob must still be a blob, not NULL: SQLite binds NULL for a null pointer.
    static const char kEmpty = 0;
    return Check(sqlite3_bind_blob64(stmt, index, n == 0 ? &kEmpty : p, n, SQLITE_TRANSIENT));
  }
  bool Fail(ConversionFailure failure) {
    ThrowError(env, ConversionError(failure, index));
    return false;
  }
};

// The async path's sink: an owned copy, or the failure recorded for the database thread.
struct OwnedSink {
  SqlValue* out;
  ConversionFailure* failure;
  bool Fail(ConversionFailure f) { *failure = f; return true; }
  bool Null() { *out = SqlValue::Null(); return true; }
  bool Integer(int64_t v) { *out = SqlValue::Integer(v); return true; }
  bool Real(double v) { *out = SqlValue::Real(v); return true; }
  bool Text(const char* s, size_t n) { *out = SqlValue::Text(std::string(s, n)); return true; }
  bool Blob(const void* p, size_t n) { *out = SqlValue::Blob(p, n); return true; }
};

bool BuildBareNames(sqlite3_stmt* stmt, BareNameMap* out, ErrorInfo* error) {
  int count = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= count; i++) {
    // ?NNN counts too (node's map has "1" for ?1, which a key "1" then binds).
    const char* full = sqlite3_bind_parameter_name(stmt, i);
    if (full == nullptr) continue;
    std::string bare(full + 1);
    auto found = out->find(bare);
    if (found != out->end() && found->second != i) {
      const char* existing = sqlite3_bind_parameter_name(stmt, found->second);
      *error = ErrorInfo::InvalidState("Cannot create bare named parameter '" + bare +
                                       "' because of conflicting names '" + existing + "' and '" + full + "'.");
      return false;
    }
    out->emplace(std::move(bare), i);
  }
  return true;
}

bool OwnKeys(napi_env env, napi_value object, napi_value* keys, uint32_t* count) {
  if (napi_get_all_property_names(env, object, napi_key_own_only,
                                  static_cast<napi_key_filter>(napi_key_enumerable | napi_key_skip_symbols),
                                  napi_key_numbers_to_strings, keys) != napi_ok) {
    return false;
  }
  return napi_get_array_length(env, *keys, count) == napi_ok;
}


// node's walk over a named-parameter object, shared by both paths: its own enumerable string
// keys, in order. start(count) runs once the keys are known, before the first; visit(key, name)
// then runs for each key until it returns Stop or Fail.
enum class KeyWalk { Continue, Stop, Fail };

template <typename Start, typename Visit>
KeyWalk WalkNamedKeys(napi_env env, napi_value object, Start&& start, Visit&& visit) {
  napi_value keys;
  uint32_t count = 0;
  if (!OwnKeys(env, object, &keys, &count) || !start(count)) return KeyWalk::Fail;
  for (uint32_t k = 0; k < count; k++) {
    napi_value key;
    napi_get_element(env, keys, k, &key);
    KeyWalk step = visit(key, ReadUtf8(env, key));
    if (step != KeyWalk::Continue) return step;
  }
  return KeyWalk::Continue;
}

// Sync path: binds each key's value as it goes (node's order, bind.h).
bool BindNamedObject(napi_env env, sqlite3* db, sqlite3_stmt* stmt, napi_value object, const BindOptions& options,
                     std::optional<BareNameMap>* bare_names) {
  ErrorInfo error;
  auto prepare_bare_names = [&](uint32_t) {
    if (PrepareBareNames(stmt, options, bare_names, &error)) return true;
    ThrowError(env, error);
    return false;
  };
  auto bind_key = [&](napi_value key, std::string name) {
    int index = ResolveNamedParameter(stmt, name, options, bare_names, &error);
    if (index < 0) {
      ThrowError(env, error);
      return KeyWalk::Fail;
    }
    if (index == 0) return KeyWalk::Continue;  // unknown, and unknown names are allowed
    napi_value value;
    if (napi_get_property(env, object, key, &value) != napi_ok) return KeyWalk::Fail;
    return VisitJsValue(env, value, StatementSink{env, db, stmt, index}) ? KeyWalk::Continue : KeyWalk::Fail;
  };
  return WalkNamedKeys(env, object, prepare_bare_names, bind_key) != KeyWalk::Fail;
}

// Async path: reads and converts every key's value; Stop where binding will stop (see below).
KeyWalk ReadNamedObject(napi_env env, napi_value object, const BindOptions& options, SqlParams* out) {
  out->named_object = true;
  auto reserve = [&](uint32_t count) {
    out->named.reserve(count);
    return true;
  };
  auto read_key = [&](napi_value key, std::string name) {
    NamedSqlValue named;
    named.name = std::move(name);
    napi_value value;
    if (napi_get_property(env, object, key, &value) != napi_ok) return KeyWalk::Fail;
    if (!JsToSqlValue(env, value, &named.value, &named.failure)) return KeyWalk::Fail;
    bool failed = named.failure != ConversionFailure::None;
    out->named.push_back(std::move(named));
    // Binding stops at this key (an unknown-name error or this failure) unless the key may be
    // skipped as unknown; the sync path reads nothing after it, and neither does this.
    return failed && !options.allow_unknown_named ? KeyWalk::Stop : KeyWalk::Continue;
  };
  return WalkNamedKeys(env, object, reserve, read_key);
}

}  // namespace

bool IsNamedParameterObject(napi_env env, napi_value value) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type != napi_object && type != napi_function) return false;
  bool flag = false;
  napi_is_typedarray(env, value, &flag);
  if (flag) return false;
  napi_is_dataview(env, value, &flag);
  if (flag) return false;
  napi_is_arraybuffer(env, value, &flag);
  return !flag && !IsSharedArrayBuffer(env, value);
}

bool JsToSqlValue(napi_env env, napi_value value, SqlValue* out, ConversionFailure* failure) {
  return VisitJsValue(env, value, OwnedSink{out, failure});
}

ErrorInfo ConversionError(ConversionFailure failure, int index) {
  if (failure == ConversionFailure::BigIntTooLarge) {
    return ErrorInfo::Coded(ErrorKind::TypeError, "ERR_INVALID_ARG_VALUE", "BigInt value is too large to bind.");
  }
  return ErrorInfo::Coded(ErrorKind::TypeError, "ERR_INVALID_ARG_TYPE",
                          "Provided value cannot be bound to SQLite parameter " + std::to_string(index) + ".");
}

ErrorInfo FirstConversionError(const SqlParams& params) {
  for (size_t k = 0; k < params.named.size(); k++) {
    if (params.named[k].failure != ConversionFailure::None) {
      return ConversionError(params.named[k].failure, static_cast<int>(k + 1));
    }
  }
  return ConversionError(params.positional_failure, static_cast<int>(params.positional.size() + 1));
}

int BindSqlValue(sqlite3_stmt* stmt, int index, const SqlValue& value) {
  switch (value.type) {
    case SqlValue::Type::Null: return sqlite3_bind_null(stmt, index);
    case SqlValue::Type::Integer: return sqlite3_bind_int64(stmt, index, value.integer);
    case SqlValue::Type::Real: return sqlite3_bind_double(stmt, index, value.real);
    case SqlValue::Type::Text:
      return sqlite3_bind_text64(stmt, index, value.bytes.data(), value.bytes.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    case SqlValue::Type::Blob:
      return sqlite3_bind_blob64(stmt, index, value.bytes.data(), value.bytes.size(), SQLITE_TRANSIENT);
  }
  return SQLITE_MISUSE;
}

bool BindArguments(napi_env env, sqlite3* db, sqlite3_stmt* stmt, const napi_value* args, size_t argc,
                   const BindOptions& options, std::optional<BareNameMap>* bare_names) {
  sqlite3_clear_bindings(stmt);
  if (options.positional) {
    if (static_cast<size_t>(sqlite3_bind_parameter_count(stmt)) != argc) {
      ThrowInvalidArgValue(env, "SQLite parameters must be bound using template literal placeholders.");
      return false;
    }
    for (size_t i = 0; i < argc; i++) {
      int index = static_cast<int>(i + 1);
      if (!VisitJsValue(env, args[i], StatementSink{env, db, stmt, index})) return false;
    }
    return true;
  }
  size_t first_anonymous = 0;
  if (argc > 0 && IsNamedParameterObject(env, args[0])) {
    first_anonymous = 1;
    if (!BindNamedObject(env, db, stmt, args[0], options, bare_names)) return false;
  }
  int index = 0;
  for (size_t i = first_anonymous; i < argc; i++) {
    index = NextAnonymousIndex(stmt, index);
    if (!VisitJsValue(env, args[i], StatementSink{env, db, stmt, index})) return false;
  }
  return true;
}

int NextAnonymousIndex(sqlite3_stmt* stmt, int previous) {
  // Anonymous values skip the parameters that have a name ($a, :a, @a); ?NNN counts as anonymous.
  int index = previous + 1;
  for (;;) {
    const char* name = sqlite3_bind_parameter_name(stmt, index);
    if (name == nullptr || name[0] == '?') return index;
    index++;
  }
}

bool PrepareBareNames(sqlite3_stmt* stmt, const BindOptions& options, std::optional<BareNameMap>* bare_names,
                      ErrorInfo* error) {
  if (!options.allow_bare_named || bare_names->has_value()) return true;
  // Kept even when it stops at a conflict (node's rule, bind.h).
  return BuildBareNames(stmt, &bare_names->emplace(), error);
}

int ResolveNamedParameter(sqlite3_stmt* stmt, const std::string& name, const BindOptions& options,
                          std::optional<BareNameMap>* bare_names, ErrorInfo* error) {
  int index = sqlite3_bind_parameter_index(stmt, name.c_str());
  if (index == 0 && options.allow_bare_named && bare_names->has_value()) {
    auto found = (*bare_names)->find(name);
    if (found != (*bare_names)->end()) index = found->second;
  }
  if (index == 0 && !options.allow_unknown_named) {
    *error = ErrorInfo::InvalidState("Unknown named parameter '" + name + "'");
    return -1;
  }
  return index;
}

bool BindSqlParams(sqlite3* db, sqlite3_stmt* stmt, const SqlParams& params, const BindOptions& options,
                   std::optional<BareNameMap>* bare_names, ErrorInfo* error) {
  sqlite3_clear_bindings(stmt);
  if (params.named_object && !PrepareBareNames(stmt, options, bare_names, error)) return false;
  for (const NamedSqlValue& named : params.named) {
    int index = ResolveNamedParameter(stmt, named.name, options, bare_names, error);
    if (index < 0) return false;
    if (index == 0) continue;  // unknown and allowed: the sync path never reads (or converts) it
    if (named.failure != ConversionFailure::None) {
      *error = ConversionError(named.failure, index);
      return false;
    }
    if (BindSqlValue(stmt, index, named.value) != SQLITE_OK) {
      *error = ErrorInfo::Sqlite(db);
      return false;
    }
  }
  int index = 0;
  for (const SqlValue& value : params.positional) {
    index = NextAnonymousIndex(stmt, index);
    if (BindSqlValue(stmt, index, value) != SQLITE_OK) {
      *error = ErrorInfo::Sqlite(db);
      return false;
    }
  }
  if (params.positional_failure != ConversionFailure::None) {
    // Conversion comes before binding: the index is named even when it is past the last one.
    *error = ConversionError(params.positional_failure, NextAnonymousIndex(stmt, index));
    return false;
  }
  return true;
}

bool ReadSqlParams(napi_env env, const napi_value* args, size_t argc, const BindOptions& options, SqlParams* out) {
  size_t first_anonymous = 0;
  if (argc > 0 && IsNamedParameterObject(env, args[0])) {
    first_anonymous = 1;
    KeyWalk walk = ReadNamedObject(env, args[0], options, out);
    if (walk == KeyWalk::Fail) return false;
    if (walk == KeyWalk::Stop) return true;  // nothing after the key binding stops at is read
  }
  out->positional.reserve(argc - first_anonymous);
  for (size_t i = first_anonymous; i < argc; i++) {
    SqlValue value;
    if (!JsToSqlValue(env, args[i], &value, &out->positional_failure)) return false;
    if (out->positional_failure != ConversionFailure::None) break;
    out->positional.push_back(std::move(value));
  }
  return true;
}

}  // namespace strand
