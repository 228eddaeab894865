// Output helpers for the tour: headings, notes, aligned numbers and a one-line progress bar.
// Colours and the redrawn (\r) progress bar only when stdout is a terminal; piped into a file or a
// CI log, the tour prints plain lines instead, so the log stays readable.
const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;

const paint = (code) => (text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = paint('1');
export const dim = paint('2');
export const green = paint('32');
export const cyan = paint('36');

let section = 0;

/** A numbered section heading, e.g. "== 2. Async queries ==" (the test looks for these). */
export function heading(title) {
  section += 1;
  console.log(`\n${bold(cyan(`== ${section}. ${title} ==`))}`);
}

/** A short explanation of what the next lines show. */
export function note(text) {
  console.log(dim(`   ${text}`));
}

/** A result line: "   label ........ value". */
export function result(label, value) {
  console.log(`   ${label.padEnd(38, ' ')} ${bold(String(value))}`);
}

/** A check that must hold: prints it, and stops the tour (exit code 1) if it does not. */
export function check(label, ok) {
  console.log(`   ${ok ? green('✓') : '✗'} ${label}`);
  if (!ok) throw new Error(`demo check failed: ${label}`);
}

export const int = (n) => Math.round(n).toLocaleString('en-US');
export const ms = (n) => `${n.toFixed(0)} ms`;
export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * A progress bar for `total` units. On a terminal it redraws one line with \r; otherwise it
 * prints a plain line at every quarter (and at 100%), whatever the number of updates.
 */
export function progressBar(label, total) {
  const width = 30;
  let lastQuarter = -1;
  return {
    update(done, extra = '') {
      const fraction = total > 0 ? Math.min(done / total, 1) : 1;
      const percent = `${(fraction * 100).toFixed(0).padStart(3)}%`;
      if (tty) {
        const filled = Math.round(fraction * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        process.stdout.write(`\r   ${label} ${bar} ${percent} ${extra}\x1b[K`);
        return;
      }
      const quarter = Math.floor(fraction * 4);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        console.log(`   ${label} ${percent} ${extra}`);
      }
    },
    /** Ends the bar's line (on a terminal) so the next output starts on a fresh one. */
    done() {
      if (tty) process.stdout.write('\n');
    },
  };
}
