// A bounded load on one server: `requests` GET /users/:id with random ids, `concurrency` at a
// time over keep-alive connections, while `reportClients` clients run GET /report back to back
// until the point requests are done. It measures what a user of the point endpoint sees while
// the report runs: the latency of each request, from sending it to the end of its response.
//
//   node examples/http-server/load.mjs --url http://127.0.0.1:3000 [--requests 2000]
//        [--concurrency 16] [--report-clients 1] [--users 10000] [--json]
import { Agent, request as httpRequest } from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SIZE } from './seed.mjs';

/** GET `path`; resolves with the status once the whole response has arrived. */
function get(agent, url, path) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value at percentile `p` (0–100) of ascending `sorted`, by nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round3 = (ms) => Math.round(ms * 1000) / 1000;

export async function runLoad({ url, requests = 2000, concurrency = 16, reportClients = 1, users = DEFAULT_SIZE.users }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency + reportClients });
  const latencies = [];
  const reportTimes = [];
  let errors = 0;
  let issued = 0;
  let pointsDone = false;
  try {
    // Each report client starts its next report as soon as the previous one has answered.
    const reportLoops = Array.from({ length: reportClients }, async () => {
      while (!pointsDone) {
        const start = performance.now();
        const status = await get(agent, url, '/report');
        if (status === 200) reportTimes.push(performance.now() - start);
        else errors++;
      }
    });
    const started = performance.now();
    const pointLoops = Array.from({ length: concurrency }, async () => {
      while (issued < requests) {
        issued++;
        const id = 1 + Math.floor(Math.random() * users);
        const start = performance.now();
        const status = await get(agent, url, `/users/${id}`);
        latencies.push(performance.now() - start);
        if (status !== 200) errors++;
      }
    });
    let elapsed;
    const points = Promise.all(pointLoops).finally(() => {
      pointsDone = true; // the report clients stop after the report they are waiting for
      elapsed = performance.now() - started;
    });
    await Promise.all([points, ...reportLoops]); // one rejection fails the run; none goes unhandled

    latencies.sort((a, b) => a - b);
    reportTimes.sort((a, b) => a - b);
    return {
      requests: latencies.length,
      concurrency,
      reportClients,
      errors,
      durationMs: round3(elapsed),
      requestsPerSecond: Math.round((latencies.length / elapsed) * 1000),
      latencyMs: {
        p50: round3(percentile(latencies, 50)),
        p99: round3(percentile(latencies, 99)),
        max: round3(latencies.at(-1)),
      },
      reports: { completed: reportTimes.length, p50Ms: reportTimes.length > 0 ? round3(percentile(reportTimes, 50)) : null },
    };
  } finally {
    agent.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      requests: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '16' },
      'report-clients': { type: 'string', default: '1' },
      users: { type: 'string', default: String(DEFAULT_SIZE.users) },
      json: { type: 'boolean', default: false },
    },
  });
  const count = (name, min = 1) => {
    const n = Number(values[name]);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  const result = await runLoad({
    url: values.url,
    requests: count('requests'),
    concurrency: count('concurrency'),
    reportClients: count('report-clients', 0),
    users: count('users'),
  });
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    const { latencyMs: l, reports } = result;
    console.log(`GET /users/:id  ${result.requests} requests, ${result.concurrency} at a time, ${result.errors} errors`);
    console.log(`  latency       p50 ${l.p50} ms   p99 ${l.p99} ms   max ${l.max} ms`);
    console.log(`  throughput    ${result.requestsPerSecond} requests/s`);
    if (result.reportClients > 0) console.log(`GET /report     ${reports.completed} completed by ${result.reportClients} client(s), p50 ${reports.p50Ms} ms`);
  }
  if (result.errors > 0) process.exitCode = 1;
}
