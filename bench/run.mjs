#!/usr/bin/env node
// Benchmark orchestrator: trial × driver matrix, interleaved, reported as ratios.
//
//   node bench/run.mjs [--quick] [--filter=trial,...] [--drivers=name,...] [--rounds=N] ...
//
// 1. installs the peers into bench/node_modules on first run;
// 2. probes every selected driver in a child (skipping, with the reason, any that fails to load);
// 3. for round 1..R, for each group of trials (a sync trial + the async trials it is the twin of;
//    lib/plan.mjs), every (trial, driver) cell in a rotated order: one child measures one sample
//    (child.mjs), on Node 20 or on the Node 26 binary for node:sqlite;
// 4. medians per (trial, driver) → ratios, targets, lag, memory → console, RESULTS.md, results.json.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { drivers as allDrivers, driverByName } from './drivers/index.mjs';
import { ensurePeers } from './install-peers.mjs';
import { parseOptions, USAGE } from './lib/options.mjs';
import { budgetFor, estimateMs, groupTrials, notApplicable, roundJobs, selectTrials, usableDrivers } from './lib/plan.mjs';
import { runChild } from './lib/spawn-child.mjs';
import { summarize } from './lib/summarize.mjs';
import { renderConsole, writeResults } from './report.mjs';
import { trials as allTrials } from './trials/index.mjs';

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function probeDrivers(drivers) {
  return drivers.map((d) => {
    const res = runChild(d, ['--probe'], 60_000);
    const info = { name: d.name, label: d.label, short: d.short, api: d.api, runtime: d.runtime, ours: Boolean(d.ours), optIn: Boolean(d.optIn) };
    if (res.ok) {
      log(`  ok       ${d.name.padEnd(15)} ${res.version}  (SQLite ${res.sqliteVersion}, Node ${res.node})`);
      return { ...info, status: 'ok', version: res.version, sqliteVersion: res.sqliteVersion, node: res.node };
    }
    const reason = String(res.error).split('\n')[0].replace(/^Error: /, '');
    log(`  SKIPPED  ${d.name.padEnd(15)} ${reason}`);
    return { ...info, status: 'skipped', reason };
  });
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
    for (const t of allTrials) console.log(`  ${t.name.padEnd(31)} [${t.api}${t.twin ? `, twin ${t.twin}` : ''}] ${t.description}`);
    console.log('drivers:');
    for (const d of allDrivers) console.log(`  ${d.name.padEnd(15)} [${d.api}, ${d.runtime === 'node26' ? 'Node 26' : 'this Node'}] ${d.label}`);
    return;
  }

  ensurePeers({ force: opts.install });
  const { trials, twinsAdded } = selectTrials(opts.filter);
  if (twinsAdded.length) log(`trials: also running ${twinsAdded.join(', ')} (sync twin of a chosen async trial: its ceiling)`);
  const selected = usableDrivers(opts.drivers ? opts.drivers.map(driverByName) : allDrivers, trials);
  log('drivers:');
  const probed = probeDrivers(selected);
  const ready = probed.filter((d) => d.status === 'ok').map((d) => driverByName(d.name));
  if (ready.length === 0) throw new Error('no driver could be loaded');

  const groups = groupTrials(trials);
  const plan = Array.from({ length: opts.rounds }, (_, i) => roundJobs(groups, ready, i + 1));
  const jobs = plan.reduce((n, r) => n + r.length, 0);
  log(`\n${trials.length} trials × ${ready.length} drivers, ${opts.rounds} rounds = ${jobs} measurements, ` +
    `about ${fmtDuration(estimateMs(groups, ready, opts))}`);

  const tmp = mkdtempSync(join(os.tmpdir(), 'sqlite-strand-bench-'));
  const samples = [];
  const started = Date.now();
  const loadStart = os.loadavg();
  const childArgs = (trial) => {
    const { budgetMs, warmupMs } = budgetFor(trial, opts);
    return [`--trial=${trial.name}`, `--dir=${tmp}`, `--budget=${budgetMs}`, `--warmup=${warmupMs}`];
  };
  const timeoutMs = opts.warmupMs + opts.budgetMs + 180_000;
  let done = 0;
  try {
    plan.forEach((roundPlan, i) => {
      const round = i + 1;
      for (const { trial, driver } of roundPlan) {
        const res = runChild(driver, childArgs(trial), timeoutMs);
        done++;
        const mark = res.ok ? '' : `  FAILED: ${String(res.error).split('\n')[0]}`;
        log(`[${String(done).padStart(String(jobs).length)}/${jobs}] round ${round}/${opts.rounds}  ${trial.name.padEnd(18)} ${driver.name}${mark}`);
        samples.push({
          round, trial: trial.name, driver: driver.name, ok: Boolean(res.ok),
          ...(res.ok
            ? { rate: res.rate, batchMedianRate: res.batchMedianRate, batches: res.batches, callsPerBatch: res.callsPerBatch, fingerprint: res.fingerprint, rss: res.rss, lag: res.lag }
            : { error: res.error }),
        });
      }
    });
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
    trials: trials.map((t) => ({
      name: t.name, api: t.api, kind: t.kind ?? 'throughput', unit: t.unit, description: t.description,
      twin: t.twin, targets: t.targets, memory: Boolean(t.memory), rounds: t.rounds, drivers: t.drivers, compare: t.compare, budget: t.kind === 'lag' ? undefined : budgetFor(t, opts),
    })),
    notApplicable: notApplicable(trials, ready),
    samples,
  };
  const summary = summarize(run);
  console.log(`\n${renderConsole(run, summary)}`);
  const { md, json } = writeResults(run, summary);
  log(`\nwrote ${md}, ${json} and the chart (run took ${fmtDuration(Date.now() - started)})`);
}

main().catch((err) => {
  log(`bench: ${err.message ?? err}`);
  process.exitCode = 1;
});
