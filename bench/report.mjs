// Renders a run (raw samples + summary) as a console table, bench/RESULTS*.md and
// bench/results*.json. Ratios and targets are the headline; median rates are secondary and
// collapsed. The tables themselves are built in lib/tables.mjs.
import { writeFileSync } from 'node:fs';
import { renderChart } from './chart.mjs';
import { join } from 'node:path';
import { benchDir } from './lib/paths.mjs';
import {
  asyncRatioTable, compareTable, lagTable, markdownTable, memoryTable, rateTable, syncRatioTable, TARGET_ALIGN, targetTable, textTable,
} from './lib/tables.mjs';
import { MODES } from './trials/schema.mjs';

const hasSync = (run, summary) => summary.columns.length > 0 && run.trials.some((t) => t.api === 'sync');
const hasAsync = (run, summary) => summary.asyncColumns.length > 0 && run.trials.some((t) => t.api === 'async' && t.kind !== 'lag' && !t.compare);
const hasCompare = (run, summary) => (summary.compareRatios ?? []).length > 0;

function legend(run) {
  return run.drivers
    .filter((d) => d.api === 'sync' || d.status === 'ok')
    .map((d) => `${d.short} = ${d.label}${d.version ? ` ${d.version}` : ''}`)
    .join(', ');
}

function notApplicableLines(run) {
  const byReason = new Map();
  for (const x of run.notApplicable ?? []) {
    if (!byReason.has(x.reason)) byReason.set(x.reason, []);
    byReason.get(x.reason).push(x.trial);
  }
  return [...byReason].map(([reason, trials]) => `n/a: ${trials.join(', ')} — ${reason}`);
}

