// Small, dependency-free statistics used by the child (per-batch) and the parent (per-round).

export function median(values) {
  const xs = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

export function min(values) {
  const xs = values.filter((x) => Number.isFinite(x));
  return xs.length ? Math.min(...xs) : NaN;
}

export function max(values) {
  const xs = values.filter((x) => Number.isFinite(x));
  return xs.length ? Math.max(...xs) : NaN;
}
