// Renders a run (raw samples + summary) as a console table, bench/RESULTS*.md and
// bench/results*.json. Ratios are the headline; median rates are secondary and collapsed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from './lib/paths.mjs';
import { PRAGMAS } from './trials/schema.mjs';

const fmtRatio = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');

function fmtRate(x, unit) {
  if (!Number.isFinite(x)) return '—';
  const [v, s] = x >= 1e6 ? [x / 1e6, 'M'] : x >= 1e3 ? [x / 1e3, 'k'] : [x, ''];
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)}${s} ${unit}s/s`;
}

function shortOf(run, name) {
  return run.drivers.find((d) => d.name === name)?.short ?? name;
}

function ratioCell(r, withRange) {
  if (!r || !Number.isFinite(r.ratio)) return '—';
  const range = withRange && r.pairedRounds > 1 ? ` (${fmtRatio(r.pairedMin)}–${fmtRatio(r.pairedMax)})` : '';
  return `${fmtRatio(r.ratio)}${range}`;
}

/** Rows of cells: header first. */
function ratioTable(run, summary, withRange) {
  const header = ['trial', ...summary.columns.map(([a, b]) => `${shortOf(run, a)} ÷ ${shortOf(run, b)}`)];
  const rows = run.trials.map((t) => [
    t.name,
    ...summary.columns.map(([a, b]) => ratioCell(summary.ratios.find((r) => r.trial === t.name && r.a === a && r.b === b), withRange)),
  ]);
  return [header, ...rows];
}

function rateTable(run, summary) {
  const names = run.drivers.filter((d) => d.status === 'ok').map((d) => d.name);
  const header = ['trial', ...names.map((n) => shortOf(run, n))];
  const rows = run.trials.map((t) => [t.name, ...names.map((n) => fmtRate(summary.medians[t.name]?.[n]?.median, t.unit))]);
  return [header, ...rows];
}

function textTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function markdownTable(rows) {
  const line = (r) => `| ${r.join(' | ')} |`;
  return [line(rows[0]), `|${rows[0].map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

function legend(run) {
  return run.drivers
    .filter((d) => d.api === 'sync' || d.status === 'ok')
    .map((d) => `${d.short} = ${d.label}${d.version ? ` ${d.version}` : ''}`)
    .join(', ');
}

export function renderConsole(run, summary) {
  const out = [];
  out.push(`Throughput ratios, A ÷ B (>1 = A faster); median of ${run.meta.rounds} interleaved rounds, (min–max of per-round paired ratios):`);
  out.push('');
  out.push(textTable(ratioTable(run, summary, true)));
  out.push('');
  out.push(legend(run));
  for (const d of run.drivers.filter((x) => x.status !== 'ok')) out.push(`skipped ${d.name}: ${d.reason.split('\n')[0]}`);
  for (const w of summary.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

export function renderMarkdown(run, summary) {
  const m = run.meta;
  const out = [];
  out.push('# sqlite-strand benchmark results', '');
  out.push(
    'Throughput **ratios** between drivers, measured interleaved in one run. **A ÷ B > 1 means A is faster.**',
    'Absolute times are deliberately not the result: this is a shared, noisy 2-core machine where',
    'lone absolute numbers move from run to run, while ratios measured back to back hold.',
    '',
  );
  out.push(`- Date: ${m.date}`);
  out.push(`- Mode: ${m.mode}: ${m.rounds} rounds × (${m.warmupMs} ms warm-up + ${m.budgetMs} ms timed) per trial × driver; run took ${Math.round(m.elapsedSec)} s`);
  out.push(`- Machine: ${m.machine.platform} ${m.machine.arch}, ${m.machine.cpus} × ${m.machine.cpuModel}; load average ${m.loadavg.start.map((x) => x.toFixed(2)).join(' ')} at start, ${m.loadavg.end.map((x) => x.toFixed(2)).join(' ')} at end`);
  out.push(`- Node: ${[...new Set(run.drivers.filter((d) => d.node).map((d) => d.node))].join(', ')} (per driver below); orchestrator ${m.orchestratorNode}`);
  out.push(`- Connection settings for every driver: ${PRAGMAS.map((p) => `\`PRAGMA ${p}\``).join(', ')}; file databases in a temp dir`);
  if (m.filter || m.drivers) out.push(`- Partial run: ${m.filter ? `--filter=${m.filter.join(',')} ` : ''}${m.drivers ? `--drivers=${m.drivers.join(',')}` : ''}`);
  out.push('');
  out.push('| driver | package | SQLite | Node | status |', '| --- | --- | --- | --- | --- |');
  for (const d of run.drivers) {
    const status = d.status === 'ok' ? 'ran' : `skipped: ${d.reason.split('\n')[0]}`;
    out.push(`| ${d.short} | ${d.label}${d.version ? ` ${d.version}` : ''} | ${d.sqliteVersion ?? '—'} | ${d.node ?? '—'} | ${status} |`);
  }
  out.push('', '## Ratios', '');
  out.push(markdownTable(ratioTable(run, summary, true)), '');
  out.push(
    `Each cell: median rate of A over the rounds ÷ median rate of B. In parentheses: the lowest and highest`,
    'of the per-round ratios A_r ÷ B_r (A and B measured back to back in the same round), a feel for the noise.',
    'Each measurement is its own child process: seed the table, warm up, then timed batches for the budget;',
    'its rate is units done ÷ timed time (garbage collection included). ops for get-pk and all-100 (one',
    '`get()` / one `all()` of 100 rows), rows for the others.',
    '',
  );
  out.push('## Trials', '');
  for (const t of run.trials) out.push(`- **${t.name}** (${t.unit}s): ${t.description}`);
  out.push('');
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
  return { md, json };
}
