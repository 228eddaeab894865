#include "core/type_tags.h"

namespace strand {

namespace {

bool TagFor(napi_env env, NativeClass kind, napi_type_tag* tag) {
  void* addon = nullptr;
  if (napi_get_instance_data(env, &addon) != napi_ok || addon == nullptr) return false;
  tag->upper = static_cast<uint64_t>(kind);
  tag->lower = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(addon));
  return true;
}

bool IsObject(napi_env env, napi_value value) {
  napi_valuetype type;
  return value != nullptr && napi_typeof(env, value, &type) == napi_ok && (type == napi_object || type == napi_function);
}

}  // namespace

bool TagObject(napi_env env, napi_value object, NativeClass kind) noexcept {
  napi_type_tag tag;
  return TagFor(env, kind, &tag) && napi_type_tag_object(env, object, &tag) == napi_ok;
}

void* UnwrapTagged(napi_env env, napi_value value, NativeClass kind) noexcept {
  napi_type_tag tag;
  bool matches = false;
  if (!IsObject(env, value) || !TagFor(env, kind, &tag) ||
      napi_check_object_type_tag(env, value, &tag, &matches) != napi_ok || !matches) {
    return nullptr;
  }
  void* native = nullptr;
  if (napi_unwrap(env, value, &native) != napi_ok) return nullptr;
  return native;
}

}  // namespace strand
