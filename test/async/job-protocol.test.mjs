// The job protocol's two halves must agree (src/native/async/async_job.h J3): the addon exports
// the enums it was built with, generated from the C++ lists (NativeAsyncDatabase.jobKinds,
// .callTypes, .functionKinds), and these are compared with the TypeScript enums read from the
// sources (they are const enums: inlined, so nothing in dist/ holds them). A kind added, removed
// or renumbered on either side fails here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distEsm, nativeBinding, projectRoot, runChild } from '../helpers.mjs';

const ts = createRequire(import.meta.url)('typescript');

// The members of `enum name` in a TypeScript file, name → number, as TypeScript numbers them.
function tsEnum(file, name) {
  const path = join(projectRoot, file);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  let found;
  source.forEachChild((node) => {
    if (ts.isEnumDeclaration(node) && node.name.text === name) found = node;
  });
  assert.ok(found, `enum ${name} in ${file}`);
  const members = {};
  let next = 0;
  for (const member of found.members) {
    let value = next;
    if (member.initializer !== undefined) {
      assert.ok(ts.isNumericLiteral(member.initializer), `${name}.${member.name.text}: a number literal`);
      value = Number(member.initializer.text);
    }
    members[member.name.text] = value;
    next = value + 1;
  }
  return members;
}

const native = nativeBinding().NativeAsyncDatabase;

test('JobKind: the TypeScript enum is the C++ one', () => {
  const cpp = native.jobKinds;
  assert.ok(Object.keys(cpp).length > 20, 'the addon exports its job kinds');
  assert.equal(tsEnum('src/ts/async/jobs.ts', 'JobKind'), { ...cpp });
});

test('CallType: the TypeScript enum is the C++ one', () => {
  assert.equal(tsEnum('src/ts/async/async-functions.ts', 'CallType'), { ...native.callTypes });
});

test('FunctionKind: the TypeScript enum is the C++ one, plus its JS-only Changeset', () => {
  const { Changeset, ...registered } = tsEnum('src/ts/async/async-functions.ts', 'FunctionKind');
  assert.equal(registered, { ...native.functionKinds });
  assert.not.ok(Object.values(native.functionKinds).includes(Changeset), 'Changeset is no native kind');
});

test('add() refuses what is not a job, and arguments its kind does not take, with a coded error', () => {
  // A native database runs a thread: in a child process, so a crash is a failing test.
  const r = runChild(`
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(distEsm)});
    const { NativeAsyncDatabase } = require('node-gyp-build')(${JSON.stringify(projectRoot)});
    const kinds = NativeAsyncDatabase.jobKinds;
    const config = { location: ':memory:', readOnly: false, enableForeignKeyConstraints: true,
      enableDoubleQuotedStringLiterals: false, allowExtension: false, defensive: true, timeout: 0,
      readBigInts: false, returnArrays: false, allowBareNamedParameters: true,
      allowUnknownNamedParameters: false, limits: new Array(12).fill(-1) };
    const completions = [];
    let closed;
    const done = new Promise((resolve) => (closed = resolve));
    const onComplete = (id, error) => {
      completions.push([id, error?.code]);
      if (id === 6) closed();
    };
    const db = new NativeAsyncDatabase(config, onComplete, () => null);
    const attempt = (...args) => {
      try {
        db.add(...args);
        return 'staged';
      } catch (error) {
        return error.code + ': ' + error.message;
      }
    };
    console.log(attempt(1, kinds.BackupProgress, false));
    console.log(attempt(2, 99, false));
    console.log(attempt(3, kinds.Deserialize, false, 'main', 'not bytes'));
    console.log(attempt(4, kinds.ApplyChangeset, false, [1, 2], 0, false, false));
    console.log(attempt(5, kinds.Open, false));
    console.log(attempt(6, kinds.Close, false));
    db.flush();
    db.ref();
    await done;
    console.log(JSON.stringify(completions));
    db.join();
  `);
  assert.is(r.status, 0, r.stderr);
  assert.is(
    r.stdout,
    [
      'ERR_INVALID_STATE: not a job',
      'ERR_INVALID_STATE: not a job',
      'ERR_INVALID_ARG_TYPE: The job\'s bytes must be a Uint8Array.',
      'ERR_INVALID_ARG_TYPE: The job\'s bytes must be a Uint8Array.',
      'staged',
      'staged',
      '[[5,null],[6,null]]',
      '',
    ].join('\n'),
  );
});

test.run();
