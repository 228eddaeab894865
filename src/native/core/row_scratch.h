// RowScratch: per-env shared memory through which rows cross from C++ to JS with few N-API calls.
//
// Setting array elements one by one through N-API was the largest JS-side cost of reading rows.
// Instead, for each cell the native side writes a one-byte tag and, for numbers, the value into
// two typed arrays that JS reads directly; only strings, blobs and bigints are created as JS
// values ("boxed") and handed over in a plain array. A small Int32Array `meta` carries the row
// count, the column count and a flag saying the column names must be re-read.
//
//   tag 0 (kNumber)  value in numbers[cell]
//   tag 1 (kNull)    null
//   tag 2 (kBoxed)   the next value of the boxed array, in cell order
//
// Rules:
//   - One scratch per env (owned by Addon), used only on that env's JS thread.
//   - The scratch is written only after the last sqlite3_step of a call — and after a reset
//     that may still publish query diagnostics (get() with a row) — immediately before the call
//     returns: a user-defined function running inside a step, or a diagnostics subscriber
//     running inside a step or reset, may itself run queries, and must not be able to overwrite
//     rows its caller has not read yet. Calls that step many
//     times collect cells in a RowBuffer first.
//   - The holder reference lives as long as the env's Addon, which releases it when it goes.
//   - run() reports { changes, lastInsertRowid } as numbers[0..1] when they are numbers, so the
//     result object is a cheap JS literal instead of two named-property sets through N-API.
//   - Growing replaces the typed arrays on the `holder` object; JS reads holder.tags/numbers
//     afresh on every call, never caching them across calls.
#pragma once
#include <cstdint>
#include <vector>
#include "napi_config.h"

namespace strand {

enum CellTag : uint8_t { kNumber = 0, kNull = 1, kBoxed = 2 };

enum MetaSlot { kMetaRows = 0, kMetaColumns = 1, kMetaNewColumns = 2, kMetaSize = 4 };

// Cells of one or more rows, collected on the C++ side before they are published. `boxed` holds
// handles created in the current N-API callback (valid only until it returns); they are turned
// into one array of exactly the right length at the end, rather than appended one by one to a
// growing array — with 100k rows that growth, and the garbage collector rescanning the large
// array while it filled, cost more than everything else.
struct RowBuffer {
  std::vector<uint8_t> tags;
  std::vector<double> numbers;
  std::vector<napi_value> boxed;
  void Clear() {
    tags.clear();
    numbers.clear();
    boxed.clear();
  }
};

class RowScratch {
 public:
  // Creates the holder object { tags, numbers, meta } and the initial arrays.
  bool Init(napi_env env, size_t initial_cells);
  napi_value Holder(napi_env env) const;
  void Release(napi_env env) {
    if (holder_ != nullptr) napi_delete_reference(env, holder_);
    holder_ = nullptr;
  }

  // Copies `rows` rows of `columns` cells into the shared arrays; false with a pending exception.
  bool Publish(napi_env env, const RowBuffer& cells, uint32_t rows, uint32_t columns, bool new_columns) {
    return Publish(env, cells.tags.data(), cells.numbers.data(), cells.tags.size(), rows, columns, new_columns);
  }
  bool Publish(napi_env env, const uint8_t* tags, const double* numbers, size_t cells, uint32_t rows, uint32_t columns,
               bool new_columns);

  // Writes run()'s two results as numbers: numbers[0] = changes, numbers[1] = lastInsertRowid.
  void PublishChanges(double changes, double last_insert_rowid) {
    numbers_[0] = changes;
    numbers_[1] = last_insert_rowid;
  }

  // A RowBuffer to collect into, reusing the capacity of earlier calls. A nested call (from a
  // user function inside a step) finds the spare taken and starts an empty one.
  RowBuffer TakeBuffer() {
    RowBuffer buffer = std::move(spare_);
    spare_ = RowBuffer();
    buffer.Clear();
    return buffer;
  }
  void ReturnBuffer(RowBuffer&& buffer) {
    if (buffer.tags.capacity() >= spare_.tags.capacity()) spare_ = std::move(buffer);
  }

 private:
  bool Grow(napi_env env, size_t cells);

  napi_ref holder_ = nullptr;
  uint8_t* tags_ = nullptr;
  double* numbers_ = nullptr;
  int32_t* meta_ = nullptr;
  size_t capacity_ = 0;
  RowBuffer spare_;
};

}  // namespace strand
