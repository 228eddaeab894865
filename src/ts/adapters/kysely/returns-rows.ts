// Whether a compiled Kysely query returns rows (run it with all()) or not (run it with run(), whose
// `changes` and `lastInsertRowid` become numAffectedRows and insertId). Kysely's own SqliteDriver
// asks SQLite (`stmt.reader`, the statement's column count) after preparing each query; here the
// answer is known before anything is prepared — no round trip to an AsyncDatabase's thread, and
// the same answer on a DatabaseSync (where it saves a columns() call):
//
// - for what Kysely's builders make, from the query node: a select returns rows; an insert, update
//   or delete returns rows when it has a `returning` clause or is explained; schema statements
//   (create table, drop index, ...) never do;
// - for raw SQL (sql`...`, CompiledQuery.raw), from the SQL text, by SQLite's grammar: only SELECT,
//   VALUES, WITH ... SELECT, an INSERT/REPLACE/UPDATE/DELETE with a RETURNING clause, PRAGMA and
//   EXPLAIN can have result columns. A PRAGMA that sets a value has none: it is read with all()
//   too, which then gives no rows (run() would only have reported the changes of an earlier
//   statement). Words inside strings, quoted identifiers, comments, parameters or parentheses are
//   never taken for keywords.
import type { CompiledQuery } from 'kysely';

/** Whether `query` has result columns: true means all(), false means run(). */
export function returnsRows(query: CompiledQuery): boolean {
  const node = query.query as { kind: string; returning?: unknown; explain?: unknown };
  switch (node.kind) {
    case 'SelectQueryNode':
      return true;
    case 'InsertQueryNode':
    case 'UpdateQueryNode':
    case 'DeleteQueryNode':
    case 'MergeQueryNode':
      return node.returning !== undefined || node.explain !== undefined;
    default:
      // Raw SQL, and the schema statements (create table, drop index, ...), which the text tells.
      return sqlReturnsRows(query.sql);
  }
}

const ROW_STATEMENTS = new Set(['SELECT', 'VALUES', 'PRAGMA', 'EXPLAIN']);
const WRITE_STATEMENTS = new Set(['INSERT', 'REPLACE', 'UPDATE', 'DELETE']);

/**
 * Whether the first statement of `sql` has result columns, by SQLite's grammar (see the top of
 * this file). Unknown or empty text gives false: SQLite rejects it either way.
 */
export function sqlReturnsRows(sql: string): boolean {
  const words = topLevelWords(sql);
  const first = words.next();
  if (first.done) return false;
  if (ROW_STATEMENTS.has(first.value)) return true;
  let main = first.value;
  if (main === 'WITH') {
    // The CTEs' bodies are in parentheses; the first statement keyword after them is the main one.
    // (next(), not for...of: leaving a for...of would close the generator.)
    for (let word = words.next(); !word.done; word = words.next()) {
      if (ROW_STATEMENTS.has(word.value) || WRITE_STATEMENTS.has(word.value)) {
        main = word.value;
        break;
      }
    }
    if (ROW_STATEMENTS.has(main)) return true;
  }
  if (!WRITE_STATEMENTS.has(main)) return false;
  for (const word of words) if (word === 'RETURNING') return true;
  return false;
}

const SPACE = /\s/;
const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

// The unquoted words of the first statement of `sql` outside parentheses, upper-cased, in order.
function* topLevelWords(sql: string): Generator<string, void, undefined> {
  let depth = 0;
  let i = 0;
  const n = sql.length;
  const skipQuoted = (close: string) => {
    // From the opening quote to past its closing one; a doubled quote is an escaped one.
    i++;
    while (i < n) {
      if (sql[i] === close) {
        if (close !== ']' && sql[i + 1] === close) {
          i += 2;
          continue;
        }
        i++;
        return;
      }
      i++;
    }
  };
  const skipWord = () => {
    while (i < n && WORD_PART.test(sql[i]!)) i++;
  };
  while (i < n) {
    const c = sql[i]!;
    if (SPACE.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      skipQuoted(c);
    } else if (c === '[') {
      skipQuoted(']');
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (c === ';' && depth === 0) {
      return;
    } else if (c === '?' || c === ':' || c === '@' || c === '$') {
      // A parameter (?1, :name, @name, $name): its name is no keyword.
      i++;
      skipWord();
    } else if (WORD_START.test(c)) {
      const start = i;
      skipWord();
      if (depth === 0) yield sql.slice(start, i).toUpperCase();
    } else {
      // Digits (a number's letters, as in 1e5, are part of it), operators, commas.
      i++;
      if (/[0-9.]/.test(c)) skipWord();
    }
  }
}
