// The module surface: exports, classes, prototypes, constants, instance shapes.
import { attempt, attemptAll, describe, keyName, keyNames } from './_util.mjs';

const NODE_EXPORTS = ['Database', 'DatabaseSync', 'Statement', 'StatementSync', 'Session', 'constants', 'backup'];

export default [
  {
    name: 'module: node:sqlite export names and types',
    run: (sqlite) => NODE_EXPORTS.map((k) => [k, typeof sqlite[k]]),
  },
  {
    name: 'module: Database === DatabaseSync, Statement === StatementSync',
    run: (sqlite) => [sqlite.Database === sqlite.DatabaseSync, sqlite.Statement === sqlite.StatementSync],
  },
  {
    name: 'module: class names and lengths',
    run: (sqlite) => ({
      DatabaseSync: [sqlite.DatabaseSync.name, sqlite.DatabaseSync.length],
      StatementSync: [sqlite.StatementSync.name, sqlite.StatementSync.length],
      Session: [sqlite.Session.name, sqlite.Session.length],
      backup: [sqlite.backup.name, sqlite.backup.length],
    }),
  },
  {
    name: 'module: class own keys and prototype parents',
    run: (sqlite) => ({
      DatabaseSync: keyNames(sqlite.DatabaseSync),
      StatementSync: keyNames(sqlite.StatementSync),
      dbParent: Object.getPrototypeOf(sqlite.DatabaseSync) === Function.prototype,
      stmtParent: Object.getPrototypeOf(sqlite.StatementSync) === Function.prototype,
      dbProtoParent: Object.getPrototypeOf(sqlite.DatabaseSync.prototype) === Object.prototype,
      stmtProtoParent: Object.getPrototypeOf(sqlite.StatementSync.prototype) === Object.prototype,
    }),
  },
  {
    name: 'module: DatabaseSync.prototype member names',
    run: (sqlite) => keyNames(sqlite.DatabaseSync.prototype),
  },
  {
    name: 'module: StatementSync.prototype member names',
    run: (sqlite) => keyNames(sqlite.StatementSync.prototype),
  },
  {
    name: 'module: DatabaseSync.prototype descriptors (enumerable methods, names, lengths)',
    run: (sqlite) => Reflect.ownKeys(sqlite.DatabaseSync.prototype).map((k) => [keyName(k), describe(sqlite.DatabaseSync.prototype, k)]),
  },
  {
    name: 'module: StatementSync.prototype descriptors (enumerable methods, names, lengths)',
    run: (sqlite) => Reflect.ownKeys(sqlite.StatementSync.prototype).map((k) => [keyName(k), describe(sqlite.StatementSync.prototype, k)]),
  },
  {
    name: 'module: prototype.constructor identity',
    run: (sqlite) => [
      sqlite.DatabaseSync.prototype.constructor === sqlite.DatabaseSync,
      sqlite.StatementSync.prototype.constructor === sqlite.StatementSync,
    ],
  },
  {
    name: 'module: constants (keys, values, order)',
    run: (sqlite) => sqlite.constants,
  },
  {
    name: 'module: constants object is a plain mutable object',
    run: (sqlite) => [Object.isFrozen(sqlite.constants), Object.getPrototypeOf(sqlite.constants) === Object.prototype],
  },
  {
    name: 'module: new StatementSync() is an illegal constructor',
    run: (sqlite) => new sqlite.StatementSync(),
  },
  {
    name: 'module: StatementSync() without new',
    run: (sqlite) => sqlite.StatementSync(),
  },
  {
    name: 'module: DatabaseSync() without new',
    run: (sqlite) => sqlite.DatabaseSync(':memory:'),
  },
  {
    name: 'module: new Session() is an illegal constructor',
    run: (sqlite) => new sqlite.Session(),
  },
  {
    name: 'module: db instance own keys (incl. symbols)',
    run: (sqlite, ctx) => keyNames(ctx.open()),
  },
  {
    name: 'module: db instance own property descriptors',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return Reflect.ownKeys(db).map((k) => [keyName(k), describe(db, k)]);
    },
  },
  {
    name: "module: db[Symbol.for('sqlite-type')]",
    run: (sqlite, ctx) => {
      const db = ctx.open();
      return [db[Symbol.for('sqlite-type')], Object.prototype.hasOwnProperty.call(db, Symbol.for('sqlite-type'))];
    },
  },
  {
    name: "module: Symbol.for('sqlite-type') is not on statements or prototypes",
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      const k = Symbol.for('sqlite-type');
      return [st[k], sqlite.DatabaseSync.prototype[k], sqlite.StatementSync.prototype[k]];
    },
  },
  {
    name: 'module: for...in over a db instance',
    run: (sqlite, ctx) => {
      const out = [];
      for (const k in ctx.open()) out.push(k);
      return out;
    },
  },
  {
    name: 'module: statement instance own keys and descriptors',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      return Reflect.ownKeys(st).map((k) => [keyName(k), describe(st, k)]);
    },
  },
  {
    name: 'module: for...in over a statement',
    run: (sqlite, ctx) => {
      const out = [];
      for (const k in ctx.open().prepare('SELECT 1')) out.push(k);
      return out;
    },
  },
  {
    name: 'module: instanceof and prototypes of instances',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT 1');
      return [
        db instanceof sqlite.DatabaseSync,
        db instanceof sqlite.Database,
        st instanceof sqlite.StatementSync,
        st instanceof sqlite.Statement,
        Object.getPrototypeOf(db) === sqlite.DatabaseSync.prototype,
        Object.getPrototypeOf(st) === sqlite.StatementSync.prototype,
        st.constructor === sqlite.StatementSync,
      ];
    },
  },
  {
    name: 'module: toString tags of instances',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const st = db.prepare('SELECT 1');
      return [Object.prototype.toString.call(db), Object.prototype.toString.call(st), String(db), String(st)];
    },
  },
  {
    name: 'module: subclassing DatabaseSync',
    run: (sqlite, ctx) => {
      class MyDb extends sqlite.DatabaseSync {
        hello() { return 'hi'; }
      }
      const db = new MyDb(':memory:');
      ctx.defer(() => db.close());
      return [db.hello(), db instanceof sqlite.DatabaseSync, db.prepare('SELECT 1 AS a').get(), Object.keys(db)];
    },
  },
  {
    name: 'module: methods called with a foreign this (Illegal invocation)',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      const D = sqlite.DatabaseSync.prototype;
      const S = sqlite.StatementSync.prototype;
      return attemptAll(
        () => D.open.call({}),
        () => D.close.call({}),
        () => D.prepare.call({}, 'SELECT 1'),
        () => D.exec.call({}, 'SELECT 1'),
        () => D.location.call({}),
        () => D[Symbol.dispose].call({}),
        () => S.get.call({}),
        () => S.all.call(db),
        () => S.run.call(undefined),
        () => S.iterate.call({}),
        () => S.columns.call(1),
        () => S.setReadBigInts.call({}, true),
        () => S.close.call({}),
      );
    },
  },
  {
    name: 'module: isOpen getter with a foreign this',
    run: (sqlite, ctx) => {
      const get = Object.getOwnPropertyDescriptor(ctx.open(), 'isOpen').get;
      return attempt(() => get.call({}));
    },
  },
  {
    name: 'module: run() result shape',
    run: (sqlite, ctx) => {
      const db = ctx.open();
      db.exec('CREATE TABLE t(a)');
      const r = db.prepare('INSERT INTO t VALUES (1)').run();
      return [r, Object.getPrototypeOf(r) === Object.prototype, Object.keys(r)];
    },
  },
];
