#include "core/statement_kind.h"

#include <cstring>

namespace strand {

namespace {

// SQLite's whitespace (sqlite3Isspace): space, \t, \n, \v, \f, \r.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool IsKeywordChar(char c) {
  // sqlite3IsIdChar: letters, digits, '_', '$' and every non-ASCII byte.
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         (static_cast<unsigned char>(c) >= 0x80);
}

// Skips what SQLite's tokenizer skips before the first token: whitespace, "-- …" to the end of the
// line, and "/* … */" (an unterminated one runs to the end of the text).
const char* SkipSpaceAndComments(const char* p) {
  for (;;) {
    if (IsSpace(*p)) {
      p++;
    } else if (p[0] == '-' && p[1] == '-') {
      while (*p != '\0' && *p != '\n') p++;
    } else if (p[0] == '/' && p[1] == '*') {
      const char* end = std::strstr(p + 2, "*/");
      if (end == nullptr) return p + std::strlen(p);
      p = end + 2;
    } else {
      return p;
    }
  }
}

// Whether `sql` starts (after whitespace and comments) with `keyword` as a whole word, ignoring
// ASCII case as SQLite does.
bool StartsWithKeyword(const char* p, const char* keyword) {
  size_t i = 0;
  for (; keyword[i] != '\0'; i++) {
    char c = p[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != keyword[i]) return false;
  }
  return !IsKeywordChar(p[i]);
}

}  // namespace

bool IsPlainRead(sqlite3_stmt* stmt) {
  if (stmt == nullptr || sqlite3_stmt_readonly(stmt) == 0) return false;
  const char* sql = sqlite3_sql(stmt);
  if (sql == nullptr) return false;
  const char* p = SkipSpaceAndComments(sql);
  return StartsWithKeyword(p, "SELECT") || StartsWithKeyword(p, "WITH") || StartsWithKeyword(p, "VALUES");
}

bool VacuumRunning(sqlite3* db) {
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db, nullptr); stmt != nullptr; stmt = sqlite3_next_stmt(db, stmt)) {
    const char* sql = sqlite3_sql(stmt);
    if (sqlite3_stmt_busy(stmt) && sql != nullptr && StartsWithKeyword(SkipSpaceAndComments(sql), "VACUUM")) return true;
  }
  return false;
}

}  // namespace strand
