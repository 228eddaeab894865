// The single include site for node-addon-api. Its configuration (NAPI_VERSION, C++ exceptions,
// NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS) is set once in binding.gyp so every file sees the same.
//
// Why swallow: when an env is being torn down (worker.terminate(), process exit), N-API can no
// longer throw into JS. By default node-addon-api then rethrows the C++ exception and the process
// aborts (how @photostructure/sqlite dies on terminate). Swallowing turns that into a no-op.
#pragma once
#include <napi.h>
