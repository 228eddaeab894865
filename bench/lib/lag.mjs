// Event-loop lag monitor: a setInterval at `intervalMs` that records the largest gap between two
// consecutive ticks. A gap much larger than the interval means the JS thread was busy (or blocked).

export function startLagMonitor(intervalMs = 1) {
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > maxGap) maxGap = now - last;
    last = now;
    ticks++;
  }, intervalMs);
  return {
    reset() {
      last = performance.now();
      maxGap = 0;
      ticks = 0;
    },
    read: () => ({ maxGapMs: maxGap, ticks }),
    stop: () => clearInterval(timer),
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
