// The node:sqlite compatibility cases. Each case is { name, run(sqlite, ctx) }:
//   sqlite  the module object (node:sqlite on Node 26, or our dist/index.js)
//   ctx     { sqlite, dir, tmp(name), open(location = ':memory:', options), defer(fn) }
//           ctx.tmp(name) is a fresh path in a per-case temp directory (replaced by <TMP> in results);
//           ctx.open() opens a DatabaseSync that is closed after the case.
// run() returns a value (serialized by serialize.mjs) or throws (the error is serialized).
import moduleCases from './cases/module.mjs';
import constructorCases from './cases/constructor.mjs';
import databaseCases from './cases/database.mjs';
import statementCases from './cases/statement.mjs';
import iterateCases from './cases/iterate.mjs';
import iteratorHelperCases from './cases/iterator-helpers.mjs';
import bindingCases from './cases/binding.mjs';
import readingCases from './cases/reading.mjs';
import errorCases from './cases/errors.mjs';
import lifecycleCases from './cases/lifecycle.mjs';
import buildCases from './cases/build.mjs';
import functionCases from './cases/functions.mjs';
import sessionCases from './cases/session.mjs';
import tagStoreModuleCases from './cases/tagstore-module.mjs';
import backupCases from './cases/backup.mjs';
import miscMemberCases from './cases/misc-members.mjs';
import fuzzFoundCases from './cases/fuzz-found.mjs';

export const cases = [
  ...moduleCases,
  ...constructorCases,
  ...databaseCases,
  ...statementCases,
  ...iterateCases,
  ...iteratorHelperCases,
  ...bindingCases,
  ...readingCases,
  ...errorCases,
  ...lifecycleCases,
  ...buildCases,
  ...functionCases,
  ...sessionCases,
  ...tagStoreModuleCases,
  ...backupCases,
  ...miscMemberCases,
  ...fuzzFoundCases,
];

// name -> reason. Cases listed here are skipped by compat.test.mjs (the reason is logged).
// Only for behaviour that truly cannot be reproduced on the running Node version.
//
// Node < 22 (V8 < 12.x) has no global Iterator: its %IteratorPrototype% has no iterator helpers.
// Ours add them on one prototype between StatementIterator.prototype and %IteratorPrototype%
// (src/ts/shared/iterator-helpers.ts; changing the shared %IteratorPrototype% would change the
// platform), so there, and only there, the prototype's parent is that object, not
// %IteratorPrototype% itself. test/sync/iterator-helpers.test.mjs checks what it holds.
const NO_GLOBAL_ITERATOR = typeof globalThis.Iterator === 'undefined';
export const KNOWN_DIVERGENCES = {
  ...(NO_GLOBAL_ITERATOR && {
    "iterate: the prototype's parent is %IteratorPrototype%":
      'Node < 22 has no iterator helpers on %IteratorPrototype%; ours come from one prototype in between',
  }),
};

// Cases whose outcome is the platform's own iterator helpers (they exercise the helpers
// statement iterators inherit, on traced iterators), name -> what differs. On Node 22+ those
// helpers are V8's built-ins, for node:sqlite's iterators and ours alike, and older V8s differ
// from Node 26's: Node 22's (V8 12.4) predates the spec change that closes the iterator when a
// helper rejects its argument, and words some errors differently. So on a Node with built-in
// helpers other than 26, compat.test.mjs compares these cases with that Node's own node:sqlite,
// run live, instead of the Node 26 recording (on Node 20/21, ours are compared with the recording).
export const PLATFORM_HELPER_CASES = {
  'iterator helpers: closing when return() is absent, throws, is not callable or returns a primitive':
    'V8 12.4 does not close the iterator when forEach() rejects its callback',
  'iterator helpers: non-callable callbacks close the iterator':
    'V8 12.4 does not close the iterator when a helper rejects its callback',
  'iterator helpers: take / drop limits': 'V8 12.4 does not close the iterator when take()/drop() reject their limit',
};

// Cases (name -> reason) and member-list checks skipped because they need a member that has not
// landed yet. A test checks each one still fails, so a case that starts passing must leave the
// list. Empty since issue 5 (complete node:sqlite parity) landed every Node 26 member.
export const PENDING = {};
export const PENDING_MEMBER_CHECKS = {};

{
  const seen = new Set();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate compat case name: ${c.name}`);
    seen.add(c.name);
  }
  for (const name of Object.keys(PLATFORM_HELPER_CASES)) {
    if (!seen.has(name)) throw new Error(`PLATFORM_HELPER_CASES names no case: ${name}`);
  }
}
