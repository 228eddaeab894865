// SqlValue: an owned SQLite value, built on the JS thread from a JS value (see bind.h) and safe to
// move to another thread. It holds no napi_value, reference or env pointer (docs/ARCHITECTURE.md rule 1),
// so the async API can carry it in a job that outlives the env that made it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace strand {

struct SqlValue {
  enum class Type : uint8_t { Null, Integer, Real, Text, Blob };
  Type type = Type::Null;
  int64_t integer = 0;
  double real = 0;
  std::string bytes;  // UTF-8 text or blob bytes

  static SqlValue Null() { return SqlValue(); }
  static SqlValue Integer(int64_t v) { SqlValue s; s.type = Type::Integer; s.integer = v; return s; }
  static SqlValue Real(double v) { SqlValue s; s.type = Type::Real; s.real = v; return s; }
  static SqlValue Text(std::string v) { SqlValue s; s.type = Type::Text; s.bytes = std::move(v); return s; }
  static SqlValue Blob(const void* data, size_t len) {
    SqlValue s;
    s.type = Type::Blob;
    s.bytes.assign(static_cast<const char*>(data), len);
    return s;
  }
};

// Why a JS value cannot be bound (bind.h's conversion rules). The async API finds it on the JS
// thread but raises it on the database thread, at the point of binding where node raises it and
// with the parameter index that only the prepared statement knows (bind.h, "Async path").
enum class ConversionFailure : uint8_t {
  None,
  Unbindable,      // ERR_INVALID_ARG_TYPE "Provided value cannot be bound to SQLite parameter N."
  BigIntTooLarge,  // ERR_INVALID_ARG_VALUE "BigInt value is too large to bind."
};

// A parameter list as the user gave it: positional values for anonymous parameters and
// name → value pairs from a named-parameter object. Resolution to indices happens against the
// prepared statement (bind.h), on whichever thread owns it.
struct NamedSqlValue {
  std::string name;
  SqlValue value;  // meaningless when `failure` is set
  ConversionFailure failure = ConversionFailure::None;
};

struct SqlParams {
  // The call's first argument was a named-parameter object (even an empty one): node then builds
  // the statement's bare-name map before binding (see bind.h).
  bool named_object = false;
  std::vector<NamedSqlValue> named;
  std::vector<SqlValue> positional;
  // Set: the anonymous value after the last of `positional` could not be converted, and the
  // values after it were not read (binding can never get past it).
  ConversionFailure positional_failure = ConversionFailure::None;

  bool HasFailure() const {
    if (positional_failure != ConversionFailure::None) return true;
    for (const NamedSqlValue& n : named) {
      if (n.failure != ConversionFailure::None) return true;
    }
    return false;
  }
};

}  // namespace strand
