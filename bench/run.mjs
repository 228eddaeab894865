#!/usr/bin/env node
// Benchmark orchestrator: trial × driver matrix, interleaved, reported as ratios.
//
//   node bench/run.mjs [--quick] [--filter=trial,...] [--drivers=name,...] [--rounds=N] ...
//
// 1. installs the peers into bench/node_modules on first run;
// 2. probes every selected driver in a child (skipping, with the reason, any that fails to load);
// 3. for round 1..R, for each trial, for each driver in a rotated order: one child measures one
//    sample (child.mjs), on Node 20 or on the Node 26 binary for node:sqlite;
// 4. medians per (trial, driver) → ratios → console table, RESULTS.md, results.json.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { drivers as allDrivers, driverByName } from './drivers/index.mjs';
import { ensurePeers } from './install-peers.mjs';
import { parseOptions, USAGE } from './lib/options.mjs';
import { runChild } from './lib/spawn-child.mjs';
import { summarize } from './lib/summarize.mjs';
import { renderConsole, writeResults } from './report.mjs';
import { trials as allTrials } from './trials/index.mjs';

const SETUP_ESTIMATE_MS = 700; // process start + seeding, per child, for the time estimate

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function selectTrials(filter) {
  if (!filter) return allTrials;
  const picked = allTrials.filter((t) => filter.some((f) => t.name === f || t.name.includes(f)));
  if (picked.length === 0) throw new Error(`--filter matched no trial (trials: ${allTrials.map((t) => t.name).join(', ')})`);
  return picked;
}

function selectDrivers(names, trials) {
  const apis = new Set(trials.map((t) => t.api));
  const chosen = names ? names.map(driverByName) : allDrivers;
  const usable = chosen.filter((d) => apis.has(d.api));
  if (usable.length === 0) throw new Error(`none of the chosen drivers runs the chosen trials (trial kinds: ${[...apis].join(', ')})`);
  return usable;
}

function probeDrivers(drivers) {
  return drivers.map((d) => {
    const res = runChild(d, ['--probe'], 60_000);
    const info = { name: d.name, label: d.label, short: d.short, api: d.api, runtime: d.runtime, ours: Boolean(d.ours) };
    if (res.ok) {
      log(`  ok       ${d.name.padEnd(15)} ${res.version}  (SQLite ${res.sqliteVersion}, Node ${res.node})`);
      return { ...info, status: 'ok', version: res.version, sqliteVersion: res.sqliteVersion, node: res.node };
    }
    const reason = String(res.error).split('\n')[0].replace(/^Error: /, '');
    log(`  SKIPPED  ${d.name.padEnd(15)} ${reason}`);
    return { ...info, status: 'skipped', reason };
  });
}

function rotate(xs, k) {
  const n = xs.length;
  return n === 0 ? xs : xs.map((_, i) => xs[(i + k) % n]);
}

function fmtDuration(ms) {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  if (opts.help) return void console.log(USAGE);
  if (opts.list) {
    console.log('trials:');
    for (const t of allTrials) console.log(`  ${t.name.padEnd(14)} [${t.api}] ${t.description}`);
    console.log('drivers:');
    for (const d of allDrivers) console.log(`  ${d.name.padEnd(15)} [${d.api}, ${d.runtime === 'node26' ? 'Node 26' : 'this Node'}] ${d.label}`);
    return;
  }

  ensurePeers({ force: opts.install });
  const trials = selectTrials(opts.filter);
  const selected = selectDrivers(opts.drivers, trials);
  log('drivers:');
  const probed = probeDrivers(selected);
  const ready = probed.filter((d) => d.status === 'ok').map((d) => driverByName(d.name));
  if (ready.length === 0) throw new Error('no driver could be loaded');

  const jobs = trials.reduce((n, t) => n + ready.filter((d) => d.api === t.api).length, 0) * opts.rounds;
  log(`\n${trials.length} trials × ${ready.length} drivers × ${opts.rounds} rounds = ${jobs} measurements, ` +
    `about ${fmtDuration(jobs * (opts.warmupMs + opts.budgetMs + SETUP_ESTIMATE_MS))}`);

  const tmp = mkdtempSync(join(os.tmpdir(), 'sqlite-strand-bench-'));
  const samples = [];
  const started = Date.now();
  const loadStart = os.loadavg();
  const childArgs = (trial) => [`--trial=${trial.name}`, `--dir=${tmp}`, `--budget=${opts.budgetMs}`, `--warmup=${opts.warmupMs}`];
  const timeoutMs = opts.warmupMs + opts.budgetMs + 180_000;
  let done = 0;
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      trials.forEach((trial, ti) => {
        const order = rotate(ready.filter((d) => d.api === trial.api), round - 1 + ti);
        for (const driver of order) {
          const res = runChild(driver, childArgs(trial), timeoutMs);
          done++;
          const mark = res.ok ? '' : `  FAILED: ${String(res.error).split('\n')[0]}`;
          log(`[${String(done).padStart(String(jobs).length)}/${jobs}] round ${round}/${opts.rounds}  ${trial.name.padEnd(13)} ${driver.name}${mark}`);
          samples.push({
            round, trial: trial.name, driver: driver.name, ok: Boolean(res.ok),
            ...(res.ok
              ? { rate: res.rate, batchMedianRate: res.batchMedianRate, batches: res.batches, callsPerBatch: res.callsPerBatch, fingerprint: res.fingerprint }
              : { error: res.error }),
          });
        }
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const cpus = os.cpus();
  const run = {
    meta: {
      date: new Date().toISOString(),
      mode: opts.quick ? 'quick (smoke run: few rounds, short budget; indicative only)' : 'default',
      rounds: opts.rounds, budgetMs: opts.budgetMs, warmupMs: opts.warmupMs,
      filter: opts.filter, drivers: opts.drivers, out: opts.out,
      elapsedSec: (Date.now() - started) / 1000,
      orchestratorNode: process.version,
      machine: { platform: process.platform, arch: process.arch, cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown' },
      loadavg: { start: loadStart, end: os.loadavg() },
    },
    drivers: probed,
    trials: trials.map((t) => ({ name: t.name, api: t.api, unit: t.unit, description: t.description })),
    samples,
  };
  const summary = summarize(run);
  console.log(`\n${renderConsole(run, summary)}`);
  const { md, json } = writeResults(run, summary);
  log(`\nwrote ${md} and ${json} (run took ${fmtDuration(Date.now() - started)})`);
}

main().catch((err) => {
  log(`bench: ${err.message ?? err}`);
  process.exitCode = 1;
});
