// Peak resident memory of this (child) process, all threads included: Linux's VmHWM, reset after
// setup by writing 5 to /proc/self/clear_refs (after a full GC), so seeding the table does not
// count. Where that is not possible, only the RSS at the start and at the end is seen.
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const MB = 1024 * 1024;

function vmHwmBytes() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** A full garbage collection (gc() without --expose-gc on the command line). */
export function collectGarbage() {
  v8.setFlagsFromString('--expose-gc');
  vm.runInNewContext('gc')();
}

/**
 * Starts a peak-RSS window; end() → { baseMB (rss at the start), peakMB, method }. With `gc`, a
 * full collection first, so the setup's garbage (seed data) is not in the base.
 */
export function startPeakRss({ gc = false } = {}) {
  if (gc) collectGarbage();
  let reset = false;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    reset = vmHwmBytes() !== null;
  } catch {
    /* not Linux, or not allowed */
  }
  const base = process.memoryUsage.rss();
  return {
    end() {
      const hwm = reset ? vmHwmBytes() : null;
      const peak = Math.max(hwm ?? 0, base, process.memoryUsage.rss());
      return { baseMB: base / MB, peakMB: peak / MB, method: hwm !== null ? 'VmHWM' : 'rss at start and end only' };
    },
  };
}