export function renderConsole(run, summary) {
  const out = [];
  const head = `median of ${run.meta.rounds} interleaved rounds, (min–max of per-round paired ratios)`;
  if (hasSync(run, summary)) {
    out.push(`Throughput ratios, A ÷ B (>1 = A faster); ${head}:`, '', textTable(syncRatioTable(run, summary, true)), '');
  }
  if (hasAsync(run, summary)) {
    out.push(`Async trials, A ÷ B; "(sync)" = B's rate on the async trial's sync twin (the ceiling); ${head}:`, '');
    out.push(textTable(asyncRatioTable(run, summary, true)), '');
  }
  if (hasCompare(run, summary)) {
    out.push(`Parallel readers, A ÷ B on the same trial (async-rN = AsyncDatabase with readers: N, strand-async = readers: 0); ${head}:`, '');
    out.push(textTable(compareTable(run, summary, true)), '');
  }
  for (const { trial, rows } of lagTable(run, summary)) out.push(`${trial} (absolute ms, lower is better):`, '', textTable(rows), '');
  const mem = memoryTable(run, summary);
  if (mem) out.push('Peak RSS, MB (+ growth over the RSS after setup), median over rounds:', '', textTable(mem), '');
  if (summary.targets.length) out.push('Targets:', '', textTable(targetTable(run, summary, false), TARGET_ALIGN), '');
  out.push(legend(run));
  for (const line of notApplicableLines(run)) out.push(line);
  for (const d of run.drivers.filter((x) => x.status !== 'ok')) out.push(`skipped ${d.name}: ${d.reason.split('\n')[0]}`);
  for (const w of summary.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

function budgetLine(run) {
  const m = run.meta;
  const scaled = run.trials.filter((t) => t.budget && (t.budget.budgetMs !== m.budgetMs || t.budget.warmupMs !== m.warmupMs));
  const capped = run.trials.filter((t) => t.rounds && t.rounds < m.rounds);
  const parts = [`${m.rounds} rounds × (${m.warmupMs} ms warm-up + ${m.budgetMs} ms timed) per trial × driver`];
  if (scaled.length) parts.push(`async trials ${scaled[0].budget.warmupMs} + ${scaled[0].budget.budgetMs} ms`);
  if (capped.length) parts.push(`${capped.map((t) => `${t.name}: ${Math.min(t.rounds, m.rounds)} rounds, one query each`).join('; ')}`);
  return parts.join('; ');
}

export function renderMarkdown(run, summary) {
  const m = run.meta;
  const out = [];
  out.push('# sqlite-strand benchmark results', '');
  out.push(
    'Throughput **ratios** between drivers, measured interleaved in one run. **A ÷ B > 1 means A is faster.**',
    'Absolute times are deliberately not the result: this is a shared, noisy 2-core machine where',
    'lone absolute numbers move from run to run, while ratios measured back to back hold. Exceptions,',
    'because their targets are absolute: event-loop lag (ms) and peak RSS (MB).',
    '',
  );
  out.push(`- Date: ${m.date}`);
  out.push(`- Mode: ${m.mode}: ${budgetLine(run)}; run took ${Math.round(m.elapsedSec)} s`);
  out.push(`- Machine: ${m.machine.platform} ${m.machine.arch}, ${m.machine.cpus} × ${m.machine.cpuModel}; load average ${m.loadavg.start.map((x) => x.toFixed(2)).join(' ')} at start, ${m.loadavg.end.map((x) => x.toFixed(2)).join(' ')} at end`);
  out.push(`- Node: ${[...new Set(run.drivers.filter((d) => d.node).map((d) => d.node))].join(', ')} (per driver below); orchestrator ${m.orchestratorNode}`);
  for (const [mode, m] of Object.entries(MODES)) {
    out.push(`- Trials ending in \`:${mode}\` (${m.label}), every driver: ${m.pragmas.map((p) => `\`PRAGMA ${p}\``).join(', ')}; file databases in a temp dir`);
  }
  if (m.filter || m.drivers) out.push(`- Partial run: ${m.filter ? `--filter=${m.filter.join(',')} ` : ''}${m.drivers ? `--drivers=${m.drivers.join(',')}` : ''}`);
  out.push('');
  out.push('| driver | package | SQLite | Node | status |', '| --- | --- | --- | --- | --- |');
  for (const d of run.drivers) {
    const status = d.status === 'ok' ? 'ran' : `skipped: ${d.reason.split('\n')[0]}`;
    out.push(`| ${d.short} | ${d.label}${d.version ? ` ${d.version}` : ''} | ${d.sqliteVersion ?? '—'} | ${d.node ?? '—'} | ${status} |`);
  }
  out.push('');
  if (summary.targets.length) {
    out.push('## Targets', '', markdownTable(targetTable(run, summary, true), TARGET_ALIGN), '');
    out.push('Ratio targets are judged on the median ratio; the range in parentheses is the per-round ratios\' min–max.', '');
  }
  if (hasSync(run, summary)) {
    out.push('## Ratios: sync trials', '', markdownTable(syncRatioTable(run, summary, true)), '');
    out.push(
      `Each cell: median rate of A over the rounds ÷ median rate of B. In parentheses: the lowest and highest`,
      'of the per-round ratios A_r ÷ B_r (A and B measured close together in the same round), a feel for the noise.',
      'Each measurement is its own child process: seed the table, warm up, then timed batches for the budget;',
      'its rate is units done ÷ timed time (garbage collection included). ops for get-pk and all-100 (one',
      '`get()` / one `all()` of 100 rows), rows for the others.',
      '',
    );
  }
  if (hasAsync(run, summary)) {
    out.push('## Ratios: async trials', '', markdownTable(asyncRatioTable(run, summary, true)), '');
    out.push(
      'Each async trial has a sync **twin** doing the same work (same table, same ids, same rows). Columns',
      'marked "(sync)" divide by a sync driver\'s median rate on the twin: the ceiling an async API is measured',
      'against (no thread hop, no promise). Twins run in the same round group as their async trials, so the',
      'per-round ranges pair measurements taken close together. Rates are per get / per row: the 64-in-flight',
      'trial counts each of the 64 gets. n/a: the driver has no such API.',
      '',
    );
  }
  if (hasCompare(run, summary)) {
    out.push('## Parallel readers', '', markdownTable(compareTable(run, summary, true)), '');
    out.push(
      '`AsyncDatabase.open(file, { readers: N })` (async-rN: a writer and N read-only reader connections, each on its',
      'own thread, WAL only) ÷ the same API with readers: 0 (strand-async), every N measured in the same rounds;',
      'bs3-w2 = better-sqlite3 in 2 worker_threads with read-only connections, fed by postMessage. The machine has',
      `${m.machine.cpus} cores: readers beyond that many cannot add throughput. Rates are per query / per call.`,
      '',
    );
  }
  for (const { trial, rows } of lagTable(run, summary)) {
    const t = run.trials.find((x) => x.name === trial);
    out.push(`## Event-loop lag: ${trial}`, '', markdownTable(rows), '');
    out.push(`Absolute ms, lower is better: the ${t.description}.`, '',
      'Query time: the awaited call, as the caller sees it. Idle max gap: the same monitor for 300 ms before',
      'the query, the machine\'s own noise.', '');
  }
  const mem = memoryTable(run, summary);
  if (mem) {
    out.push('## Peak RSS', '', markdownTable(mem), '');
    out.push('Median over rounds of the child process\'s peak resident set (VmHWM, all threads), in MB, during',
      'warm-up + timed calls; in parentheses the growth over the RSS right after setup (a full GC, then the',
      'peak is reset). Absolute MB: the Node runtime and the driver\'s library are included.', '');
  }
  out.push('## Trials', '');
  for (const t of run.trials) {
    const unit = t.kind === 'lag' ? 'ms, absolute' : `${t.unit}s`;
    out.push(`- **${t.name}** (${unit}${t.twin ? `; sync twin: ${t.twin}` : ''}): ${t.description}`);
  }
  out.push('');
  const na = notApplicableLines(run);
  if (na.length) out.push(...na.map((l) => `- ${l}`), '');
  if (summary.warnings.length) {
    out.push('## Warnings', '');
    for (const w of summary.warnings) out.push(`- ${w}`);
    out.push('');
  }
  out.push('<details><summary>Median rates (secondary: specific to this machine and moment; compare ratios, not these)</summary>', '');
  out.push(markdownTable(rateTable(run, summary)), '', '</details>', '');
  out.push('Raw samples: `results' + (m.out ? `.${m.out}` : '') + '.json`. Regenerate with `npm run bench` (see bench/README.md).', '');
  return out.join('\n');
}

export function writeResults(run, summary) {
  const suffix = run.meta.out ? `.${run.meta.out}` : '';
  const md = join(benchDir, `RESULTS${suffix}.md`);
  const json = join(benchDir, `results${suffix}.json`);
  writeFileSync(md, renderMarkdown(run, summary));
  writeFileSync(json, `${JSON.stringify({ ...run, summary }, null, 2)}\n`);
  const svg = join(benchDir, `results${suffix}.svg`);
  writeFileSync(svg, renderChart(run, summary));
  return { md, json, svg };
}
