// Deterministic pseudo-random numbers (mulberry32), so every driver sees exactly the same data
// and the same sequence of lookups.

export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` integers uniformly in [lo, hi], from a fixed seed. */
export function randomInts(seed, count, lo, hi) {
  const next = mulberry32(seed);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + Math.floor(next() * (hi - lo + 1));
  return out;
}
