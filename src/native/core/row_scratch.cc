#include "core/row_scratch.h"

#include <cstring>

namespace strand {

namespace {

bool NewTypedArray(napi_env env, napi_typedarray_type type, size_t length, size_t element_size, void** data,
                   napi_value* out) {
  napi_value buffer;
  if (napi_create_arraybuffer(env, length * element_size, data, &buffer) != napi_ok) return false;
  return napi_create_typedarray(env, type, length, buffer, 0, out) == napi_ok;
}

}  // namespace

bool RowScratch::Init(napi_env env, size_t initial_cells) {
  napi_value holder, meta;
  void* meta_data = nullptr;
  if (napi_create_object(env, &holder) != napi_ok) return false;
  if (!NewTypedArray(env, napi_int32_array, kMetaSize, sizeof(int32_t), &meta_data, &meta)) return false;
  napi_set_named_property(env, holder, "meta", meta);
  meta_ = static_cast<int32_t*>(meta_data);
  if (napi_create_reference(env, holder, 1, &holder_) != napi_ok) return false;
  return Grow(env, initial_cells);
}

napi_value RowScratch::Holder(napi_env env) const {
  napi_value holder = nullptr;
  napi_get_reference_value(env, holder_, &holder);
  return holder;
}

bool RowScratch::Grow(napi_env env, size_t cells) {
  size_t capacity = capacity_ == 0 ? cells : capacity_;
  while (capacity < cells) capacity *= 2;
  napi_value tags, numbers;
  void* tag_data = nullptr;
  void* number_data = nullptr;
  if (!NewTypedArray(env, napi_uint8_array, capacity, 1, &tag_data, &tags)) return false;
  if (!NewTypedArray(env, napi_float64_array, capacity, sizeof(double), &number_data, &numbers)) return false;
  napi_value holder = Holder(env);
  napi_set_named_property(env, holder, "tags", tags);
  napi_set_named_property(env, holder, "numbers", numbers);
  // The old arrays stay alive only as long as JS holds them; their memory is V8's to free.
  tags_ = static_cast<uint8_t*>(tag_data);
  numbers_ = static_cast<double*>(number_data);
  capacity_ = capacity;
  return true;
}

bool RowScratch::Publish(napi_env env, const uint8_t* tags, const double* numbers, size_t count, uint32_t rows,
                         uint32_t columns, bool new_columns) {
  if (count > capacity_ && !Grow(env, count)) return false;
  if (count > 0) {
    std::memcpy(tags_, tags, count);
    std::memcpy(numbers_, numbers, count * sizeof(double));
  }
  meta_[kMetaRows] = static_cast<int32_t>(rows);
  meta_[kMetaColumns] = static_cast<int32_t>(columns);
  meta_[kMetaNewColumns] = new_columns ? 1 : 0;
  return true;
}

}  // namespace strand
