// Part 1: the synchronous API. DatabaseSync is node:sqlite's class — same constructor options,
// methods, row shapes and errors — so this part is plain node:sqlite code with another import.
import { DatabaseSync } from 'sqlite-strand';
import { heading, note, result, check, int } from './ui.mjs';

export async function syncQueries({ file }) {
  heading('Sync queries: DatabaseSync, the node:sqlite API');
  note(`import { DatabaseSync } from 'sqlite-strand'   // was: from 'node:sqlite'`);
  await compareWithNodeSqlite();

  const db = new DatabaseSync(file);
  db.exec(`CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT NOT NULL, cents INTEGER NOT NULL)`);

  // One transaction around many inserts: one fsync instead of one per row.
  const insert = db.prepare('INSERT INTO orders(customer, cents) VALUES (?, ?)');
  const customers = ['ada', 'grace', 'linus', 'margaret'];
  let last;
  const t0 = performance.now();
  db.exec('BEGIN');
  for (let i = 0; i < 10_000; i++) last = insert.run(customers[i % 4], 100 + ((i * 7919) % 10_000));
  db.exec('COMMIT');
  result('inserted in one transaction', `10,000 rows in ${(performance.now() - t0).toFixed(0)} ms`);
  result('last run() result', JSON.stringify(last));

  const row = db.prepare('SELECT * FROM orders WHERE id = ?').get(42);
  result('get(42)', JSON.stringify(row));
  check('rows have a null prototype, like node:sqlite', Object.getPrototypeOf(row) === null);

  // A JS function callable from SQL.
  db.function('euros', { deterministic: true }, (cents) => `€${(cents / 100).toFixed(2)}`);
  result('SQL calling a JS function', db.prepare('SELECT euros(cents) AS price FROM orders WHERE id = 1').get().price);

  // A JS aggregate: the median amount per customer.
  db.aggregate('median', {
    start: () => [],
    step: (values, cents) => (values.push(cents), values),
    result: (values) => {
      values.sort((a, b) => a - b);
      const mid = values.length >> 1;
      return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    },
  });
  note('SELECT customer, count(*), euros(median(cents)) ... GROUP BY customer:');
  const perCustomer = db
    .prepare('SELECT customer, count(*) AS orders, euros(median(cents)) AS median FROM orders GROUP BY customer')
    .all();
  for (const r of perCustomer) result(`  ${r.customer}`, `${int(r.orders)} orders, median ${r.median}`);

  // Errors carry node's code and SQLite's error code.
  try {
    db.exec('INSERT INTO orders(id, customer, cents) VALUES (1, NULL, 0)');
  } catch (error) {
    result('a constraint error', `${error.code}, errcode ${error.errcode}: ${error.message}`);
  }
  db.close();
}

// node:sqlite exists from Node 22.5 (behind a flag until 22.13); on Node 20 there is nothing to
// compare with — which is the point of the package.
async function compareWithNodeSqlite() {
  const ours = Object.getOwnPropertyNames(DatabaseSync.prototype).filter((name) => name !== 'constructor');
  let nodeSqlite;
  try {
    nodeSqlite = await import('node:sqlite');
  } catch {
    result('node:sqlite in this Node', `not available (Node ${process.version})`);
    result('DatabaseSync methods here', `${ours.length}, in Node 26's order:`);
    for (let i = 0; i < ours.length; i += 9) note(`  ${ours.slice(i, i + 9).join(', ')}`);
    return;
  }
  const theirs = Object.getOwnPropertyNames(nodeSqlite.DatabaseSync.prototype).filter((n) => n !== 'constructor');
  const missing = theirs.filter((name) => !ours.includes(name));
  result(`node:sqlite (Node ${process.version}) methods`, theirs.length);
  check(`sqlite-strand has every one of them (${ours.length} methods: Node 26's set)`, missing.length === 0);
}
