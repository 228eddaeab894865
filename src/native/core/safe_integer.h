// JavaScript's safe integer range, ±(2^53 − 1) (Number.MAX_SAFE_INTEGER): an INTEGER outside it
// is read as a bigint when readBigInts is on, and is node's ERR_OUT_OF_RANGE otherwise. Plain
// C++ (no N-API): the database thread builds the same error as the JS thread.
#pragma once
#include <cstdint>
#include <string>
#include "core/errors.h"
#include "core/messages.h"

namespace strand {

inline constexpr int64_t kMaxSafeInteger = 9007199254740991LL;

inline bool IsSafeInteger(int64_t value) { return value <= kMaxSafeInteger && value >= -kMaxSafeInteger; }

inline std::string UnsafeIntegerMessage(int64_t value) { return kUnsafeIntegerPrefix + std::to_string(value); }

inline ErrorInfo UnsafeIntegerError(int64_t value) {
  return ErrorInfo::Coded(ErrorKind::RangeError, "ERR_OUT_OF_RANGE", UnsafeIntegerMessage(value));
}

}  // namespace strand
