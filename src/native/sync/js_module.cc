#include "sync/js_module.h"
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include "core/column_values.h"
#include "core/cpp_exceptions.h"
#include "sync/database_sync.h"
#include "core/errors.h"
#include "core/js_strings.h"
#include "core/result_value.h"

namespace strand {
namespace {

constexpr int kMaxHiddenArguments = 31;  // idxNum is a bitmask of the hidden columns passed

struct JsModule {
  napi_env env;
  DatabaseSync* owner;
  napi_ref rows = nullptr;
  std::string declaration;
  std::vector<int> hidden_ordinal;  // column → its position among the hidden columns, or -1
  std::vector<int> row_index;       // column → its position in a row array, or -1 when hidden
  int hidden_count = 0;
  bool direct_only = false;
  bool bigint_arguments = false;
};

struct JsVtab {
  sqlite3_vtab base;
  JsModule* module;
};

struct JsCursor {
  sqlite3_vtab_cursor base;
  napi_ref iterator = nullptr;
  napi_ref next = nullptr;
  napi_ref row = nullptr;
  sqlite3_int64 rowid = 0;
  bool eof = true;
  std::vector<sqlite3_value*> arguments;  // per hidden column: its value (owned copy) or null
};

JsModule* ModuleOf(sqlite3_vtab_cursor* cursor) {
  return reinterpret_cast<JsVtab*>(cursor->pVtab)->module;
}

void DeleteRef(napi_env env, napi_ref* ref) {
  if (*ref != nullptr) {
    napi_delete_reference(env, *ref);
    *ref = nullptr;
  }
}

void ResetCursor(napi_env env, JsCursor* cursor) {
  DeleteRef(env, &cursor->iterator);
  DeleteRef(env, &cursor->next);
  DeleteRef(env, &cursor->row);
  for (sqlite3_value* value : cursor->arguments) sqlite3_value_free(value);
  cursor->arguments.clear();
  cursor->eof = true;
  cursor->rowid = 0;
}

int VtabError(sqlite3_vtab_cursor* cursor, const char* message) {
  sqlite3_vtab* vtab = cursor->pVtab;
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf("%s", message);
  return SQLITE_ERROR;
}

// Moves the cursor to the iterator's next value. SQLITE_OK, or an error (pending JS exception or
// a vtab message).
int Advance(napi_env env, JsCursor* cursor) {
  DeleteRef(env, &cursor->row);
  napi_value iterator, next, result;
  if (napi_get_reference_value(env, cursor->iterator, &iterator) != napi_ok || iterator == nullptr) return SQLITE_ERROR;
  if (napi_get_reference_value(env, cursor->next, &next) != napi_ok || next == nullptr) return SQLITE_ERROR;
  if (napi_call_function(env, iterator, next, 0, nullptr, &result) != napi_ok) return SQLITE_ERROR;
  if (!IsObjectLike(env, result)) {
    return VtabError(&cursor->base, "The \"options.rows\" iterator's next() method must return an object");
  }
  napi_value done_value, value;
  bool done = false;
  if (napi_get_named_property(env, result, "done", &done_value) != napi_ok) return SQLITE_ERROR;
  if (napi_coerce_to_bool(env, done_value, &done_value) != napi_ok) return SQLITE_ERROR;
  napi_get_value_bool(env, done_value, &done);
  if (done) {
    cursor->eof = true;
    return SQLITE_OK;
  }
  if (napi_get_named_property(env, result, "value", &value) != napi_ok) return SQLITE_ERROR;
  // A row that is not an object reads as all NULLs; only objects are kept (Node 20 cannot make a
  // reference to a primitive).
  if (IsObjectLike(env, value) && napi_create_reference(env, value, 1, &cursor->row) != napi_ok) return SQLITE_ERROR;
  cursor->eof = false;
  cursor->rowid++;
  return SQLITE_OK;
}

int xConnect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char** error) {
  JsModule* module = static_cast<JsModule*>(aux);
  int rc = sqlite3_declare_vtab(db, module->declaration.c_str());
  if (rc != SQLITE_OK) {
    *error = sqlite3_mprintf("%s", sqlite3_errmsg(db));
    return rc;
  }
  if (module->direct_only) sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  JsVtab* vtab = new (std::nothrow) JsVtab();
  if (vtab == nullptr) return SQLITE_NOMEM;
  vtab->module = module;
  *out = &vtab->base;
  return SQLITE_OK;
}

int xDisconnect(sqlite3_vtab* vtab) {
  delete reinterpret_cast<JsVtab*>(vtab);
  return SQLITE_OK;
}

// Hidden columns are the function's arguments: each one with a usable equality constraint is
// passed (in column order), idxNum's bit h saying hidden column h was. Plans that pass more
// arguments are cheaper, so joins feed them from the outer table.
int BestIndex(sqlite3_vtab* base, sqlite3_index_info* info) {
  JsModule* module = reinterpret_cast<JsVtab*>(base)->module;
  int limit = module->hidden_count < kMaxHiddenArguments ? module->hidden_count : kMaxHiddenArguments;
  std::vector<int> chosen(static_cast<size_t>(limit), -1);
  for (int i = 0; i < info->nConstraint; i++) {
    const auto& constraint = info->aConstraint[i];
    if (!constraint.usable || constraint.op != SQLITE_INDEX_CONSTRAINT_EQ || constraint.iColumn < 0) continue;
    int ordinal = module->hidden_ordinal[static_cast<size_t>(constraint.iColumn)];
    if (ordinal < 0 || ordinal >= limit || chosen[static_cast<size_t>(ordinal)] >= 0) continue;
    chosen[static_cast<size_t>(ordinal)] = i;
  }
  int mask = 0, argv_index = 0;
  for (int h = 0; h < limit; h++) {
    int i = chosen[static_cast<size_t>(h)];
    if (i < 0) continue;
    info->aConstraintUsage[i].argvIndex = ++argv_index;
    info->aConstraintUsage[i].omit = 1;
    mask |= 1 << h;
  }
  info->idxNum = mask;
  info->estimatedCost = 1000000.0 / (1.0 + 1000.0 * argv_index);
  info->estimatedRows = argv_index > 0 ? 100 : 1000000;
  return SQLITE_OK;
}

// Allocates (the plan's vector): an exception becomes SQLITE_NOMEM (cpp_exceptions.h E1).
int xBestIndex(sqlite3_vtab* base, sqlite3_index_info* info) {
  return GuardSqliteCode([&] { return BestIndex(base, info); });
}

int xOpen(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  JsCursor* cursor = new (std::nothrow) JsCursor();
  if (cursor == nullptr) return SQLITE_NOMEM;
  *out = &cursor->base;
  return SQLITE_OK;
}

int xClose(sqlite3_vtab_cursor* base) {
  JsCursor* cursor = reinterpret_cast<JsCursor*>(base);
  ResetCursor(ModuleOf(base)->env, cursor);
  delete cursor;
  return SQLITE_OK;
}

// The hidden columns' values the plan passes (BestIndex's idxNum bits), as owned copies.
void KeepArguments(JsCursor* cursor, const JsModule* module, int mask, int argc, sqlite3_value** argv) {
  cursor->arguments.assign(static_cast<size_t>(module->hidden_count), nullptr);
  int next_argument = 0;
  for (int h = 0; h < module->hidden_count && h < kMaxHiddenArguments; h++) {
    if ((mask & (1 << h)) != 0 && next_argument < argc) {
      cursor->arguments[static_cast<size_t>(h)] = sqlite3_value_dup(argv[next_argument++]);
    }
  }
}

// rows(...hiddenColumnValues), an absent value passed as null. SQLITE_OK with *result set.
int CallRows(napi_env env, const JsModule* module, const JsCursor* cursor, napi_value* result) {
  std::vector<napi_value> args;
  args.reserve(cursor->arguments.size());
  for (sqlite3_value* value : cursor->arguments) {
    napi_value js = SqliteValueToJs(env, value, module->bigint_arguments);
    if (js == nullptr) return SQLITE_ERROR;
    args.push_back(js);
  }
  napi_value rows, receiver;
  if (napi_get_reference_value(env, module->rows, &rows) != napi_ok || rows == nullptr) return SQLITE_ERROR;
  napi_get_undefined(env, &receiver);
  if (napi_call_function(env, receiver, rows, args.size(), args.data(), result) != napi_ok) return SQLITE_ERROR;
  return SQLITE_OK;
}

// The iterator of what rows() returned, and its next(): an iterable's [Symbol.iterator]() gives
// the iterator; an object without one is taken as the iterator itself (as node does).
int OpenIterator(napi_env env, sqlite3_vtab_cursor* base, napi_value iterable, napi_value* iterator,
                 napi_value* next) {
  napi_value global, symbol, iterator_key, iterator_method;
  *iterator = iterable;
  if (napi_get_global(env, &global) != napi_ok) return SQLITE_ERROR;
  if (napi_get_named_property(env, global, "Symbol", &symbol) != napi_ok) return SQLITE_ERROR;
  if (napi_get_named_property(env, symbol, "iterator", &iterator_key) != napi_ok) return SQLITE_ERROR;
  if (napi_get_property(env, iterable, iterator_key, &iterator_method) != napi_ok) return SQLITE_ERROR;
  if (IsFunction(env, iterator_method)) {
    if (napi_call_function(env, iterable, iterator_method, 0, nullptr, iterator) != napi_ok) return SQLITE_ERROR;
    if (!IsObjectLike(env, *iterator)) {
      return VtabError(base, "The \"options.rows\" iterable's Symbol.iterator method must return an object");
    }
  }
  if (napi_get_named_property(env, *iterator, "next", next) != napi_ok) return SQLITE_ERROR;
  if (!IsFunction(env, *next)) return VtabError(base, "The \"options.rows\" iterator must have a next() method");
  return SQLITE_OK;
}

int Filter(sqlite3_vtab_cursor* base, int mask, int argc, sqlite3_value** argv) {
  JsCursor* cursor = reinterpret_cast<JsCursor*>(base);
  JsModule* module = ModuleOf(base);
  napi_env env = module->env;
  ResetCursor(env, cursor);
  KeepArguments(cursor, module, mask, argc, argv);
  DatabaseSync::CallbackScope scope(env, module->owner);
  if (!scope.ok()) return SQLITE_ERROR;
  napi_value result, iterator, next;
  int rc = CallRows(env, module, cursor, &result);
  if (rc != SQLITE_OK) return rc;
  if (!IsObjectLike(env, result)) {
    return VtabError(base, "The \"options.rows\" function must return an iterable object");
  }
  rc = OpenIterator(env, base, result, &iterator, &next);
  if (rc != SQLITE_OK) return rc;
  if (napi_create_reference(env, iterator, 1, &cursor->iterator) != napi_ok) return SQLITE_ERROR;
  if (napi_create_reference(env, next, 1, &cursor->next) != napi_ok) return SQLITE_ERROR;
  return Advance(env, cursor);
}

// Allocates (the arguments' vectors): an exception becomes SQLITE_NOMEM (cpp_exceptions.h E1).
int xFilter(sqlite3_vtab_cursor* base, int mask, const char*, int argc, sqlite3_value** argv) {
  return GuardSqliteCode([&] { return Filter(base, mask, argc, argv); });
}

int xNext(sqlite3_vtab_cursor* base) {
  JsCursor* cursor = reinterpret_cast<JsCursor*>(base);
  JsModule* module = ModuleOf(base);
  DatabaseSync::CallbackScope scope(module->env, module->owner);
  if (!scope.ok()) return SQLITE_ERROR;
  return Advance(module->env, cursor);
}

int xEof(sqlite3_vtab_cursor* base) {
  return reinterpret_cast<JsCursor*>(base)->eof ? 1 : 0;
}

int xColumn(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int column) {
  JsCursor* cursor = reinterpret_cast<JsCursor*>(base);
  JsModule* module = ModuleOf(base);
  size_t index = static_cast<size_t>(column);
  if (column < 0 || index >= module->row_index.size()) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  int ordinal = module->hidden_ordinal[index];
  if (ordinal >= 0) {
    sqlite3_value* argument = cursor->arguments.empty() ? nullptr : cursor->arguments[static_cast<size_t>(ordinal)];
    if (argument == nullptr) {
      sqlite3_result_null(ctx);
    } else {
      sqlite3_result_value(ctx, argument);
    }
    return SQLITE_OK;
  }
  napi_env env = module->env;
  DatabaseSync::CallbackScope scope(env, module->owner);
  if (!scope.ok()) return SQLITE_ERROR;
  napi_value row, value;
  if (cursor->row == nullptr || napi_get_reference_value(env, cursor->row, &row) != napi_ok || row == nullptr) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  if (!IsObjectLike(env, row)) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  if (napi_get_element(env, row, static_cast<uint32_t>(module->row_index[index]), &value) != napi_ok) {
    return SQLITE_ERROR;
  }
  // node's conversions for a cell (result_value.h); a value N-API cannot read is unconvertible.
  ContextResult sink(ctx);
  if (!ConvertResult(env, value, &sink)) sqlite3_result_error(ctx, kUnconvertibleResult, -1);
  return SQLITE_OK;
}

int xRowid(sqlite3_vtab_cursor* base, sqlite3_int64* out) {
  *out = reinterpret_cast<JsCursor*>(base)->rowid;
  return SQLITE_OK;
}

const sqlite3_module kModule = {
    /* iVersion */ 0,
    /* xCreate */ xConnect,
    /* xConnect */ xConnect,
    /* xBestIndex */ xBestIndex,
    /* xDisconnect */ xDisconnect,
    /* xDestroy */ xDisconnect,
    /* xOpen */ xOpen,
    /* xClose */ xClose,
    /* xFilter */ xFilter,
    /* xNext */ xNext,
    /* xEof */ xEof,
    /* xColumn */ xColumn,
    /* xRowid */ xRowid,
    /* xUpdate */ nullptr,
    /* xBegin */ nullptr,
    /* xSync */ nullptr,
    /* xCommit */ nullptr,
    /* xRollback */ nullptr,
    /* xFindFunction */ nullptr,
    /* xRename */ nullptr,
    /* xSavepoint */ nullptr,
    /* xRelease */ nullptr,
    /* xRollbackTo */ nullptr,
    /* xShadowName */ nullptr,
    /* xIntegrity */ nullptr,
};

void DestroyJsModule(void* data) {
  JsModule* module = static_cast<JsModule*>(data);
  DeleteRef(module->env, &module->rows);
  delete module;
}

}  // namespace

