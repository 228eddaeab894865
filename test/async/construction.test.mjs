// The async API's classes are made by the package only (open(), prepare(), createSession(),
// transaction()). Constructed from user code they throw exactly what node:sqlite's StatementSync
// throws, and the sync classes users cannot construct keep doing so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AsyncDatabase, AsyncSession, AsyncStatement, DatabaseSync, Session, StatementSync, Transaction } from '../../dist/index.js';
import { thrown } from '../helpers.mjs';

const reference = thrown(() => new StatementSync());

function assertIllegalConstructor(label, error) {
  assert.is(Object.getPrototypeOf(error), Object.getPrototypeOf(reference), `${label}: the same class of error`);
  assert.is(error.code, 'ERR_ILLEGAL_CONSTRUCTOR', label);
  assert.is(error.message, reference.message, label);
  assert.equal(Object.keys(error), Object.keys(reference), label);
}

test('new on an async class throws what new StatementSync() throws, whatever the arguments', async () => {
  assert.is(reference.code, 'ERR_ILLEGAL_CONSTRUCTOR');
  const db = await AsyncDatabase.open(':memory:');
  const statement = await db.prepare('SELECT 1');
  // Arguments shaped like the internal ones, taken from real objects where they are reachable.
  const argumentLists = [[], [Symbol('internal construction')], [undefined, {}, {}], [Symbol.for('internal construction'), statement, 0]];
  for (const cls of [AsyncDatabase, AsyncStatement, AsyncSession, Transaction]) {
    for (const args of argumentLists) assertIllegalConstructor(`new ${cls.name}(${args.length} args)`, thrown(() => new cls(...args)));
    // A subclass cannot get around it either.
    class Sub extends cls {}
    assertIllegalConstructor(`new (class extends ${cls.name})`, thrown(() => new Sub()));
  }
  // What the package makes still works.
  assert.is((await statement.get())['1'], 1);
  await db.transaction(async (tx) => assert.ok(tx instanceof Transaction));
  const session = await db.createSession();
  assert.ok(session instanceof AsyncSession);
  await session.close();
  await db.close();
});

test('the sync classes users cannot construct throw the same error', () => {
  const db = new DatabaseSync(':memory:');
  const iterator = db.prepare('SELECT 1').iterate();
  const store = db.createTagStore();
  for (const [label, cls] of [
    ['Session', Session],
    ['StatementIterator', iterator.constructor],
    ['SQLTagStore', store.constructor],
  ]) {
    assertIllegalConstructor(`new ${label}()`, thrown(() => new cls()));
  }
  db.close();
});

test.run();
