// Connection defaults and compiled-in SQLite features that node:sqlite users can observe.
import { attempt } from './_util.mjs';

const PRAGMAS = [
  'recursive_triggers', 'foreign_keys', 'journal_mode', 'synchronous', 'cache_size', 'page_size', 'auto_vacuum',
  'temp_store', 'mmap_size', 'busy_timeout', 'trusted_schema', 'cell_size_check', 'automatic_index', 'secure_delete',
  'legacy_alter_table', 'query_only', 'journal_size_limit', 'wal_autocheckpoint', 'encoding', 'threads',
  'hard_heap_limit', 'soft_heap_limit', 'defer_foreign_keys', 'reverse_unordered_selects', 'analysis_limit',
  'max_page_count', 'locking_mode', 'writable_schema', 'ignore_check_constraints', 'user_version', 'application_id',
];

const pragmas = (db) => PRAGMAS.map((p) => [p, attempt(() => db.prepare(`PRAGMA ${p}`).all())]);

export default [
  {
    name: 'build: connection pragma defaults (:memory:)',
    run: (sqlite, ctx) => pragmas(ctx.open()),
  },
  {
    name: 'build: connection pragma defaults (file)',
    run: (sqlite, ctx) => pragmas(ctx.open(ctx.tmp('defaults.db'))),
  },
  {
    name: 'build: pragma defaults with non-default options',
    run: (sqlite, ctx) => {
      const db = ctx.open(':memory:', { timeout: 1234, enableForeignKeyConstraints: false, defensive: false });
      return ['busy_timeout', 'foreign_keys', 'writable_schema'].map((p) => db.prepare(`PRAGMA ${p}`).get());
    },
  },
  {
    name: 'build: math, percentile and JSON functions',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE n(x); INSERT INTO n VALUES (1), (2), (3), (4)');
      return [
        db.prepare('SELECT sin(0) AS s, pi() AS p, log2(8) AS l, ceil(1.2) AS c, pow(2, 10) AS w').get(),
        attempt(() => db.prepare('SELECT median(x) AS m, percentile(x, 25) AS p, percentile_cont(x, 0.5) AS pc FROM n').get()),
        db.prepare(`SELECT json('{"a":1}') AS j, json_extract('{"a":[1,2]}', '$.a[1]') AS e, jsonb('1') AS b`).get(),
      ];
    },
  },
  {
    name: 'build: FTS3, FTS4 and FTS5',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec(`CREATE VIRTUAL TABLE f3 USING fts3(body);
        CREATE VIRTUAL TABLE f4 USING fts4(body);
        CREATE VIRTUAL TABLE f5 USING fts5(body);
        INSERT INTO f3 VALUES ('hello world'), ('goodbye world');
        INSERT INTO f4 VALUES ('hello world'), ('goodbye world');
        INSERT INTO f5 VALUES ('hello world'), ('goodbye world');`);
      return [
        db.prepare("SELECT body FROM f3 WHERE body MATCH '(hello OR goodbye) world' ORDER BY rowid").all(),
        db.prepare("SELECT body FROM f4 WHERE body MATCH 'hello'").all(),
        db.prepare("SELECT body, bm25(f5) < 0 AS ranked FROM f5 WHERE f5 MATCH 'goodbye'").all(),
      ];
    },
  },
  {
    name: 'build: R*Tree and Geopoly',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec(`CREATE VIRTUAL TABLE r USING rtree(id, x0, x1, y0, y1);
        INSERT INTO r VALUES (1, 0, 10, 0, 10), (2, 20, 30, 20, 30);
        CREATE VIRTUAL TABLE g USING geopoly(name);
        INSERT INTO g(_shape, name) VALUES ('[[0,0],[4,0],[4,4],[0,4],[0,0]]', 'square');`);
      return [
        db.prepare('SELECT id FROM r WHERE x0 <= 5 AND x1 >= 5').all(),
        db.prepare("SELECT name, geopoly_area(_shape) AS area FROM g WHERE geopoly_contains_point(_shape, 1, 1)").all(),
      ];
    },
  },
  {
    name: 'build: dbstat virtual table',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      return db.prepare("SELECT name, pageno FROM dbstat WHERE name = 't'").all();
    },
  },
  {
    name: 'build: sqlite_compileoption_used for feature flags',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return ['ENABLE_FTS5', 'ENABLE_RTREE', 'ENABLE_SESSION', 'ENABLE_COLUMN_METADATA', 'ENABLE_MATH_FUNCTIONS', 'ENABLE_PERCENTILE', 'ENABLE_GEOPOLY', 'ENABLE_DBSTAT_VTAB', 'ENABLE_FTS3_PARENTHESIS', 'ENABLE_PREUPDATE_HOOK', 'ENABLE_RBU', 'ENABLE_FTS3', 'MAX_VARIABLE_NUMBER=32766', 'MAX_ATTACHED=10', 'DEFAULT_MEMSTATUS=0'].map(
        (o) => [o, db.prepare('SELECT sqlite_compileoption_used(?) AS used').get(o).used],
      );
    },
  },
  {
    name: 'build: ATTACH up to the MAX_ATTACHED limit',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const out = [];
      for (let i = 0; i < 11; i++) out.push(attempt(() => db.exec(`ATTACH ':memory:' AS a${i}`)));
      return out;
    },
  },
];
