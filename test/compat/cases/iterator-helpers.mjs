// The iterator helpers (map, filter, take, drop, flatMap, reduce, toArray, forEach, some, every,
// find) as statement iterators inherit them: from Iterator.prototype on Node 22+, from the
// prototype src/ts/shared/iterator-helpers.ts adds on Node 20/21. Recorded from node:sqlite on Node 26,
// so every result, call order and error message below is V8's own.
//
// Two kinds of case:
//   - on real statement iterators: laziness (rows are stepped only when asked, seen through a
//     user function in the SELECT), and that every early exit closes the iterator (resets the
//     statement, releases its read lock);
//   - on a traced iterator: an object that inherits the helpers from the same prototype as the
//     statement iterators and logs every protocol access (reads of next/done/value/return and
//     the calls), so the exact order of the spec's steps is compared.
import { attempt, attemptAll, describe, keyName, keyNames, withRows } from './_util.mjs';

const HELPERS = ['reduce', 'toArray', 'forEach', 'some', 'every', 'find', 'map', 'filter', 'take', 'drop', 'flatMap'];

// The prototype statement iterators get their helpers from.
function helpersPrototype(ctx) {
  const it = ctx.open().prepare('SELECT 1').iterate();
  return Object.getPrototypeOf(Object.getPrototypeOf(it));
}

// A table t(id 1..n) and a statement that logs each row as SQLite steps to it.
function loggedRows(ctx, n = 4) {
  const db = withRows(ctx.open(), n);
  const stepped = [];
  db.function('stepped', (id) => {
    stepped.push(id);
    return id;
  });
  return { db, stepped, st: db.prepare('SELECT stepped(id) AS id FROM t ORDER BY t.id') };
}

// Whether another connection can write `file` now: not while a statement iterator still holds
// its read lock (the busy timeout is 0, so it fails at once with "database is locked").
function writable(ctx, file) {
  const other = ctx.open(file);
  return attempt(() => {
    other.exec('CREATE TABLE IF NOT EXISTS probe(x); DROP TABLE probe');
    return 'writable';
  });
}

// An iterator over `values` whose protocol accesses are logged in `log`.
function traced(helpers, values, log, { returnMethod = 'ok' } = {}) {
  let i = 0;
  const it = Object.create(helpers);
  Object.defineProperty(it, 'next', {
    get() {
      log.push('get next');
      return function next(...args) {
        log.push(`next(${args.length})`);
        const done = i >= values.length;
        const value = done ? 'end' : values[i++];
        return {
          get done() {
            log.push('get done');
            return done;
          },
          get value() {
            log.push('get value');
            return value;
          },
        };
      };
    },
  });
  Object.defineProperty(it, 'return', {
    get() {
      log.push('get return');
      if (returnMethod === 'absent') return undefined;
      if (returnMethod === 'not callable') return 7;
      return function (...args) {
        log.push(`return(${args.length})`);
        if (returnMethod === 'throws') throw new Error('return threw');
        if (returnMethod === 'primitive') return 5;
        return {};
      };
    },
  });
  return it;
}

// Runs fn(log) and records its outcome with the protocol log.
function scenario(fn) {
  const log = [];
  const outcome = attempt(() => fn(log));
  return { outcome, log };
}

// A callback that logs its arguments and whether `this` is undefined, and returns its first one.
const logged = (log, name) =>
  function (...args) {
    log.push(`${name}(${args.map(String).join(',')}) this=${this === undefined ? 'undefined' : typeof this}`);
    return args[0];
  };

