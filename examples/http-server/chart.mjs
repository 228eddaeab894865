// Draws compare.mjs's medians as a small SVG bar chart: one group per figure (p50, p99), one bar
// per driver, the value in ms beside each bar. Hand-written SVG, no dependency.
//   node examples/http-server/chart.mjs [results.json] [chart.svg]   re-renders a saved run
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const COLORS = { async: '#2b6cb0', sync: '#dd6b20', 'better-sqlite3': '#718096' };
const FIGURES = [
  ['p50', 'p50'],
  ['p99', 'p99'],
];
const size = { width: 640, left: 60, right: 90, top: 72, bar: 18, gap: 4, groupGap: 16 };

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const formatMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)) + ' ms';

export function renderChart(results) {
  const drivers = results.drivers.filter((d) => results.medians[d.name]);
  const max = Math.max(...drivers.flatMap((d) => FIGURES.map(([key]) => results.medians[d.name][key])));
  const plot = size.width - size.left - size.right;
  const parts = [];
  let y = size.top;
  for (const [key, label] of FIGURES) {
    const groupHeight = drivers.length * (size.bar + size.gap) - size.gap;
    parts.push(`<text x="${size.left - 10}" y="${y + groupHeight / 2 + 5}" text-anchor="end" font-weight="bold">${label}</text>`);
    for (const driver of drivers) {
      const value = results.medians[driver.name][key];
      const width = Math.max(1, (value / max) * plot);
      parts.push(
        `<rect x="${size.left}" y="${y}" width="${width.toFixed(1)}" height="${size.bar}" fill="${COLORS[driver.name] ?? '#38a169'}"><title>${escape(driver.label)}: ${label} ${formatMs(value)}</title></rect>`,
        `<text x="${(size.left + width + 5).toFixed(1)}" y="${y + size.bar - 5}" font-size="11">${formatMs(value)}</text>`,
      );
      y += size.bar + size.gap;
    }
    y += size.groupGap;
  }
  const legendY = y + 4;
  drivers.forEach((driver, i) => {
    const x = size.left + i * 190;
    parts.push(
      `<rect x="${x}" y="${legendY}" width="12" height="12" fill="${COLORS[driver.name] ?? '#38a169'}"/>`,
      `<text x="${x + 17}" y="${legendY + 10}" font-size="11">${escape(driver.label)}</text>`,
    );
  });
  const height = legendY + 26;
  const { machine, settings } = results;
  const load = machine.loadAverage1m ? `, load average ${machine.loadAverage1m.before}` : '';
  const subtitles = [
    `median of ${settings.rounds} rounds · ${settings.requests} requests, ${settings.concurrency} at a time · ${settings.reportClients} client(s) looping GET /report`,
    `${machine.cpus} CPUs${load} · Node.js ${machine.node} · ${settings.posts.toLocaleString('en-US')} posts`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${height}" viewBox="0 0 ${size.width} ${height}" font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="14" font-weight="bold">GET /users/:id latency while GET /report runs (lower is better)</text>`,
    ...subtitles.map((text, i) => `<text x="10" y="${40 + 13 * i}" font-size="10" fill="#4a5568">${escape(text)}</text>`),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = (name) => fileURLToPath(new URL(name, import.meta.url));
  const [input = here('results.json'), output = here('chart.svg')] = process.argv.slice(2);
  writeFileSync(output, renderChart(JSON.parse(readFileSync(input, 'utf8'))));
  console.log(`wrote ${output}`);
}
