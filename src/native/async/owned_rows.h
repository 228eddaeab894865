// OwnedRows: result rows read on the database thread into owned memory (docs/ARCHITECTURE.md rule 1:
// the database thread never touches N-API), handed to the JS thread inside a completed job and
// published there through the env's RowScratch (row_scratch.h) like sync results.
//
// The cell layout is the scratch's: a tag and a number per cell; strings, blobs and bigints are
// kept as owned bytes in `boxed` and become JS values only on the JS thread.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "core/errors.h"
#include "core/row_scratch.h"
#include "sqlite3.h"

namespace strand {

struct OwnedBoxed {
  enum class Kind : uint8_t { Text, Blob, BigInt };
  Kind kind;
  int64_t integer = 0;
  std::string bytes;
};

struct OwnedRows {
  std::vector<uint8_t> tags;
  std::vector<double> numbers;
  std::vector<OwnedBoxed> boxed;
  uint32_t rows = 0;
  // Approximate bytes held, to cap streamed batches by size.
  size_t bytes = 0;

  // Database thread: appends the statement's current row. False (with *error, and nothing of
  // the row appended) when an INTEGER does not fit a JS number and bigints are off, as node's
  // ERR_OUT_OF_RANGE. Throws std::bad_alloc when the rows no longer fit in memory: the job's
  // catch-all fails the job with SQLite's "out of memory" (async_database.h rule 11).
  bool AppendRow(sqlite3_stmt* stmt, int column_count, bool read_bigints, ErrorInfo* error);

  // JS thread: publishes the rows into the scratch and returns the boxed values as an array
  // (null when there are none); nullptr with a pending exception on failure.
  napi_value Publish(napi_env env, RowScratch& scratch, uint32_t columns, bool new_columns) const;
};

}  // namespace strand
