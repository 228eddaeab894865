// The error messages the addon raises from more than one place, written once. They are
// node:sqlite's own words (Node 26), which the compat goldens, the differential fuzzer and the
// re-entrancy matrix compare byte for byte: change one only together with node's.
// A message used at a single site stays there, next to the check that raises it.
#pragma once
#include <string>

namespace strand {

// --- Open/closed state (ERR_INVALID_STATE) -------------------------------------------------------
inline constexpr const char* kDatabaseNotOpen = "database is not open";
inline constexpr const char* kStatementFinalized = "statement has been finalized";
inline constexpr const char* kSessionNotOpen = "session is not open";

// Our own: a ThreadSafeFunction (or its reference) could not be made — the env is going away.
inline constexpr const char* kNoCompletionChannel = "could not create the completion channel";

// --- In-use marks (ERR_INVALID_STATE; sync/in_use.h has the rule and which call raises which) ---
inline constexpr const char* kStatementExecuting = "statement is already being executed";
inline constexpr const char* kDatabaseInAuthorizer = "database cannot be accessed from an authorizer callback";
inline constexpr const char* kCloseInCallback = "database cannot be closed while in a callback";
inline constexpr const char* kDeserializeInCallback = "database cannot be deserialized while in a callback";
inline constexpr const char* kSessionInUse = "session is currently in use";
inline constexpr const char* kSessionCloseInCallback = "session cannot be closed while in a callback";

// --- SQL text (ERR_INVALID_ARG_VALUE) ------------------------------------------------------------
inline constexpr const char* kNoStatements = "The SQL query contains no statements.";

// --- Values ---------------------------------------------------------------------------------------
// ERR_OUT_OF_RANGE (RangeError) for an INTEGER beyond ±(2^53 − 1) read without readBigInts;
// the value follows in decimal (safe_integer.h builds the error).
inline constexpr const char* kUnsafeIntegerPrefix = "Value is too large to be represented as a JavaScript number: ";

// --- Failures that are ours (ERR_OPERATION_FAILED) -----------------------------------------------
inline constexpr const char* kOperationFailedPrefix = "Operation failed: ";

// node's ERR_INVALID_ARG_TYPE shape: `The "<name>" argument must be <requirement>.`, e.g.
// ArgumentMustBe("sql", "a string").
inline std::string ArgumentMustBe(const char* name, const char* requirement) {
  return std::string("The \"") + name + "\" argument must be " + requirement + ".";
}

}  // namespace strand
