// The report's tables as rows of cells (header first), and their text / Markdown rendering.
// Pure: run + summary in, strings out.

export const fmtRatio = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const fmtMs = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '—');
const fmtMB = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');

export function fmtRate(x, unit) {
  if (!Number.isFinite(x)) return '—';
  const [v, s] = x >= 1e6 ? [x / 1e6, 'M'] : x >= 1e3 ? [x / 1e3, 'k'] : [x, ''];
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)}${s} ${unit}s/s`;
}

export function shortOf(run, name) {
  return run.drivers.find((d) => d.name === name)?.short ?? name;
}

function ratioCell(r, withRange) {
  if (!r || !Number.isFinite(r.ratio)) return '—';
  const range = withRange && r.pairedRounds > 1 ? ` (${fmtRatio(r.pairedMin)}–${fmtRatio(r.pairedMax)})` : '';
  return `${fmtRatio(r.ratio)}${range}`;
}

const isNa = (run, trial, driver) => (run.notApplicable ?? []).some((x) => x.trial === trial && x.driver === driver);
const okNames = (run) => run.drivers.filter((d) => d.status === 'ok').map((d) => d.name);

/** Sync trials × [ours ÷ peer, peer ÷ baseline]. */
export function syncRatioTable(run, summary, withRange) {
  const header = ['sync trial', ...summary.columns.map(([a, b]) => `${shortOf(run, a)} ÷ ${shortOf(run, b)}`)];
  const rows = run.trials.filter((t) => t.api === 'sync').map((t) => [
    t.name,
    ...summary.columns.map(([a, b]) => ratioCell(summary.ratios.find((r) => r.trial === t.name && r.a === a && r.b === b), withRange)),
  ]);
  return [header, ...rows];
}

/** Async throughput trials × [ours-async ÷ async peer, ours-async ÷ sync driver on the twin, peer ÷ baseline on the twin]. */
export function asyncRatioTable(run, summary, withRange) {
  const cols = summary.asyncColumns;
  const header = ['async trial (sync twin)', ...cols.map(([a, b, onTwin]) => `${shortOf(run, a)} ÷ ${shortOf(run, b)}${onTwin ? ' (sync)' : ''}`)];
  const rows = run.trials.filter((t) => t.api === 'async' && t.kind !== 'lag' && !t.compare).map((t) => [
    `${t.name} (${t.twin ?? '—'})`,
    ...cols.map(([a, b]) => {
      if (isNa(run, t.name, a) || isNa(run, t.name, b)) return 'n/a';
      return ratioCell(summary.asyncRatios.find((r) => r.trial === t.name && r.a === a && r.b === b), withRange);
    }),
  ]);
  return [header, ...rows];
}

/**
 * Trials declaring `compare` (the readers trials) × the union of their pairs, A ÷ B on the same
 * trial: the readers scaling curve (strand-async-rN ÷ strand-async) and the worker-pool comparison.
 * A pair a trial does not declare is blank; one whose driver did not run is '—'.
 */
export function compareTable(run, summary, withRange) {
  const trials = run.trials.filter((t) => t.compare);
  const pairs = [];
  for (const t of trials) for (const p of t.compare) if (!pairs.some((q) => q.a === p.a && q.b === p.b)) pairs.push(p);
  const header = ['trial', ...pairs.map(({ a, b }) => `${shortOf(run, a)} ÷ ${shortOf(run, b)}`)];
  const rows = trials.map((t) => [
    t.name,
    ...pairs.map(({ a, b }) => {
      if (!t.compare.some((p) => p.a === a && p.b === b)) return '';
      return ratioCell((summary.compareRatios ?? []).find((r) => r.trial === t.name && r.a === a && r.b === b), withRange);
    }),
  ]);
  return [header, ...rows];
}

const metCell = (met) => (met === null ? 'not measured' : met ? '**met**' : '**missed**');

/** One row per declared target: what, the goal, the measured value, met or not. */
export function targetTable(run, summary, markdown) {
  const strip = (s) => (markdown ? s : s.replaceAll('**', ''));
  const header = ['trial', 'measure', 'target', 'measured', 'met'];
  const rows = summary.targets.map((t) => {
    if (t.kind === 'lag') {
      const worst = Number.isFinite(t.worstMs) ? ` (worst round ${fmtMs(t.worstMs)})` : '';
      return [t.trial, `${shortOf(run, t.a)}: max event-loop gap`, `≤ ${t.maxMs} ms`, `${fmtMs(t.value)} ms${worst}`, strip(metCell(t.met))];
    }
    const b = `${shortOf(run, t.b)}${t.bTrial !== t.trial ? ` on ${t.bTrial} (sync)` : ''}`;
    return [t.trial, `${shortOf(run, t.a)} ÷ ${b}`, `≥ ${fmtRatio(t.min)}`, ratioCell(t, true), strip(metCell(t.met))];
  });
  return [header, ...rows];
}

/** Per driver: event-loop max gap during the long query (absolute ms), query time, idle gap. */
export function lagTable(run, summary) {
  const tables = [];
  for (const [trial, byDriver] of Object.entries(summary.lag)) {
    const header = ['driver', 'max gap, ms (min–max over rounds)', 'query time, ms', 'idle max gap, ms', 'rounds'];
    const rows = okNames(run).filter((n) => byDriver[n]).map((n) => {
      const s = byDriver[n];
      return [shortOf(run, n), `${fmtMs(s.maxGapMs)} (${fmtMs(s.bestMs)}–${fmtMs(s.worstMs)})`, fmtMs(s.queryMs), fmtMs(s.idleMaxGapMs), String(s.samples)];
    });
    tables.push({ trial, rows: [header, ...rows] });
  }
  return tables;
}

/**
 * Per driver: median peak RSS, MB (+ growth over the RSS after setup). One column per sync memory
 * trial; an async driver's cell is its async trial with that twin (same rows, streamed or all()).
 */
export function memoryTable(run, summary) {
  const memTrials = run.trials.filter((t) => summary.memory[t.name]);
  if (memTrials.length === 0) return null;
  const columns = memTrials.filter((t) => t.api === 'sync' || !memTrials.some((x) => x.name === t.twin));
  const trialFor = (col, driver) =>
    driver.api === col.api ? col.name : memTrials.find((t) => t.twin === col.name && t.api === driver.api)?.name;
  const header = ['driver', ...columns.map((c) => {
    const twins = memTrials.filter((t) => t.twin === c.name).map((t) => t.name);
    return [c.name, ...twins].join(' / ');
  })];
  const rows = run.drivers.filter((d) => d.status === 'ok').map((d) => [
    shortOf(run, d.name),
    ...columns.map((c) => {
      const t = trialFor(c, d);
      if (!t || isNa(run, t, d.name)) return 'n/a';
      const m = summary.memory[t][d.name];
      return m ? `${fmtMB(m.peakMB)} (+${fmtMB(m.growthMB)})` : '—';
    }),
  ]);
  return [header, ...rows];
}

/** Median rates, every throughput trial × every driver that ran. */
export function rateTable(run, summary) {
  const names = okNames(run);
  const header = ['trial', ...names.map((n) => shortOf(run, n))];
  const rows = run.trials.filter((t) => t.kind !== 'lag').map((t) => [
    t.name,
    ...names.map((n) => (isNa(run, t.name, n) ? 'n/a' : fmtRate(summary.medians[t.name]?.[n]?.median, t.unit))),
  ]);
  return [header, ...rows];
}

/** `align`: one letter per column, 'l' or 'r' (default: first column left, the others right). */
const alignOf = (align, i) => (align ? align[i] : i === 0 ? 'l' : 'r');

export function textTable(rows, align) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const pad = (c, i) => (alignOf(align, i) === 'l' ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const line = (r) => r.map(pad).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function markdownTable(rows, align) {
  const line = (r) => `| ${r.join(' | ')} |`;
  return [line(rows[0]), `|${rows[0].map((_, i) => (alignOf(align, i) === 'l' ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

/** Column alignment of targetTable. */
export const TARGET_ALIGN = 'llrrl';
