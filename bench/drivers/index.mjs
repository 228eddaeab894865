// The driver registry. A driver module's default export is:
//
//   { name, label, short (column label), api: 'sync' | 'async', runtime: 'current' | 'node26', ours?: true,
//     capabilities?: { iterate?: false },   (statically known gaps: trials that need them are n/a)
//     optIn?: true   runs only the trials that name it in their `drivers` (trials/index.mjs), and
//                    is left out of the general ratio tables: the readers trials' variants of ours
//                    (strand-async-r1 … -r4) and the better-sqlite3 worker pool
//     load(): Promise<{ version: string, open(file) }> }
//
// `load()` runs only in the child process (so node:sqlite is never imported on Node 20).
// `open(file)` returns a database with the narrow interface the trials use:
//
//   sync:  db.exec(sql); db.prepare(sql) → stmt.get(...p) / stmt.all(...p) / stmt.iterate(...p)
//          / stmt.run(...p); db.close()
//   async: the same names returning Promises (open and prepare too); stmt.iterate(...p) is an
//          AsyncIterable, or undefined when the driver has none (then capabilities.iterate is
//          false); stmt.finalize() before db.close().
//
// node:sqlite, @photostructure/sqlite, better-sqlite3 and ours already have that shape, so their
// adapters return the native object unwrapped: no adapter cost inside the timed loop.
import betterSqlite3 from './better-sqlite3.mjs';
import bs3Workers from './bs3-workers.mjs';
import libsql from './libsql.mjs';
import nodeSqlite from './node-sqlite.mjs';
import photostructure from './photostructure.mjs';
import sqlite3 from './sqlite3.mjs';
import strandAsync from './strand-async.mjs';
import { strandAsyncReaders } from './strand-async-readers.mjs';
import strand from './strand.mjs';
import { strandAsyncBaseline, strandBaseline } from './strand-baseline.mjs';

export const drivers = [strand, betterSqlite3, nodeSqlite, photostructure, strandAsync, sqlite3, libsql, ...strandAsyncReaders, bs3Workers];
// BENCH_BASELINE=…/index.cjs adds an older build of ours, as a peer (strand-baseline.mjs).
if (process.env.BENCH_BASELINE) drivers.push(strandBaseline, strandAsyncBaseline);

/** Every ratio row is also reported against this driver. */
export const BASELINE = 'better-sqlite3';

export function driverByName(name) {
  const d = drivers.find((x) => x.name === name);
  if (!d) throw new Error(`unknown driver "${name}" (known: ${drivers.map((x) => x.name).join(', ')})`);
  return d;
}

/** Why `driver` cannot run `trial` (a capability it lacks), or null. */
export function missingCapability(trial, driver) {
  const lacking = (trial.requires ?? []).filter((c) => driver.capabilities?.[c] === false);
  return lacking.length ? `${driver.name}: no ${lacking.join(', ')} in its API` : null;
}
