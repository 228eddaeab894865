// An authorizer that answers SQLITE_IGNORE for SQLITE_ATTACH: VACUUM's own ATTACH, ignored, made
// SQLite use a database that is not there — a segfault, node:sqlite 26's too (found by the sync
// fuzzer, seeds 11054 and 14397). Ours refuses that ATTACH: VACUUM fails with SQLITE_AUTH; any other
// ATTACH may still be ignored, as node allows. Each
// case runs in a child process, so a crash is a failing test, not a dead runner.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runChild, distEsm } from '../helpers.mjs';

const script = (sql, path) => `
import { DatabaseSync, constants } from ${JSON.stringify(distEsm)};
const db = new DatabaseSync(${JSON.stringify(path ?? ':memory:')});
db.exec('CREATE TABLE t(a PRIMARY KEY, b); INSERT INTO t VALUES (1, 2)');
db.setAuthorizer((action) => (action === constants.SQLITE_ATTACH ? constants.SQLITE_IGNORE : constants.SQLITE_OK));
let outcome;
const copy = (await import('node:path')).join((await import('node:os')).tmpdir(), 'strand-vacuum-copy.db');
try { db.exec(${JSON.stringify(sql)}.replace('$COPY', "'" + copy + "'")); outcome = 'ran'; } catch (e) { outcome = { code: e.code, errcode: e.errcode, message: e.message }; }
db.setAuthorizer(null);
console.log(JSON.stringify({ outcome, rows: db.prepare('SELECT count(*) AS n FROM t').get().n }));
`;

for (const sql of ['VACUUM', 'VACUUM main', 'VACUUM INTO $COPY', '  /* c */ vacuum']) {
  test(`authorizer ignoring SQLITE_ATTACH: ${sql} fails with SQLITE_AUTH, no crash`, () => {
    const child = runChild(script(sql));
    assert.is(child.signal, null, `crashed: ${child.stderr}`);
    assert.is(child.status, 0, child.stderr);
    const { outcome, rows } = JSON.parse(child.stdout.trim());
    // SQLite's message when VACUUM's own ATTACH is refused.
    assert.equal(outcome, { code: 'ERR_SQLITE_ERROR', errcode: 23, message: 'authorization denied' });
    assert.is(rows, 1);
  });
}

test('a user ATTACH under that authorizer is ignored, as node allows', () => {
  const child = runChild(script("ATTACH ':memory:' AS other"));
  assert.is(child.status, 0, child.stderr);
  assert.equal(JSON.parse(child.stdout.trim()), { outcome: 'ran', rows: 1 });
});

test.run();