export default [
  // ---- shape ----
  {
    name: 'iterator helpers: descriptors, names and lengths',
    run: (sqlite, ctx) => {
      const proto = helpersPrototype(ctx);
      const tag = Object.getOwnPropertyDescriptor(proto, Symbol.toStringTag);
      return {
        helpers: HELPERS.map((k) => [k, describe(proto, k)]),
        toStringTag: [describe(proto, Symbol.toStringTag), tag && tag.get.name, tag && tag.set.name],
        notConstructors: HELPERS.map((k) => attempt(() => Reflect.construct(String, [], proto[k])).threw?.constructor.name),
      };
    },
  },
  {
    name: 'iterator helpers: Iterator Helper objects',
    run: (sqlite, ctx) => {
      const st = withRows(ctx.open(), 3).prepare('SELECT id FROM t ORDER BY id');
      const proto = helpersPrototype(ctx);
      const helper = st.iterate().map((r) => r.id);
      const helperProto = Object.getPrototypeOf(helper);
      const kinds = ['map', 'filter', 'take', 'drop', 'flatMap'].map((m) => {
        const h = m === 'take' || m === 'drop' ? st.iterate()[m](1) : st.iterate()[m](() => []);
        return Object.getPrototypeOf(h) === helperProto;
      });
      return {
        ownKeys: keyNames(helper),
        protoKeys: keyNames(helperProto),
        protoDescriptors: Reflect.ownKeys(helperProto).map((k) => [keyName(k), describe(helperProto, k)]),
        inheritsHelpers: Object.getPrototypeOf(helperProto) === proto,
        sameProtoForEveryKind: kinds,
        toString: Object.prototype.toString.call(helper),
        selfIterable: helper[Symbol.iterator]() === helper,
        chained: st.iterate().map((r) => r.id * 10).filter((x) => x !== 20).take(5).toArray(),
        spread: [...st.iterate().drop(1).map((r) => r.id)],
      };
    },
  },
  {
    name: 'iterator helpers: Symbol.toStringTag accessor',
    run: (sqlite, ctx) => {
      const proto = helpersPrototype(ctx);
      const { get, set } = Object.getOwnPropertyDescriptor(proto, Symbol.toStringTag);
      const it = ctx.open().prepare('SELECT 1').iterate();
      const own = Object.create(proto);
      own[Symbol.toStringTag] = 'Mine';
      const frozen = Object.freeze(Object.create(proto));
      return {
        get: [get.call(1), get.call(undefined), get.call({})],
        setOnPrimitive: attempt(() => set.call(1, 'x')),
        setOnPrototype: attempt(() => {
          proto[Symbol.toStringTag] = 'x';
        }),
        setOnObject: [Object.getOwnPropertyDescriptor(own, Symbol.toStringTag), Object.prototype.toString.call(own)],
        setTwice: (() => {
          own[Symbol.toStringTag] = 'Again';
          return Object.getOwnPropertyDescriptor(own, Symbol.toStringTag);
        })(),
        onStatementIterator: [Object.prototype.toString.call(it), it[Symbol.toStringTag]],
        frozen: attempt(() => set.call(frozen, 'x'))?.threw?.constructor.name,
        after: get.call(proto),
      };
    },
  },

  // ---- on statement iterators: laziness and closing ----
  {
    name: 'iterator helpers: lazy helpers step no row until next()',
    run: (sqlite, ctx) => {
      const { stepped, st } = loggedRows(ctx);
      const out = [];
      for (const make of [
        (it) => it.map((r) => r.id),
        (it) => it.filter((r) => r.id % 2 === 0),
        (it) => it.take(2),
        (it) => it.drop(2),
        (it) => it.flatMap((r) => [r.id, -r.id]),
      ]) {
        stepped.length = 0;
        const helper = make(st.iterate());
        const before = [...stepped];
        const first = helper.next();
        const afterFirst = [...stepped];
        const second = helper.next();
        out.push({ before, first, afterFirst, second, afterSecond: [...stepped] });
        helper.return();
      }
      return out;
    },
  },
  {
    name: 'iterator helpers: take(n) reads n rows and resets the statement',
    run: (sqlite, ctx) => {
      const file = ctx.tmp('take.db');
      const db = withRows(ctx.open(file), 5);
      const stepped = [];
      db.function('stepped', (id) => (stepped.push(id), id));
      const st = db.prepare('SELECT stepped(id) AS id FROM t ORDER BY t.id');
      const it = st.iterate();
      const helper = it.take(2);
      const rows = [helper.next(), helper.next()];
      const lockedWhileOpen = writable(ctx, file);
      const third = helper.next(); // the limit: closes the statement iterator
      return { rows, third, stepped, lockedWhileOpen, afterLimit: writable(ctx, file), underlying: it.next(), again: st.all() };
    },
  },
  {
    name: 'iterator helpers: return() on a helper resets the statement',
    run: (sqlite, ctx) => {
      const file = ctx.tmp('ret.db');
      const db = withRows(ctx.open(file), 5);
      const st = db.prepare('SELECT id FROM t ORDER BY id');
      const out = {};
      for (const m of ['map', 'filter', 'drop', 'flatMap', 'take']) {
        const it = st.iterate();
        const helper = m === 'drop' ? it.drop(1) : m === 'take' ? it.take(9) : m === 'flatMap' ? it.flatMap((r) => [r.id]) : it[m]((r) => r);
        const first = helper.next();
        out[m] = { first, ret: helper.return(), lock: writable(ctx, file), underlying: it.next(), helperAfter: helper.next() };
      }
      const unstarted = st.iterate();
      const helper = unstarted.map((r) => r.id);
      out.beforeFirstNext = { ret: helper.return(), underlying: unstarted.next(), helperAfter: helper.next() };
      return out;
    },
  },
  {
    name: 'iterator helpers: some / every / find stop early and reset the statement',
    run: (sqlite, ctx) => {
      const file = ctx.tmp('some.db');
      const db = withRows(ctx.open(file), 5);
      const stepped = [];
      db.function('stepped', (id) => (stepped.push(id), id));
      const st = db.prepare('SELECT stepped(id) AS id FROM t ORDER BY t.id');
      const out = {};
      for (const [m, fn] of [
        ['some', (r) => r.id === 2],
        ['every', (r) => r.id < 3],
        ['find', (r) => r.id === 3],
        ['some (none)', () => false],
        ['every (all)', () => true],
        ['find (none)', () => false],
      ]) {
        stepped.length = 0;
        const it = st.iterate();
        const result = it[m.split(' ')[0]](fn);
        out[m] = { result, stepped: [...stepped], lock: writable(ctx, file), underlying: it.next() };
      }
      return out;
    },
  },
  {
    name: 'iterator helpers: a throwing callback resets the statement and propagates',
    run: (sqlite, ctx) => {
      const file = ctx.tmp('throw.db');
      const db = withRows(ctx.open(file), 5);
      const st = db.prepare('SELECT id FROM t ORDER BY id');
      const boom = (r) => {
        if (r.id === 2) throw new Error(`boom at ${r.id}`);
        return true;
      };
      const out = {};
      for (const m of ['map', 'filter', 'flatMap', 'forEach', 'some', 'every', 'find']) {
        const it = st.iterate();
        const fn = m === 'flatMap' ? (r) => (boom(r), [r.id]) : m === 'some' || m === 'find' ? (r) => (boom(r), false) : boom;
        const threw = attempt(() => {
          const r = it[m](fn);
          return r && typeof r.next === 'function' ? [r.next(), r.next()] : r;
        });
        out[m] = { threw, lock: writable(ctx, file), underlying: it.next() };
      }
      const it = st.iterate();
      out.reduce = {
        threw: attempt(() => it.reduce((acc, r) => boom(r) && acc + r.id, 0)),
        lock: writable(ctx, file),
        underlying: it.next(),
      };
      return out;
    },
  },
  {
    name: 'iterator helpers: eager helpers on rows',
    run: (sqlite, ctx) => {
      const st = withRows(ctx.open(), 4).prepare('SELECT id, v FROM t ORDER BY id');
      const calls = [];
      return {
        toArray: st.iterate().toArray(),
        reduce: st.iterate().reduce((acc, r, i) => (calls.push(['reduce', i]), acc + r.id), 100),
        reduceNoInitial: st.iterate().reduce((acc, r, i) => (calls.push(['reduce1', i]), typeof acc === 'object' ? acc.id + r.id : acc + r.id)),
        reduceEmpty: attempt(() => ctx.open().prepare('SELECT 1 WHERE 0').iterate().reduce((a, b) => a + b)),
        reduceEmptyInitial: ctx.open().prepare('SELECT 1 WHERE 0').iterate().reduce((a, b) => a + b, 'init'),
        forEach: st.iterate().forEach((r, i) => calls.push(['forEach', r.v, i])),
        some: st.iterate().some((r, i) => (calls.push(['some', i]), r.id === 3)),
        every: st.iterate().every((r, i) => (calls.push(['every', i]), r.id < 9)),
        find: st.iterate().find((r, i) => (calls.push(['find', i]), r.v === 'v2')),
        calls,
      };
    },
  },
  {
    name: 'iterator helpers: lazy helpers on rows, counters and this',
    run: (sqlite, ctx) => {
      const st = withRows(ctx.open(), 4).prepare('SELECT id FROM t ORDER BY id');
      const calls = [];
      const record = (name) =>
        function (...args) {
          calls.push([name, args.length, args[1], this === undefined]);
          return name === 'flatMap' ? [args[0].id, args[0].id * 10] : name === 'filter' ? args[0].id % 2 : args[0].id;
        };
      return {
        map: st.iterate().map(record('map')).toArray(),
        filter: st.iterate().filter(record('filter')).toArray(),
        flatMap: st.iterate().flatMap(record('flatMap')).toArray(),
        take: [st.iterate().take(0).toArray(), st.iterate().take(2).toArray(), st.iterate().take(Infinity).toArray()],
        drop: [st.iterate().drop(0).toArray().length, st.iterate().drop(3).toArray(), st.iterate().drop(Infinity).toArray()],
        calls,
      };
    },
  },
  {
    name: 'iterator helpers: flatMap over rows with strings, iterables and iterators',
    run: (sqlite, ctx) => {
      const st = withRows(ctx.open(), 2).prepare('SELECT id, v FROM t ORDER BY id');
      const inner = (n) => ({ i: 0, next() { return this.i < n ? { done: false, value: this.i++ } : { done: true }; } });
      return attemptAll(
        () => st.iterate().flatMap((r) => r.v).toArray(),
        () => st.iterate().flatMap((r) => new String(r.v)).toArray(),
        () => st.iterate().flatMap((r) => new Set([r.id, r.id])).toArray(),
        () => st.iterate().flatMap((r) => inner(r.id)).toArray(),
        () => st.iterate().flatMap((r) => r.id).toArray(),
        () => st.iterate().flatMap(() => null).toArray(),
        () => st.iterate().flatMap(() => ({})).toArray(),
        () => st.iterate().flatMap(() => ({ [Symbol.iterator]: 1 })).toArray(),
        () => st.iterate().flatMap(() => ({ [Symbol.iterator]: () => 1 })).toArray(),
        () => st.iterate().flatMap(() => ({ [Symbol.iterator]: null, next: () => ({ done: true }) })).toArray(),
      );
    },
  },
  {
    name: 'iterator helpers: statement invalidated or closed under a helper',
    run: (sqlite, ctx) => {
      const db = withRows(ctx.open(), 3);
      const st = db.prepare('SELECT id FROM t ORDER BY id');
      const helper = st.iterate().map((r) => r.id);
      const first = helper.next();
      st.all(); // invalidates the iterator under the helper
      const invalidated = attemptAll(() => helper.next(), () => helper.next());
      const other = db.prepare('SELECT id FROM t ORDER BY id');
      const h2 = other.iterate().filter(() => true);
      h2.next();
      other.close();
      return { first, invalidated, closed: attemptAll(() => h2.next(), () => h2.return()) };
    },
  },

  // ---- traced iterators: the exact protocol ----
  {
    name: 'iterator helpers: protocol of the lazy helpers',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      return {
        create: scenario((log) => {
          traced(P, [1], log).map((x) => x);
          return 'created';
        }),
        map: scenario((log) => {
          const h = traced(P, [1, 2], log).map(logged(log, 'fn'));
          return [h.next(), h.next(), h.next(), h.next()];
        }),
        mapNextArgs: scenario((log) => traced(P, [1], log).map((x) => x).next(1, 2)),
        filter: scenario((log) => [...traced(P, [1, 2, 3], log).filter((x, i) => (log.push(`fn(${x},${i})`), x !== 2))]),
        take1: scenario((log) => {
          const h = traced(P, [1, 2, 3], log).take(1);
          return [h.next(), h.next(), h.next()];
        }),
        take0: scenario((log) => {
          const h = traced(P, [1, 2, 3], log).take(0);
          return [h.next(), h.next()];
        }),
        drop1: scenario((log) => {
          const h = traced(P, [1, 2, 3], log).drop(1);
          return [h.next(), h.next(), h.next()];
        }),
        drop5: scenario((log) => {
          const h = traced(P, [1, 2, 3], log).drop(5);
          return [h.next(), h.next()];
        }),
        flatMap: scenario((log) => {
          const h = traced(P, [1, 2], log).flatMap((x, i) => (log.push(`fn(${x},${i})`), traced(P, [x, x], log)));
          return [h.next(), h.next(), h.next(), h.return(), h.next()];
        }),
        flatMapToEnd: scenario((log) => [...traced(P, [1, 2], log).flatMap((x) => traced(P, x === 1 ? [] : [x], log))]),
      };
    },
  },
  {
    name: 'iterator helpers: protocol of return() on lazy helpers',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      const helpers = { map: (it) => it.map((x) => x), filter: (it) => it.filter(() => true), take: (it) => it.take(5), drop: (it) => it.drop(0), flatMap: (it) => it.flatMap((x) => [x]) };
      const out = {};
      for (const [name, make] of Object.entries(helpers)) {
        out[name] = {
          beforeStart: scenario((log) => {
            const h = make(traced(P, [1, 2], log));
            return [h.return(), h.next(), h.return()];
          }),
          afterOne: scenario((log) => {
            const h = make(traced(P, [1, 2], log));
            return [h.next(), h.return(), h.return(), h.next()];
          }),
          afterDone: scenario((log) => {
            const h = make(traced(P, [], log));
            return [h.next(), h.return()];
          }),
          withArgument: scenario((log) => {
            const h = make(traced(P, [1], log));
            h.next();
            return h.return('ignored');
          }),
        };
      }
      return out;
    },
  },
  {
    name: 'iterator helpers: protocol of the eager helpers',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      return {
        reduce: scenario((log) => traced(P, [1, 2, 3], log).reduce((a, x, i) => (log.push(`fn(${a},${x},${i})`), a + x))),
        reduceInit: scenario((log) => traced(P, [1, 2], log).reduce((a, x, i) => (log.push(`fn(${a},${x},${i})`), a + x), 10)),
        reduceInitUndefined: scenario((log) => traced(P, [1, 2], log).reduce((a, x, i) => (log.push(`fn(${a},${x},${i})`), 7), undefined)),
        reduceEmpty: scenario((log) => traced(P, [], log).reduce((a, x) => a + x)),
        toArray: scenario((log) => traced(P, [1, 2], log).toArray()),
        forEach: scenario((log) => traced(P, [1, 2], log).forEach((x, i) => (log.push(`fn(${x},${i})`), 5))),
        some: scenario((log) => traced(P, [1, 2, 3], log).some((x, i) => (log.push(`fn(${x},${i})`), x === 2))),
        someNone: scenario((log) => traced(P, [1], log).some(() => 0)),
        every: scenario((log) => traced(P, [1, 2, 3], log).every((x, i) => (log.push(`fn(${x},${i})`), x !== 2))),
        everyAll: scenario((log) => traced(P, [1], log).every(() => 'yes')),
        find: scenario((log) => traced(P, [1, 2, 3], log).find((x, i) => (log.push(`fn(${x},${i})`), x === 2))),
        findNone: scenario((log) => traced(P, [1], log).find(() => '')),
        findThrows: scenario((log) => traced(P, [1, 2, 3], log).find(() => {
          throw new Error('f');
        })),
      };
    },
  },
  {
    name: 'iterator helpers: closing when return() is absent, throws, is not callable or returns a primitive',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      const out = {};
      for (const returnMethod of ['absent', 'throws', 'not callable', 'primitive']) {
        const t = (values, log) => traced(P, values, log, { returnMethod });
        out[returnMethod] = {
          someFound: scenario((log) => t([1], log).some(() => true)),
          takeLimit: scenario((log) => {
            const h = t([1, 2], log).take(1);
            return [h.next(), attempt(() => h.next()), h.next()];
          }),
          helperReturn: scenario((log) => {
            const h = t([1, 2], log).map((x) => x);
            h.next();
            return [attempt(() => h.return()), h.next()];
          }),
          helperReturnBeforeStart: scenario((log) => {
            const h = t([1, 2], log).filter(() => true);
            return [attempt(() => h.return()), h.next()];
          }),
          callbackThrows: scenario((log) => t([1], log).map(() => {
            throw new Error('callback');
          }).next()),
          badArgument: scenario((log) => t([1], log).forEach('nope')),
        };
      }
      return out;
    },
  },
  {
    name: 'iterator helpers: flatMap closes the inner iterator, then the outer one',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      const out = {};
      for (const returnMethod of ['ok', 'throws', 'primitive', 'absent']) {
        out[returnMethod] = scenario((log) => {
          const h = traced(P, [1, 2], log).flatMap((x) => traced(P, [x, x], log, { returnMethod }));
          h.next();
          return attemptAll(() => h.return(), () => h.next());
        });
      }
      out.innerNextThrows = scenario((log) => {
        const inner = Object.create(P, { next: { value: () => { throw new Error('inner next'); } } });
        return traced(P, [1], log).flatMap(() => inner).next();
      });
      out.mapperThrows = scenario((log) => traced(P, [1], log).flatMap(() => { throw new Error('mapper'); }).next());
      out.notIterable = scenario((log) => traced(P, [1], log).flatMap(() => 'str').next());
      return out;
    },
  },
  {
    name: 'iterator helpers: the underlying next() failing',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      const failing = (log, how) =>
        Object.create(P, {
          next: {
            value() {
              log.push('next');
              if (how === 'throws') throw new Error('next threw');
              if (how === 'primitive') return 'abc';
              if (how === 'done getter') return { get done() { throw new Error('done threw'); } };
              return { done: false, get value() { throw new Error('value threw'); } };
            },
          },
          return: { value: () => (log.push('return'), {}) },
        });
      const out = {};
      for (const how of ['throws', 'primitive', 'done getter', 'value getter']) {
        out[how] = {
          map: scenario((log) => {
            const h = failing(log, how).map((x) => x);
            return [attempt(() => h.next()), h.next()];
          }),
          toArray: scenario((log) => failing(log, how).toArray()),
          drop: scenario((log) => failing(log, how).drop(1).next()),
        };
      }
      out.nextNotCallable = {
        lazy: scenario(() => {
          const h = Object.create(P, { next: { value: 1 } }).map((x) => x);
          return attemptAll(() => 'created', () => h.next());
        }),
        eager: scenario(() => Object.create(P, { next: { value: 'n' } }).toArray()),
        missing: scenario(() => Object.create(P).toArray()),
      };
      return out;
    },
  },
  {
    name: 'iterator helpers: re-entrant next() and return() from a callback',
    run: (sqlite, ctx) => {
      const st = withRows(ctx.open(), 3).prepare('SELECT id FROM t ORDER BY id');
      let h;
      h = st.iterate().map(() => h.next());
      const nextInside = attemptAll(() => h.next(), () => h.next());
      let h2;
      h2 = st.iterate().filter(() => h2.return());
      const returnInside = attemptAll(() => h2.next(), () => h2.next());
      return { nextInside, returnInside, statementUsable: st.all().length };
    },
  },

  // ---- argument validation ----
  {
    name: 'iterator helpers: non-object this',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      const out = {};
      for (const k of HELPERS) out[k] = attemptAll(() => P[k].call(undefined, () => 0), () => P[k].call(1, () => 0), () => P[k].call('abc', () => 0));
      return out;
    },
  },
  {
    name: 'iterator helpers: non-callable callbacks close the iterator',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      // Every kind of value for map (V8 words the message by type); a few for the others,
      // which share the check (flatMap words it differently).
      const out = {
        map: [1, -0, NaN, 'abc', '', true, null, undefined, Symbol('s'), 10n, {}, [], /re/].map((bad) =>
          scenario((log) => traced(P, [1], log).map(bad)),
        ),
      };
      for (const k of HELPERS.filter((m) => !['map', 'toArray', 'take', 'drop'].includes(m))) {
        out[k] = [1, 'abc', undefined, {}].map((bad) => scenario((log) => traced(P, [1], log)[k](bad)));
      }
      return out;
    },
  },
  {
    name: 'iterator helpers: take / drop limits',
    run: (sqlite, ctx) => {
      const P = helpersPrototype(ctx);
      const st = withRows(ctx.open(), 3).prepare('SELECT id FROM t ORDER BY id');
      class Foo {}
      const limits = [
        0, 1, 2, -0, 1.5, 2.9, -0.5, -0.9, Infinity, 2 ** 53, 2 ** 64,
        NaN, -1, -Infinity, undefined, null, true, '', '2', ' 1 ', '-1', 'x', '0x2', [], [2], [1, 2],
        {}, new Foo(), { valueOf: () => 1 }, { valueOf: () => -3 }, { toString: () => '2' }, Object.create(null), function limit() {}, Symbol('s'), 1n,
        new Date(1), /r/, new Error('e'), new Map(), Object.assign(Object.create(null), { [Symbol.toStringTag]: 'Tagged', valueOf: () => NaN }),
      ];
      const ids = (it) => it.toArray().map((r) => r.id);
      return {
        take: limits.map((l) => attempt(() => ids(st.iterate().take(l)))),
        drop: limits.map((l) => attempt(() => ids(st.iterate().drop(l)))),
        closesOnError: ['take', 'drop'].map((m) => [
          scenario((log) => traced(P, [1], log)[m](-1)),
          scenario((log) => traced(P, [1], log)[m]({ valueOf() { log.push('valueOf'); throw new Error('valueOf threw'); } })),
          scenario((log) => traced(P, [1], log)[m]({ valueOf() { log.push('valueOf'); return 1; } })),
        ]),
      };
    },
  },
  {
    name: 'iterator helpers: Iterator Helper next()/return() on foreign receivers',
    run: (sqlite, ctx) => {
      const st = ctx.open().prepare('SELECT 1');
      const helperProto = Object.getPrototypeOf(st.iterate().map((x) => x));
      class Foo {}
      const receivers = [
        undefined, null, 5, -0, 'abc', '', true, Symbol('q'), Symbol(), 10n,
        {}, new Foo(), [1], function foo() {}, () => 1, new Error('e'), new TypeError('t'),
        Object.create(null), { toString() { return 'x'; } }, new Map(), new Proxy({}, {}), new Proxy([], {}), /r/g,
        new Date(0), new String('s'), new Number(3), Object(Symbol('w')),
        Object.assign(Object.create(null), { [Symbol.toStringTag]: 'Tag' }),
        new (class Bar { get [Symbol.toStringTag]() { return 'T'; } })(),
        st.iterate(),
        // (not Object.create(helperProto): V8 names it by the Iterator.prototype.constructor
        // accessor, which Node 20 has no Iterator to return for)
      ];
      return receivers.map((r) => attemptAll(() => helperProto.next.call(r), () => helperProto.return.call(r)));
    },
  },
];
