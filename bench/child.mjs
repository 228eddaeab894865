// Runs ONE measurement (one trial on one driver) and prints one JSON line on stdout.
// Spawned by run.mjs with the Node binary the driver needs; a crash here costs one sample only.
//
//   node child.mjs --driver=NAME --trial=NAME --dir=TMPDIR --budget=MS --warmup=MS
//   node child.mjs --probe --driver=NAME        (load the driver, report versions)
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { driverByName, missingCapability } from './drivers/index.mjs';
import { measure } from './lib/measure.mjs';
import { measureAsync } from './lib/measure-async.mjs';
import { measureLag } from './lib/measure-lag.mjs';
import { startPeakRss } from './lib/memory.mjs';
import { runsOn, trialByName } from './trials/index.mjs';
import { afterSeed, applyPragmas, fingerprint } from './trials/schema.mjs';
import { afterSeedAsync, applyPragmasAsync, fingerprintAsync } from './trials/schema-async.mjs';

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

const dbFile = (args, trial, driver) => join(args.dir, `${trial.name}-${driver.name}-${process.pid}.db`);

function removeDb(file) {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

function runSync(driver, loaded, trial, args) {
  const file = dbFile(args, trial, driver);
  const db = loaded.open(file);
  try {
    applyPragmas(db, trial.mode);
    trial.setup(db, trial);
    afterSeed(db, trial.mode);
    const step = trial.step(db, trial);
    const rss = startPeakRss({ gc: Boolean(trial.memory) });
    const result = measure(step, { warmupMs: Number(args.warmup), budgetMs: Number(args.budget) });
    return { ...result, rss: rss.end(), sink: step.sink(), fingerprint: fingerprint(db) };
  } finally {
    db.close();
    removeDb(file);
  }
}

/** Hands the trial a db whose prepare() records the statements, to finalize them before close. */
function tracking(db) {
  const statements = [];
  const view = {
    exec: (sql) => db.exec(sql),
    prepare: async (sql) => {
      const stmt = await db.prepare(sql);
      statements.push(stmt);
      return stmt;
    },
  };
  return { view, finalizeAll: () => Promise.all(statements.map((s) => s.finalize?.())) };
}

async function runAsync(driver, loaded, trial, args) {
  const file = dbFile(args, trial, driver);
  const db = await loaded.open(file);
  const { view, finalizeAll } = tracking(db);
  try {
    await applyPragmasAsync(db, trial.mode);
    await trial.setup(view, trial);
    await afterSeedAsync(db, trial.mode);
    const step = await trial.step(view, trial);
    const rss = startPeakRss({ gc: Boolean(trial.memory) });
    const result = await measureAsync(step, { warmupMs: Number(args.warmup), budgetMs: Number(args.budget) });
    return { ...result, rss: rss.end(), sink: step.sink(), fingerprint: await fingerprintAsync(db) };
  } finally {
    await finalizeAll();
    await db.close();
    removeDb(file);
  }
}

async function runLag(driver, loaded, trial, args) {
  const file = dbFile(args, trial, driver);
  const db = await loaded.open(file);
  try {
    await applyPragmasAsync(db, trial.mode);
    return { lag: await measureLag(db, trial) };
  } finally {
    await db.close();
    removeDb(file);
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
    if (!runsOn(trial, driver)) throw new Error(`trial ${trial.name} is ${trial.api}, driver ${driver.name} is ${driver.api}`);
    const lacking = missingCapability(trial, driver);
    if (lacking) throw new Error(`trial ${trial.name} cannot run: ${lacking}`);
    const loaded = await driver.load();
    const run = trial.kind === 'lag' ? runLag : driver.api === 'async' ? runAsync : runSync;
    emit({ ok: true, ...base, trial: trial.name, ...(await run(driver, loaded, trial, args)) });
  } catch (err) {
    emit({ ok: false, ...base, error: String(err?.stack ?? err) });
    process.exitCode = 1;
  }
}

await main();
