// The single include site for node-addon-api. Its configuration is set once in binding.gyp so
// every file sees the same:
//   NAPI_VERSION=8                          napi_type_tag_object (type_tags.h) needs N-API 8
//   NAPI_CPP_EXCEPTIONS                     C++ exception mode, declared (not detected, below)
//   NODE_ADDON_API_CPP_EXCEPTIONS_ALL       node-addon-api's wrappers catch every C++ exception
//   NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS see below
//
// Exception mode. node-addon-api would pick its mode from the compiler (__cpp_exceptions /
// _CPPUNWIND) when none is declared; binding.gyp declares it, and the checks below make a build
// that lost either the declaration or the compiler's exception support fail here, loudly,
// instead of silently turning every node-addon-api error into a pending JS exception the code
// does not check for. Where C++ exceptions may and may not go: cpp_exceptions.h.
//
// Why swallow: when an env is being torn down (worker.terminate(), process exit), N-API can no
// longer throw into JS. By default node-addon-api then rethrows the C++ exception and the process
// aborts (how @photostructure/sqlite dies on terminate). Swallowing turns that into a no-op.
//
// TEARDOWN RULE (enforced in every file that calls N-API): node-addon-api methods that wrap a
// failable N-API call — ObjectWrap::Unwrap, Reference::Value, Env::GetInstanceData, Value::As /
// Is* / ToBoolean, Object::Get / Set, String::Utf8Value, the ::New factories — throw a C++
// exception when the call fails, and once the env is terminating they all fail. That is harmless
// only where nothing is owned yet and the exception can reach a node-addon-api wrapper directly.
// So raw N-API with status checks (js_strings.h helps) is required:
//   - from the moment a resource is acquired until it is handed to its owner (a prepared
//     sqlite3_stmt before its wrapper holds it, a sqlite3_session, a job, a TSFN);
//   - in every callback SQLite, node or a thread calls (no exception may unwind through C frames:
//     cpp_exceptions.h);
//   - in code those paths share (bind.cc, column_values.cc, result_value.cc, errors.cc).
#pragma once

// Checked before napi.h, which would otherwise pick a mode by itself.
#if !defined(NAPI_CPP_EXCEPTIONS) && !defined(NODE_ADDON_API_CPP_EXCEPTIONS)
#error "sqlite-strand is built with C++ exceptions declared: define NAPI_CPP_EXCEPTIONS (binding.gyp does)"
#endif
#if defined(NAPI_DISABLE_CPP_EXCEPTIONS) || defined(NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS)
#error "sqlite-strand cannot be built with node-addon-api's C++ exceptions disabled"
#endif
#if !defined(__cpp_exceptions) && !defined(__EXCEPTIONS) && !defined(_CPPUNWIND)
#error "sqlite-strand needs a compiler with C++ exceptions enabled (-fexceptions, /EHsc)"
#endif
#if !defined(NODE_ADDON_API_CPP_EXCEPTIONS_ALL) || !defined(NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS)
#error "binding.gyp defines NODE_ADDON_API_CPP_EXCEPTIONS_ALL and NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
#endif

#include <napi.h>

static_assert(NAPI_VERSION >= 8, "type tags (napi_type_tag_object) need N-API 8");
