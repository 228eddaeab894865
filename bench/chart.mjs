// Renders a run's throughput medians as an SVG bar chart: one group per trial, one bar per driver,
// each bar the driver's speed as a multiple of the trial's baseline (better-sqlite3 for the sync
// trials, node-sqlite3 for the async ones) — ratios from one run, never absolute times.
// Written by report.mjs next to RESULTS.md; `node bench/chart.mjs [results.json] [out.svg]`
// re-renders a saved run.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BASELINE = { sync: 'better-sqlite3', async: 'sqlite3' };
const COLORS = ['#2b6cb0', '#63b3ed', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#718096'];
const layout = { width: 760, left: 150, right: 70, bar: 14, gap: 3, groupGap: 18, top: 58 };

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** The bars to draw: [{ trial, baselineLabel, bars: [{ driver, label, ratio }] }]. */
export function chartGroups(run, summary) {
  const labelOf = Object.fromEntries(run.drivers.map((d) => [d.name, d.label]));
  const groups = [];
  for (const trial of run.trials) {
    if (trial.kind !== 'throughput') continue;
    const medians = summary.medians[trial.name] ?? {};
    const baseline = BASELINE[trial.api];
    const base = medians[baseline]?.median;
    if (!base) continue;
    const bars = Object.entries(medians)
      .filter(([, m]) => Number.isFinite(m.median) && m.median > 0)
      .map(([driver, m]) => ({ driver, label: labelOf[driver] ?? driver, ratio: m.median / base }));
    groups.push({ trial: trial.name, baselineLabel: labelOf[baseline] ?? baseline, bars });
  }
  return groups;
}

export function renderChart(run, summary) {
  const groups = chartGroups(run, summary);
  const drivers = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.driver)))];
  const color = (driver) => COLORS[drivers.indexOf(driver) % COLORS.length];
  const maxRatio = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.ratio)));
  const plotWidth = layout.width - layout.left - layout.right;
  const x = (ratio) => layout.left + (ratio / maxRatio) * plotWidth;
  const out = [];
  let y = layout.top;
  for (const group of groups) {
    out.push(`<text x="${layout.left - 8}" y="${y + layout.bar}" text-anchor="end" font-weight="bold">${escape(group.trial)}</text>`);
    out.push(`<text x="${layout.left - 8}" y="${y + 2 * layout.bar + 2}" text-anchor="end" fill="#718096" font-size="10">× ${escape(group.baselineLabel)}</text>`);
    for (const bar of group.bars) {
      const width = Math.max(1, x(bar.ratio) - layout.left);
      out.push(
        `<rect x="${layout.left}" y="${y}" width="${width.toFixed(1)}" height="${layout.bar}" fill="${color(bar.driver)}"><title>${escape(bar.label)}: ${bar.ratio.toFixed(2)}×</title></rect>`,
        `<text x="${(layout.left + width + 4).toFixed(1)}" y="${y + layout.bar - 3}" font-size="10">${bar.ratio.toFixed(2)}×</text>`,
      );
      y += layout.bar + layout.gap;
    }
    y += layout.groupGap;
  }
  const height = y + 10;
  // The 1× line: the baseline's own speed.
  const one = x(1).toFixed(1);
  out.unshift(`<line x1="${one}" y1="${layout.top - 6}" x2="${one}" y2="${height - 14}" stroke="#a0aec0" stroke-dasharray="3,3"/>`);
  const legend = drivers.map((driver, i) => {
    const lx = 10 + (i % 4) * 185;
    const ly = 26 + Math.floor(i / 4) * 16;
    const label = run.drivers.find((d) => d.name === driver)?.label ?? driver;
    return `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${color(driver)}"/><text x="${lx + 14}" y="${ly}" font-size="11">${escape(label)}</text>`;
  });
  const title = `Throughput relative to the baseline (higher is faster), one run, ${run.meta.machine.cpus} cores, Node ${run.meta.orchestratorNode}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${height}" viewBox="0 0 ${layout.width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="14" font-size="12" font-weight="bold">${escape(title)}</text>`,
    ...legend,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const input = process.argv[2] ?? fileURLToPath(new URL('results.json', import.meta.url));
  const output = process.argv[3] ?? input.replace(/\.json$/, '.svg');
  const saved = JSON.parse(readFileSync(input, 'utf8'));
  writeFileSync(output, renderChart(saved, saved.summary));
  console.log(`wrote ${output}`);
}
