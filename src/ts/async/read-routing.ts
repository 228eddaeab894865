// Which SQL a reader connection may run in place of the writer (reader-pool.ts), decided from the
// text alone, conservatively: a wrong "read" would change a result, a wrong "not a read" only
// costs parallelism.
//
// A read is one statement that SQLite reports read-only and whose result would be the same on any
// connection of the file: it starts with SELECT or VALUES, or WITH whose main statement is a
// SELECT/VALUES; it is not transaction control, PRAGMA or ATTACH (none of those start that way);
// and it calls none of the functions whose answer belongs to a connection (changes(),
// total_changes(), last_insert_rowid(), the pragma_* table-valued functions). A SELECT cannot
// write: SQLite's sqlite3_stmt_readonly() is true for every statement that starts so.
//
// What a writer statement can do that readers would not see is "connection-local state": TEMP
// objects, ATTACH/DETACH, and PRAGMAs that change how a read answers. After one, the pool sends
// everything to the writer (`localStateIn`).

/** Connection-specific functions: a read mentioning one runs on the writer. */
const CONNECTION_FUNCTIONS = /\b(?:changes|total_changes|last_insert_rowid|pragma_\w+)\b/i;

/**
 * PRAGMAs that leave every read's answer the same on every connection: file-level settings, the
 * writer's own durability and locking, checks and introspection of the file. Any other PRAGMA
 * run on the writer (reverse_unordered_selects, case_sensitive_like, trusted_schema,
 * locking_mode, …) turns routing off for the database's life.
 */
const READ_NEUTRAL_PRAGMAS = new Set([
  'analysis_limit',
  'application_id',
  'auto_vacuum',
  'automatic_index',
  'busy_timeout',
  'cache_size',
  'cache_spill',
  'cell_size_check',
  'checkpoint_fullfsync',
  'collation_list',
  'compile_options',
  'data_version',
  'defer_foreign_keys',
  'encoding',
  'foreign_key_check',
  'foreign_key_list',
  'foreign_keys',
  'freelist_count',
  'fullfsync',
  'function_list',
  'hard_heap_limit',
  'ignore_check_constraints',
  'incremental_vacuum',
  'index_info',
  'index_list',
  'index_xinfo',
  'integrity_check',
  'journal_mode',
  'journal_size_limit',
  'legacy_alter_table',
  'max_page_count',
  'mmap_size',
  'module_list',
  'optimize',
  'page_count',
  'page_size',
  'pragma_list',
  'query_only',
  'quick_check',
  'recursive_triggers',
  'schema_version',
  'secure_delete',
  'shrink_memory',
  'soft_heap_limit',
  'synchronous',
  'table_info',
  'table_list',
  'table_xinfo',
  'temp_store',
  'threads',
  'user_version',
  'wal_autocheckpoint',
  'wal_checkpoint',
]);

const MAIN_KEYWORDS = new Set(['select', 'values', 'insert', 'update', 'delete', 'replace']);

// The index just past the whitespace and comments starting at `i`.
function skipBlank(sql: string, i: number): number {
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else {
      return i;
    }
  }
}

// The index just past the quoted string or identifier opening at `i` ('', "", ``, []).
function skipQuoted(sql: string, i: number): number {
  const close = sql[i] === '[' ? ']' : sql[i]!;
  for (let j = i + 1; j < sql.length; j++) {
    if (sql[j] !== close) continue;
    if (close !== ']' && sql[j + 1] === close) {
      j++; // a doubled quote stands for itself
      continue;
    }
    return j + 1;
  }
  return sql.length;
}

// After WITH: the first keyword outside parentheses (and quotes, and comments) that names a main
// statement, lower-cased; undefined if there is none.
function mainKeywordAfterWith(sql: string, i: number): string | undefined {
  let depth = 0;
  while (i < sql.length) {
    i = skipBlank(sql, i);
    const c = sql[i];
    if (c === undefined) break;
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      i = skipQuoted(sql, i);
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth--;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /[\w$]/.test(sql[end]!)) end++;
      const word = sql.slice(i, end).toLowerCase();
      if (depth === 0 && MAIN_KEYWORDS.has(word)) return word;
      i = end;
    } else if (c === ';') {
      break;
    } else {
      i++;
    }
  }
  return undefined;
}

// Whether two parameters of `sql` share a bare name (`:b` and `$b`). Binding such a statement by
// bare names fails once per connection (node's rule: the map is built once and kept, bind.cc
// BuildBareNames), so it runs on the writer alone, which fails it once, as one connection does.
function hasBareNameConflict(sql: string): boolean {
  const prefixes = new Map<string, string>();
  for (const match of sql.matchAll(/([?:@$])(\w+)/g)) {
    const seen = prefixes.get(match[2]!);
    if (seen !== undefined && seen !== match[1]) return true;
    prefixes.set(match[2]!, match[1]!);
  }
  return false;
}

/** Whether a reader connection may run `sql` (the first statement of it) in place of the writer. */
export function isReadSql(sql: string): boolean {
  const start = skipBlank(sql, 0);
  const match = /^(select|values|with)\b/i.exec(sql.slice(start, start + 7));
  if (match === null) return false;
  if (CONNECTION_FUNCTIONS.test(sql) || hasBareNameConflict(sql)) return false;
  const keyword = match[1]!.toLowerCase();
  if (keyword !== 'with') return true;
  const main = mainKeywordAfterWith(sql, start + 4);
  return main === 'select' || main === 'values';
}

/**
 * Whether `sql`, run on the writer, may give its connection state that readers do not have: a
 * TEMP object, an attached database, or a PRAGMA outside READ_NEUTRAL_PRAGMAS that is given an
 * argument. Textual, so a
 * string literal that spells one counts too (harmless: routing just stops).
 */
export function localStateIn(sql: string): boolean {
  if (/\b(?:temp|temporary|attach|detach)\b/i.test(sql)) return true;
  // A PRAGMA without an argument only reports; one with an argument (`= value`, `(value)`) sets.
  for (const match of sql.matchAll(/\bpragma\s+(?:[\w$]+\s*\.\s*)?([\w$]+)\s*([=(])?/gi)) {
    if (match[2] !== undefined && !READ_NEUTRAL_PRAGMAS.has(match[1]!.toLowerCase())) return true;
  }
  return false;
}

// Settings that belong to each connection and shape only its performance: set on the writer, they
// are set on every reader too (`PRAGMA cache_size = -16000` means the database's connections).
const PER_CONNECTION_PRAGMAS = ['analysis_limit', 'automatic_index', 'busy_timeout', 'cache_size', 'cache_spill', 'mmap_size', 'temp_store', 'threads'];
const SETTING = new RegExp(
  `\\bpragma\\s+((?:[\\w$]+\\s*\\.\\s*)?)(${PER_CONNECTION_PRAGMAS.join('|')})\\s*(?:=\\s*([-+]?[\\w.]+|'[^']*')|\\(\\s*([-+]?[\\w.]+|'[^']*')\\s*\\))`,
  'gi',
);

/** The per-connection settings `sql` makes (`PRAGMA cache_size = …`), each as a PRAGMA for the readers. */
export function perConnectionSettings(sql: string): string[] {
  const settings: string[] = [];
  for (const match of sql.matchAll(SETTING)) {
    settings.push(`PRAGMA ${match[1]!.replace(/\s+/g, '')}${match[2]!.toLowerCase()} = ${match[3] ?? match[4]!}`);
  }
  return settings;
}
