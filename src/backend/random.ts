/**
 * The counter-based generator every backend reproduces (the WGSL in shaders/random.wgsl mirrors it):
 * element i of a draw with `seed` depends only on (seed, i), so results never depend on how the work
 * is split across threads, and every backend draws the same numbers.
 */

/** A 32-bit integer mixer (xorshift-multiply, "lowbias32" constants). */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x;
}

/** Raw 32 random bits for element i, stream s (0 or 1), under `seed`. */
export function bits(seed: number, i: number, s: number): number {
  const key = hash32((seed >>> 0) ^ 0x9e3779b9);
  return hash32((key + hash32((2 * i + s) >>> 0)) >>> 0);
}

const TWO_M24 = 1 / 16777216;

/** Uniform in [0, 1) with 24 random bits, exact in float32. */
export function uniform(seed: number, i: number): number {
  return (bits(seed, i, 0) >>> 8) * TWO_M24;
}

/** Standard normal by Box-Muller on two independent uniforms of element i; u1 is in (0, 1]. */
export function normal(seed: number, i: number): number {
  const u1 = Math.fround(((bits(seed, i, 0) >>> 8) + 1) * TWO_M24);
  const u2 = Math.fround((bits(seed, i, 1) >>> 8) * TWO_M24);
  const r = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));
  return Math.fround(r * Math.fround(Math.cos(Math.fround(6.2831855 * u2))));
}
