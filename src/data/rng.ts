/**
 * A seeded host-side random stream for data work (shuffles, splits, synthetic sets). It walks the
 * same counter-based generator the backends use, so a seed means the same numbers everywhere.
 */
import { normal, uniform } from '../backend/random.js';

export class Rng {
  private counter = 0;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniform(this.seed, this.counter++);
  }

  /** Standard normal. */
  normal(): number {
    return normal(this.seed, this.counter++);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** A seeded permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
