# One addon target (sqlite_strand) plus the vendored SQLite amalgamation as a static library.
#
# SQLite compile options follow docs/ARCHITECTURE.md "SQLite build": the same feature set as Node 26's own SQLite
# (recorded in test/compat/golden/compile-options.json), with these deliberate differences:
#   SQLITE_THREADSAFE=2   multi-thread mode: every connection has exactly one owner thread,
#                         so SQLite's per-connection mutex would be pure overhead
#   SQLITE_DQS=0          double-quoted string literals off; enableDoubleQuotedStringLiterals
#                         turns them back on per connection, as node:sqlite does
#   SQLITE_USE_URI=1      file: URIs are accepted by default
#   SQLITE_OMIT_DEPRECATED
#
# C++ exceptions are on, declared rather than detected: NAPI_CPP_EXCEPTIONS selects
# node-addon-api's exception mode whatever the compiler's defaults, and napi_config.h refuses to
# compile without it. NODE_ADDON_API_CPP_EXCEPTIONS_ALL makes node-addon-api's own wrappers catch
# every C++ exception (not just Napi::Error), the last resort of cpp_exceptions.h rule E4.
#
# strand_fault_injection=1 (node-gyp configure -- -Dstrand_fault_injection=1) builds the test
# variant: STRAND_FAULT_INJECTION compiles in the fault points of fault_injection.h. Only
# test/native/faults.test.mjs builds it, into a temporary directory; releases never set it.
{
  "variables": { "strand_fault_injection%": 0 },
  "targets": [
    {
      "target_name": "sqlite3_amalgamation",
      "type": "static_library",
      "sources": ["src/native/vendor/sqlite/sqlite3.c"],
      "include_dirs": ["src/native/vendor/sqlite"],
      "defines": [
        "SQLITE_THREADSAFE=2",
        "SQLITE_DQS=0",
        "SQLITE_USE_URI=1",
        "SQLITE_OMIT_DEPRECATED",
        "SQLITE_DEFAULT_MEMSTATUS=0",
        "SQLITE_DEFAULT_CACHE_SIZE=-2000",
        "SQLITE_DEFAULT_FILE_FORMAT=4",
        "SQLITE_DEFAULT_SYNCHRONOUS=2",
        "SQLITE_DEFAULT_WAL_SYNCHRONOUS=2",
        "SQLITE_DEFAULT_PCACHE_INITSZ=20",
        "SQLITE_DEFAULT_SECTOR_SIZE=4096",
        "SQLITE_DEFAULT_MMAP_SIZE=0",
        "SQLITE_MAX_MMAP_SIZE=0x7fff0000",
        "SQLITE_DIRECT_OVERFLOW_READ",
        "SQLITE_ENABLE_COLUMN_METADATA",
        "SQLITE_ENABLE_DBSTAT_VTAB",
        "SQLITE_ENABLE_FTS3",
        "SQLITE_ENABLE_FTS3_PARENTHESIS",
        "SQLITE_ENABLE_FTS5",
        "SQLITE_ENABLE_GEOPOLY",
        "SQLITE_ENABLE_MATH_FUNCTIONS",
        "SQLITE_ENABLE_PERCENTILE",
        "SQLITE_ENABLE_PREUPDATE_HOOK",
        "SQLITE_ENABLE_RBU",
        "SQLITE_ENABLE_RTREE",
        "SQLITE_ENABLE_SESSION",
        "SQLITE_MALLOC_SOFT_LIMIT=1024",
        "SQLITE_MAX_ATTACHED=10",
        "SQLITE_MAX_COLUMN=2000",
        "SQLITE_MAX_COMPOUND_SELECT=500",
        "SQLITE_MAX_DEFAULT_PAGE_SIZE=8192",
        "SQLITE_MAX_EXPR_DEPTH=1000",
        "SQLITE_MAX_FUNCTION_ARG=1000",
        "SQLITE_MAX_LENGTH=1000000000",
        "SQLITE_MAX_LIKE_PATTERN_LENGTH=50000",
        "SQLITE_MAX_PAGE_COUNT=0xfffffffe",
        "SQLITE_MAX_PAGE_SIZE=65536",
        "SQLITE_MAX_SCHEMA=10000000",
        "SQLITE_MAX_SQL_LENGTH=1000000000",
        "SQLITE_MAX_TRIGGER_DEPTH=1000",
        "SQLITE_MAX_VARIABLE_NUMBER=32766",
        "SQLITE_MAX_VDBE_OP=250000000",
        "SQLITE_MAX_WORKER_THREADS=8",
        "SQLITE_TEMP_STORE=1",
        "SQLITE_DEFAULT_WORKER_THREADS=0",
        "SQLITE_DEFAULT_JOURNAL_SIZE_LIMIT=-1",
        "SQLITE_DEFAULT_WAL_AUTOCHECKPOINT=1000",
        "SQLITE_DEFAULT_PAGE_SIZE=4096",
        "SQLITE_SYSTEM_MALLOC"
      ],
      "cflags": ["-O3", "-fvisibility=hidden", "-w"],
      "cflags!": ["-O2", "-O0"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "WARNING_CFLAGS": ["-w"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2, "WarningLevel": 0 } },
      "direct_dependent_settings": {
        "include_dirs": ["src/native/vendor/sqlite"]
      }
    },
    {
      "target_name": "sqlite_strand",
      "dependencies": ["sqlite3_amalgamation"],
      "sources": [
        "<!@(node -p \"['', 'core/', 'sync/', 'async/'].flatMap(d => require('fs').readdirSync('src/native/' + d).filter(f => f.endsWith('.cc')).map(f => 'src/native/' + d + f)).join(' ')\")"
      ],
      # Sources include each other by their path under src/native ("core/errors.h").
      "include_dirs": ["src/native", "<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        # sqlite3.h declares the session API only under these (the amalgamation is built with them)
        "SQLITE_ENABLE_SESSION",
        "SQLITE_ENABLE_PREUPDATE_HOOK"
      ],
      "cflags": ["-O3", "-fvisibility=hidden"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-std=c++17", "-O3", "-fvisibility=hidden", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++1y", "-O2"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] } },
      "conditions": [
        ["OS=='win'", { "defines": ["_HAS_EXCEPTIONS=1"] }],
        ["strand_fault_injection==1", { "defines": ["STRAND_FAULT_INJECTION"] }]
      ]
    }
  ]
}
