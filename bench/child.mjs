// Runs ONE measurement (one trial on one driver) and prints one JSON line on stdout.
// Spawned by run.mjs with the Node binary the driver needs; a crash here costs one sample only.
//
//   node child.mjs --driver=NAME --trial=NAME --dir=TMPDIR --budget=MS --warmup=MS
//   node child.mjs --probe --driver=NAME        (load the driver, report versions)
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { driverByName } from './drivers/index.mjs';
import { measure } from './lib/measure.mjs';
import { trialByName } from './trials/index.mjs';
import { applyPragmas, fingerprint } from './trials/schema.mjs';

function parseArgs(argv) {
  const args = {};
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) args[m[1]] = m[2] ?? true;
  }
  return args;
}

function emit(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

async function probe(driver) {
  const { version, open } = await driver.load();
  const db = await open(':memory:');
  const stmt = await db.prepare('SELECT sqlite_version() AS v');
  const { v } = await stmt.get();
  await stmt.finalize?.(); // node-sqlite3 will not close with a live statement
  await db.close();
  return { version, sqliteVersion: v };
}

function runSync(driver, loaded, trial, args) {
  const file = join(args.dir, `${trial.name}-${driver.name}-${process.pid}.db`);
  const db = loaded.open(file);
  try {
    applyPragmas(db);
    trial.setup(db);
    const step = trial.step(db);
    const result = measure(step, { warmupMs: Number(args.warmup), budgetMs: Number(args.budget) });
    return { ...result, sink: step.sink(), fingerprint: fingerprint(db) };
  } finally {
    db.close();
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const driver = driverByName(args.driver);
  const base = { driver: driver.name, node: process.version };
  try {
    if (args.probe) {
      emit({ ok: true, ...base, ...(await probe(driver)) });
      return;
    }
    const trial = trialByName(args.trial);
    if (trial.api !== driver.api) throw new Error(`trial ${trial.name} is ${trial.api}, driver ${driver.name} is ${driver.api}`);
    if (trial.api !== 'sync') throw new Error('async trials are not implemented yet');
    const loaded = await driver.load();
    emit({ ok: true, ...base, trial: trial.name, ...runSync(driver, loaded, trial, args) });
  } catch (err) {
    emit({ ok: false, ...base, error: String(err?.stack ?? err) });
    process.exitCode = 1;
  }
}

await main();
