// Values handed back to SQLite — a user function's result, a virtual table's cell — and bare
// buffers as parameters, as Node 26.12.1's node:sqlite converts them (each expectation below was
// recorded by running the same calls on /work/node26's binary):
//   - a virtual table cell converts exactly like a function result: an ArrayBuffer or a
//     SharedArrayBuffer is a BLOB, a Promise is "Asynchronous user-defined functions are not
//     supported";
//   - an empty ArrayBuffer or SharedArrayBuffer is NULL (as a result, a cell or a parameter),
//     while an empty view is a zero-length BLOB.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, DatabaseSync } from '../../dist/index.js';
import { thrown } from '../helpers.mjs';

const UNCONVERTIBLE = 'Returned JavaScript value cannot be converted to a SQLite value';
const ASYNC_FUNCTION = 'Asynchronous user-defined functions are not supported';

// [label, value, expected { x, t } or an error message]
const CASES = [
  ['ArrayBuffer', () => new ArrayBuffer(2), { x: new Uint8Array(2), t: 'blob' }],
  ['SharedArrayBuffer', () => new SharedArrayBuffer(2), { x: new Uint8Array(2), t: 'blob' }],
  ['empty ArrayBuffer', () => new ArrayBuffer(0), { x: null, t: 'null' }],
  ['empty SharedArrayBuffer', () => new SharedArrayBuffer(0), { x: null, t: 'null' }],
  ['empty Uint8Array', () => new Uint8Array(0), { x: new Uint8Array(0), t: 'blob' }],
  ['empty DataView', () => new DataView(new ArrayBuffer(0)), { x: new Uint8Array(0), t: 'blob' }],
  ['Float64Array', () => new Float64Array(1), { x: new Uint8Array(8), t: 'blob' }],
  ['Promise', () => Promise.resolve(1), ASYNC_FUNCTION],
  ['boolean', () => true, UNCONVERTIBLE],
  ['object', () => ({}), UNCONVERTIBLE],
];

const plain = (row) => (row === undefined ? row : { ...row });

function outcome(run) {
  const error = thrown(run);
  if (error === undefined) return undefined;
  return error.message;
}

test('a virtual table cell converts as a function result does', () => {
  for (const [label, make, expected] of CASES) {
    const db = new DatabaseSync(':memory:');
    db.createModule('m', { columns: [{ name: 'x', type: 'ANY' }], rows: () => [[make()]] });
    const statement = db.prepare('SELECT x, typeof(x) AS t FROM m');
    if (typeof expected === 'string') {
      assert.is(outcome(() => statement.all()), expected, `cell: ${label}`);
    } else {
      assert.equal(plain(statement.get()), expected, `cell: ${label}`);
    }
    db.close();
  }
});

test('a sync function result', () => {
  for (const [label, make, expected] of CASES) {
    const db = new DatabaseSync(':memory:');
    db.function('f', () => make());
    const statement = db.prepare('SELECT f() AS x, typeof(f()) AS t');
    if (typeof expected === 'string') {
      assert.is(outcome(() => statement.get()), expected, `function: ${label}`);
    } else {
      assert.equal(plain(statement.get()), expected, `function: ${label}`);
    }
    db.close();
  }
});

test('an async function result, as the sync one', async () => {
  const db = await AsyncDatabase.open(':memory:');
  try {
    for (const [label, make, expected] of CASES) {
      await db.function('f', () => make());
      const result = await db.get('SELECT f() AS x, typeof(f()) AS t').then(plain, (error) => error.message);
      assert.equal(result, expected, `async function: ${label}`);
    }
  } finally {
    await db.close();
  }
});

test('an empty SharedArrayBuffer binds as NULL, as an empty ArrayBuffer (sync and async)', async () => {
  const expected = [
    ['ArrayBuffer', new ArrayBuffer(0), { x: null, t: 'null' }],
    ['SharedArrayBuffer', new SharedArrayBuffer(0), { x: null, t: 'null' }],
    ['Uint8Array', new Uint8Array(0), { x: new Uint8Array(0), t: 'blob' }],
    ['SharedArrayBuffer of 2 bytes', new SharedArrayBuffer(2), { x: new Uint8Array(2), t: 'blob' }],
  ];
  const db = new DatabaseSync(':memory:');
  const adb = await AsyncDatabase.open(':memory:');
  try {
    for (const [label, value, row] of expected) {
      assert.equal(plain(db.prepare('SELECT ? AS x, typeof(?) AS t').get(value, value)), row, `sync: ${label}`);
      assert.equal(plain(await adb.get('SELECT ? AS x, typeof(?) AS t', value, value)), row, `async: ${label}`);
      assert.equal(plain(db.prepare('SELECT $v AS x, typeof($v) AS t').get({ v: value })), row, `sync, named: ${label}`);
    }
  } finally {
    db.close();
    await adb.close();
  }
});

test.run();
