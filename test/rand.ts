// Seeded test data with no dependencies, for the suites that also run outside Node (Deno, a page).

/** A small seeded generator (mulberry32) for test data that is the same on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` float32 values uniform in [lo, hi). */
export function randData(size: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: size }, () => lo + (hi - lo) * r());
}
