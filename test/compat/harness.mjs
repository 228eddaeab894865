// Runs compat cases against a node:sqlite-like module object and serializes the outcomes.
// Shared by record.mjs (Node 26, node:sqlite) and the compat test (Node 20+, our library).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serialize } from './serialize.mjs';

// SQLITE_COMPAT_TMPDIR (set by compat.test.mjs for its child processes) overrides the base
// directory, so the parent can clean up after a child that crashed.
export function makeRunDir() {
  const base = fs.realpathSync(process.env.SQLITE_COMPAT_TMPDIR || os.tmpdir());
  return fs.mkdtempSync(path.join(base, 'sqlite-compat-'));
}

export function removeRunDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

function replacementsFor(caseDir, runDir) {
  return [
    [pathToFileURL(caseDir).href, 'file://<TMP>'],
    [caseDir, '<TMP>'],
    [pathToFileURL(runDir).href, 'file://<RUN>'],
    [runDir, '<RUN>'],
  ];
}

// Runs one case in a fresh directory under runDir; returns the serialized outcome
// ({ ok } or { threw }). Never throws.
export async function runCase(sqlite, testCase, runDir, index) {
  const caseDir = path.join(runDir, `c${index}`);
  fs.mkdirSync(caseDir, { recursive: true });
  const cleanups = [];
  const ctx = {
    sqlite,
    dir: caseDir,
    tmp: (name) => path.join(caseDir, name),
    defer: (fn) => cleanups.push(fn),
    // Opens a database that is closed (if still open) after the case.
    open(location = ':memory:', options) {
      const db = options === undefined
        ? new sqlite.DatabaseSync(location)
        : new sqlite.DatabaseSync(location, options);
      cleanups.push(() => db.isOpen && db.close());
      return db;
    },
  };
  const opts = { replace: replacementsFor(caseDir, runDir) };
  let result;
  try {
    const value = await testCase.run(sqlite, ctx);
    result = { ok: serialize(value, opts) };
  } catch (e) {
    result = { threw: serialize(e, opts) };
  }
  for (const fn of cleanups.reverse()) {
    try { fn(); } catch { /* ignore */ }
  }
  try { fs.rmSync(caseDir, { recursive: true, force: true }); } catch { /* ignore */ }
  return result;
}
