/** Seed arithmetic for everything random in src/nn: derived seeds are pure functions of their parts. */
import { hash32 } from '../backend/random.js';

/** A fresh 32-bit seed from Math.random (used only when the caller gave none). */
export function freshSeed(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

/** Combine a base seed with any number of integers into a new, well-mixed 32-bit seed. */
export function mixSeed(base: number, ...parts: number[]): number {
  let h = hash32((base >>> 0) ^ 0x5bd1e995);
  for (const p of parts) h = hash32((h ^ hash32((p >>> 0) + 0x9e3779b9)) >>> 0);
  return h;
}

/** A small deterministic generator on the host (mulberry32) for shuffling indices. */
export function hostRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  const r = hostRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
