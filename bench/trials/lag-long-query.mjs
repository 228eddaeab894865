// Event-loop lag during one long query, on every driver (sync and async). Not a throughput trial:
// the child (lib/run-lag.mjs) runs the query once while a 1 ms setInterval records the largest gap
// between its ticks, and reports that gap in ms (absolute: the target is absolute). A sync driver
// blocks the loop for the whole query — that is the point of the comparison.

/** Rows the CTE counts: ~1.5 s on better-sqlite3 on this machine (calibrated by hand, 2026-11). */
const N = 11_500_000;

export default {
  name: 'lag-long-query',
  api: 'any',
  kind: 'lag',
  unit: 'ms',
  rounds: 3, // one ~1.5 s query per child; absolute ms, no pairing needed: 3 rounds are enough
  description: `max gap between ticks of a 1 ms setInterval while \`await stmt.get(N)\` runs a recursive CTE counting to N = ${N.toLocaleString('en-US')} (~1.5 s on better-sqlite3); sync drivers block for the whole query`,
  targets: [{ a: 'strand-async', maxMs: 5 }],
  sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) AS n FROM c',
  n: N,
  warmupN: 100_000,
};
