// Type tags (napi_type_tag_object, N-API 8) on every object this addon wraps.
//
// RULES
//  T1. Every ObjectWrap class tags its JS object in its constructor (TagObject): DatabaseSync,
//      StatementSync, SessionSync, AsyncDatabase. A new wrapped class must too.
//  T2. A native method that receives one of our objects as an ARGUMENT unwraps it only with
//      UnwrapTagged, never napi_unwrap / ObjectWrap::Unwrap: napi_unwrap returns the native
//      pointer of any wrapped object — a StatementSync where a DatabaseSync is expected, an object
//      of another loaded copy of this addon — and casting that pointer is a wrong cast. A wrong or
//      foreign object gets ERR_INVALID_ARG_TYPE with node's message for that argument.
//      (Receivers need no check: V8's signature check on every class method refuses a foreign
//      `this` before any C++ runs — "Illegal invocation".)
//  T3. A tag is 128 bits: the upper half names the class (NativeClass), the lower half is the
//      address of the Addon that made the object — one per env and per loaded copy of the addon,
//      unique among live Addons. So two copies of the addon loaded in one thread (or two envs)
//      never accept each other's objects, and neither needs any mutable static.
//  T4. Raw N-API only (napi_config.h teardown rule). While the env terminates tagging and checking
//      fail; an untagged object is simply never accepted.
#pragma once
#include <cstdint>
#include "napi_config.h"

namespace strand {

enum class NativeClass : uint64_t {
  Database = 0xe2887da51aaa6aadULL,
  Statement = 0xea4f7fbd7619e60bULL,
  Session = 0x0e56f0021c29b82fULL,
  AsyncDatabase = 0x77a3804fe560eb1dULL,
};

// Tags `object` (the JS object of a wrapper being constructed) as `kind` of this env's Addon.
// False when it could not be tagged (no Addon yet, or the env is terminating).
bool TagObject(napi_env env, napi_value object, NativeClass kind) noexcept;

// The native object wrapped by `value` if `value` is a `kind` made by this env's Addon (T2);
// nullptr for anything else, including non-objects. Sets no exception.
void* UnwrapTagged(napi_env env, napi_value value, NativeClass kind) noexcept;

template <typename T>
T* UnwrapTaggedAs(napi_env env, napi_value value, NativeClass kind) noexcept {
  return static_cast<T*>(UnwrapTagged(env, value, kind));
}

}  // namespace strand
