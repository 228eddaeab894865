// Runs the same load against the server on each driver and compares what a user of the point
// endpoint sees while the report runs. Each variant is a child process (server.mjs on a port the
// system picks), started fresh for every round; rounds interleave the drivers (async, sync,
// async, sync, …) so that a noisy neighbour on a shared machine hits them alike, and the summary
// takes medians over the rounds. Writes results.json and chart.svg.
//
//   node examples/http-server/compare.mjs [--rounds 5] [--requests 500] [--concurrency 16]
//        [--report-clients 1] [--drivers async,sync,better-sqlite3] [--db FILE] [--out DIR]
//
// Without --db it seeds a temporary database of the default size (seed.mjs) and removes it at
// the end; --db FILE uses FILE, seeding it first if it does not exist. better-sqlite3 runs only where bench/node_modules has it (npm run bench installs it).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'sqlite-strand';
import { DRIVERS, isAvailable } from './drivers.mjs';
import { runLoad } from './load.mjs';
import { seed } from './seed.mjs';
import { renderChart } from './chart.mjs';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round2 = (x) => Math.round(x * 100) / 100;

let runningServer; // the child process of the round in progress

/** Starts server.mjs on `driver`; resolves with its URL and a stop() that checks it exits with 0. */
async function startServer(driver, file) {
  const child = spawn(process.execPath, [here('server.mjs'), '--driver', driver, '--db', file, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  runningServer = child;
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const match = line.match(/^listening on (http:\S+)/);
      if (match) resolve(match[1]);
    });
    exited.then(([code, signal]) => reject(new Error(`server (${driver}) exited before listening: ${signal ?? code}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      const hung = setTimeout(() => child.kill('SIGKILL'), 30_000); // its own shutdown waits at most 5 s
      const [code, signal] = await exited;
      clearTimeout(hung);
      if (code !== 0) throw new Error(`server (${driver}) ended with ${signal ?? `exit code ${code}`}`);
    },
  };
}

async function measure(driver, file, settings) {
  const server = await startServer(driver, file);
  try {
    // Warm-up, not measured: the JIT of both processes and the connections' page caches.
    await runLoad({ url: server.url, requests: 100, concurrency: 4, reportClients: 0, users: settings.users });
    await runLoad({ url: server.url, requests: 1, concurrency: 1, reportClients: 1, users: settings.users });
    const figures = await runLoad({ url: server.url, ...settings });
    if (figures.errors > 0) throw new Error(`${figures.errors} requests failed on ${driver}`);
    return figures;
  } finally {
    await server.stop();
  }
}

function summarize(runs, driverNames) {
  const medians = {};
  for (const name of driverNames) {
    const mine = runs.filter((r) => r.driver === name);
    medians[name] = {
      p50: round2(median(mine.map((r) => r.latencyMs.p50))),
      p99: round2(median(mine.map((r) => r.latencyMs.p99))),
      max: round2(median(mine.map((r) => r.latencyMs.max))),
      requestsPerSecond: Math.round(median(mine.map((r) => r.requestsPerSecond))),
      reportsCompleted: median(mine.map((r) => r.reports.completed)),
      reportP50: mine.every((r) => r.reports.completed > 0) ? round2(median(mine.map((r) => r.reports.p50Ms))) : null,
    };
  }
  const ratios = {};
  for (const name of driverNames.filter((n) => n !== 'async')) {
    ratios[`${name}/async`] = {
      p50: round2(medians[name].p50 / medians.async.p50),
      p99: round2(medians[name].p99 / medians.async.p99),
    };
  }
  return { medians, ratios };
}

function printSummary({ medians, ratios, drivers }) {
  const pad = (text, n) => String(text).padStart(n);
  console.log(`\n${'driver'.padEnd(28)}${pad('p50 ms', 10)}${pad('p99 ms', 10)}${pad('max ms', 10)}${pad('req/s', 8)}${pad('reports', 9)}${pad('report ms', 11)}`);
  for (const { name, label } of drivers) {
    const m = medians[name];
    console.log(`${label.padEnd(28)}${pad(m.p50, 10)}${pad(m.p99, 10)}${pad(m.max, 10)}${pad(m.requestsPerSecond, 8)}${pad(m.reportsCompleted, 9)}${pad(m.reportP50 ?? '-', 11)}`);
  }
  for (const [pair, r] of Object.entries(ratios)) console.log(`${pair}: p50 ${r.p50}×, p99 ${r.p99}×`);
}

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
    'report-clients': { type: 'string', default: '1' },
    drivers: { type: 'string', default: 'async,sync,better-sqlite3' },
    db: { type: 'string' },
    out: { type: 'string', default: here('.') },
  },
});
const count = (name, min = 1) => {
  const n = Number(values[name]);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return n;
};
const rounds = count('rounds');
const requested = values.drivers.split(',');
for (const name of requested) if (!(name in DRIVERS)) throw new Error(`unknown driver ${name}`);
if (!requested.includes('async')) throw new Error('--drivers must include async: the ratios are against it');
const driverNames = requested.filter((name) => {
  if (isAvailable(name)) return true;
  console.log(`skipping ${name}: not installed (npm run bench installs it into bench/node_modules)`);
  return false;
});

let temp;
let file = values.db;
if (file === undefined) {
  temp = mkdtempSync(join(tmpdir(), 'strand-http-example-'));
  file = join(temp, 'blog.db');
}
// Interrupted: stop the server of the round, remove the temporary database.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    runningServer?.kill('SIGKILL');
    if (temp) rmSync(temp, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
try {
  if (!existsSync(file)) {
    console.log(`seeding ${file} …`);
    seed(file);
  }
  const probe = new DatabaseSync(file, { readOnly: true });
  const size = probe.prepare('SELECT (SELECT max(id) FROM users) AS users, (SELECT count(*) FROM posts) AS posts').get();
  probe.close();
  const settings = { requests: count('requests'), concurrency: count('concurrency'), reportClients: count('report-clients', 0), users: size.users };
  console.log(`${size.posts} posts, ${size.users} users; ${rounds} rounds of ${settings.requests} GET /users/:id, ${settings.concurrency} at a time, with ${settings.reportClients} client(s) looping GET /report`);

  const loadBefore = loadavg()[0]; // how busy the machine was: the figures are relative to it
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    for (const driver of driverNames) {
      const figures = await measure(driver, file, settings);
      runs.push({ round, driver, ...figures });
      const { p50, p99 } = figures.latencyMs;
      console.log(`round ${round} ${driver.padEnd(15)} p50 ${p50} ms, p99 ${p99} ms, ${figures.requestsPerSecond} req/s, ${figures.reports.completed} reports`);
    }
  }

  const drivers = driverNames.map((name) => ({ name, label: DRIVERS[name].label }));
  const results = {
    generated: new Date().toISOString(),
    command: `node examples/http-server/compare.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAverage1m: { before: round2(loadBefore), after: round2(loadavg()[0]) },
    },
    settings: { rounds, ...settings, posts: size.posts },
    drivers,
    ...summarize(runs, driverNames),
    runs,
  };
  printSummary(results);
  writeFileSync(join(values.out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(values.out, 'chart.svg'), renderChart(results));
  console.log(`\nwrote ${join(values.out, 'results.json')} and ${join(values.out, 'chart.svg')}`);
} finally {
  if (temp) rmSync(temp, { recursive: true, force: true });
}
