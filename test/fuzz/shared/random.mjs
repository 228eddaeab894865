// A small seeded PRNG (mulberry32) with the choices generators need. Same seed, same sequence, on
// every runtime: programs are a pure function of their seed.

export function random(seed) {
  let state = (seed * 0x9e3779b1) >>> 0 || 1;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    /** An integer in [0, n). */
    int: (n) => Math.floor(next() * n),
    /** An integer in [lo, hi]. */
    between: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** `table` is [[weight, value], ...]; returns a value with probability weight / total. */
    weighted(table) {
      let total = 0;
      for (const [w] of table) total += w;
      let r = next() * total;
      for (const [w, v] of table) {
        if ((r -= w) < 0) return v;
      }
      return table[table.length - 1][1];
    },
    /** k distinct-or-not picks from list. */
    some: (list, k) => Array.from({ length: k }, () => list[Math.floor(next() * list.length)]),
  };
  return rng;
}

/** Parses "1-500", "7" or "1-10,40-50" into a list of seeds. */
export function parseSeeds(text) {
  const seeds = [];
  for (const part of String(text).split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw new Error(`bad seed range ${text}`);
    for (let s = a; s <= (b ?? a); s++) seeds.push(s);
  }
  return seeds;
}
