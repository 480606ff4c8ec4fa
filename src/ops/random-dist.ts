/**
 * TensorFlow.js's randomGamma and multinomial over the counter-based generator (rand, randn): the
 * same seed gives the same numbers on every backend (not TensorFlow.js's numbers). Both are
 * composed from other ops and run on the backend.
 */
import type { DType } from '../dtype.js';
import { checkShape, fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, checkInt, checkNumber, defineOp, fromData, toTensor, type TensorLike } from './core.js';
import { rand, randn } from './creation.js';
import { add, div, greater, less, log, maximum, minimum, mul, pow, sub, where } from './elementwise.js';
import { logicalAnd } from './logical.js';
import { matmul } from './matmul.js';
import { cast, expandDims, reshape } from './movement.js';
import { sum } from './reduce.js';
import { softmax } from './softmax.js';

/** A seed as the generator takes it (strings hashed), or a fresh one; `k` makes a separate stream. */
function stream(op: string, seed: number | string | undefined): (k: number) => number {
  let base: number;
  if (seed === undefined) base = (Math.random() * 0x100000000) >>> 0;
  else if (typeof seed === 'string') {
    let h = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
    base = h >>> 0;
  } else if (Number.isInteger(seed)) base = seed >>> 0;
  else throw new Error(`${op}: seed must be an integer or a string, got ${String(seed)}`);
  return (k) => (base + Math.imul(k, 0x9e3779b9)) >>> 0;
}

/**
 * Gamma-distributed numbers with shape `alpha` and rate `beta` (mean alpha / beta), as
 * TensorFlow.js's randomGamma. Marsaglia and Tsang's method, vectorised: 12 rounds of candidates,
 * each accepted with probability above 0.95, so a value is left unaccepted with probability below
 * 1e-15 (it then keeps the last candidate); alpha < 1 draws Gamma(alpha + 1) times U^(1 / alpha).
 * @function
 */
export const randomGamma = defineOp('randomGamma', (shape: readonly number[], alpha: number, beta: number = 1, dtype: DType = 'float32', seed?: number | string): Tensor => {
  const op = 'randomGamma';
  checkShape(op, shape);
  checkNumber(op, 'alpha', alpha);
  checkNumber(op, 'beta', beta);
  if (!(alpha > 0) || !(beta > 0)) throw new Error(`${op}: alpha and beta must be positive, got alpha ${alpha} and beta ${beta}`);
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${op}: dtype must be float32 or int32, got ${String(dtype)}`);
  const s = stream(op, seed);
  const a = alpha < 1 ? alpha + 1 : alpha;
  const d = a - 1 / 3, c = 1 / Math.sqrt(9 * d);
  let out: Tensor | null = null;
  let done: Tensor | null = null;
  for (let k = 0; k < 12; k++) {
    const z = randn(shape, { seed: s(2 * k) });
    const u = rand(shape, { seed: s(2 * k + 1) });
    const v = pow(add(mul(z, c), 1), 3);
    const vPos = maximum(v, 1e-30);
    // accept where v > 0 and log u < z²/2 + d - d v + d log v
    const ok = logicalAnd(greater(v, 0), less(log(u), add(sub(add(mul(mul(z, z), 0.5), d), mul(v, d)), mul(log(vPos), d))));
    const cand = mul(vPos, d);
    if (!out || !done) { out = cand; done = ok; continue; }
    out = where(done, out, cand);
    done = greater(add(cast(done, 'int32'), cast(ok, 'int32')), 0);
  }
  let g = out!;
  if (alpha < 1) g = mul(g, pow(rand(shape, { seed: s(99) }), 1 / alpha));
  const y = div(g, beta);
  return dtype === 'int32' ? cast(y, 'int32') : y;
});

/**
 * `numSamples` draws from the categorical distribution of each row of `logits` (TensorFlow.js's
 * multinomial): int32 outcome indices, [batch, numSamples] for [batch, outcomes] logits and
 * [numSamples] for 1-D ones. With `normalized`, the rows are taken as probabilities already.
 * @function
 */
export const multinomial = defineOp('multinomial', (logits: TensorLike, numSamples: number, seed?: number | string, normalized: boolean = false): Tensor => {
  const op = 'multinomial';
  const x = toTensor(op, logits);
  assertFloat(op, x);
  checkInt(op, 'numSamples', numSamples, 1);
  if (x.rank !== 1 && x.rank !== 2) throw new Error(`${op}: logits must be rank 1 or 2, got ${fmt(x.shape)}`);
  const k = x.shape[x.rank - 1]!;
  if (k < 2) throw new Error(`${op}: logits need at least 2 outcomes, got ${fmt(x.shape)}`);
  const rows = x.rank === 1 ? reshape(x, [1, k]) : x;
  const p = normalized ? div(rows, sum(rows, 1, true)) : softmax(rows, -1);
  // The cumulative sums by a product with an upper-triangular matrix of ones.
  const tri = new Float32Array(k * k);
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) tri[i * k + j] = 1;
  const cdf = matmul(p, fromData(tri, [k, k], 'float32', x.backend));
  const u = rand([rows.shape[0]!, numSamples], { seed: stream(op, seed)(0) });
  // The outcome is the number of cumulative sums at or below u (capped for rounding at the top).
  const below = cast(greater(expandDims(u, 2), expandDims(cdf, 1)), 'int32');
  const idx = minimum(sum(below, 2), k - 1);
  return x.rank === 1 ? reshape(idx, [numSamples]) : idx;
});