bool CreateJsModule(napi_env env, DatabaseSync* owner, sqlite3* db, const JsModuleSpec& spec, napi_value rows) {
  // Owned here until SQLite takes it: filling it in may throw std::bad_alloc (caught by the
  // method's wrapper, cpp_exceptions.h E4) and must not leak it.
  std::unique_ptr<JsModule> owned(new (std::nothrow) JsModule());
  JsModule* module = owned.get();
  if (module == nullptr) {
    ThrowCodedError(env, ErrorKind::Error, "ERR_MEMORY_ALLOCATION_FAILED", "Out of memory");
    return false;
  }
  module->env = env;
  module->owner = owner;
  module->declaration = spec.declaration;
  module->direct_only = spec.direct_only;
  module->bigint_arguments = spec.bigint_arguments;
  int visible = 0;
  for (bool hidden : spec.hidden) {
    module->hidden_ordinal.push_back(hidden ? module->hidden_count++ : -1);
    module->row_index.push_back(hidden ? -1 : visible++);
  }
  if (napi_create_reference(env, rows, 1, &module->rows) != napi_ok) return false;
  // On failure SQLite has already called DestroyJsModule.
  int rc = sqlite3_create_module_v2(db, spec.name.c_str(), &kModule, owned.release(), DestroyJsModule);
  if (rc != SQLITE_OK) {
    ThrowSqliteError(env, db);
    return false;
  }
  return true;
}

}  // namespace strand
