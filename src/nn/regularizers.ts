/** Weight penalties added to the training loss (Keras's L1L2 regularizer). */
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor.js';

/** penalty = l1 * sum(|w|) + l2 * sum(w^2). */
export interface Regularizer {
  /** The weight of sum(|w|). */
  readonly l1: number;
  /** The weight of sum(w^2). */
  readonly l2: number;
  /** The penalty of weight w, a scalar tensor. */
  apply(w: Tensor): Tensor;
  /** The Keras config written to model.json. */
  getConfig(): Required<L1L2Config>;
}

/** The two factors of an L1/L2 penalty, as options and as a Keras config. */
export interface L1L2Config {
  /** The weight of sum(|w|) (default 0). */
  l1?: number;
  /** The weight of sum(w^2) (default 0). */
  l2?: number;
}

/** Accepted wherever a layer takes a regularizer: `{ l2: 1e-4 }`, `{ l1, l2 }`, or one made by `l1l2`. */
export type RegularizerIdentifier = L1L2Config | Regularizer;

/** An L1/L2 penalty. */
export function l1l2(opts: { l1?: number; l2?: number } = {}): Regularizer {
  const l1 = opts.l1 ?? 0;
  const l2 = opts.l2 ?? 0;
  for (const [k, v] of [['l1', l1], ['l2', l2]] as const) {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`regularizer: ${k} must be a number >= 0, got ${String(v)}`);
  }
  return {
    l1,
    l2,
    apply(w: Tensor): Tensor {
      let p: Tensor | null = null;
      if (l1 > 0) p = ops.mul(ops.sum(ops.abs(w)), l1);
      if (l2 > 0) {
        const q = ops.mul(ops.sum(ops.square(w)), l2);
        p = p ? ops.add(p, q) : q;
      }
      return p ?? ops.scalar(0);
    },
    getConfig: () => ({ l1, l2 }),
  };
}

/** The L2 penalty l2 * sum(w^2) (Keras default factor 0.01). */
export function l2(opts: { l2?: number } = {}): Regularizer {
  return l1l2({ l2: opts.l2 ?? 0.01 });
}

/** The L1 penalty l1 * sum(|w|) (Keras default factor 0.01). */
export function l1(opts: { l1?: number } = {}): Regularizer {
  return l1l2({ l1: opts.l1 ?? 0.01 });
}

export function getRegularizer(op: string, x: RegularizerIdentifier | null | undefined): Regularizer | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'object') throw new Error(`${op}: a regularizer must be an object like { l2: 0.01 }, got ${String(x)}`);
  if ('apply' in x && typeof x.apply === 'function') return x;
  try {
    return l1l2(x);
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message}`);
  }
}
