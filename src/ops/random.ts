/**
 * TensorFlow.js's random ops over the counter-based generator (see creation.ts's rand and randn):
 * the same seed gives the same numbers on every backend (not TensorFlow.js's numbers: its generator
 * differs). A seed may be a number or a string (hashed), as TensorFlow.js allows.
 */
import type { DType } from '../dtype.js';
import { checkShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkNumber, defineOp } from './core.js';
import { rand, randn } from './creation.js';
import { abs, add, clip, lessEqual, mul, where } from './elementwise.js';
import { floorDiv } from './math.js';
import { cast } from './movement.js';

function seedOf(op: string, seed: number | string | undefined, salt = 0): number | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed === 'string') {
    let h = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
    return (h + salt) >>> 0;
  }
  if (!Number.isInteger(seed)) throw new Error(`${op}: seed must be an integer or a string, got ${String(seed)}`);
  return (seed + salt) >>> 0;
}

function floatOnly(op: string, dtype: DType | undefined): void {
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'int32') throw new Error(`${op}: dtype must be float32 or int32, got ${String(dtype)}`);
}

/** Uniform numbers in [minval, maxval) (int32: truncated toward zero). @function */
export const randomUniform = defineOp('randomUniform', (shape: readonly number[], minval: number = 0, maxval: number = 1, dtype: DType = 'float32', seed?: number | string): Tensor => {
  checkShape('randomUniform', shape);
  floatOnly('randomUniform', dtype);
  const u = rand(shape, { lo: checkNumber('randomUniform', 'minval', minval), hi: checkNumber('randomUniform', 'maxval', maxval), seed: seedOf('randomUniform', seed) });
  return dtype === 'int32' ? cast(u, 'int32') : u;
});

/** Whole numbers uniform in [minval, maxval), int32. @function */
export const randomUniformInt = defineOp('randomUniformInt', (shape: readonly number[], minval: number, maxval: number, seed?: number | string): Tensor => {
  checkShape('randomUniformInt', shape);
  if (!Number.isInteger(minval) || !Number.isInteger(maxval) || maxval <= minval) throw new Error(`randomUniformInt: expected whole minval < maxval, got ${String(minval)} and ${String(maxval)}`);
  // floorDiv by 1 is the int32 floor: values in [minval, maxval).
  return floorDiv(rand(shape, { lo: minval, hi: maxval, seed: seedOf('randomUniformInt', seed) }), 1);
});

/** Normal numbers with `mean` and `stdDev`. @function */
export const randomNormal = defineOp('randomNormal', (shape: readonly number[], mean: number = 0, stdDev: number = 1, dtype: DType = 'float32', seed?: number | string): Tensor => {
  checkShape('randomNormal', shape);
  floatOnly('randomNormal', dtype);
  const z = randn(shape, { mean: checkNumber('randomNormal', 'mean', mean), std: checkNumber('randomNormal', 'stdDev', stdDev), seed: seedOf('randomNormal', seed) });
  return dtype === 'int32' ? cast(z, 'int32') : z;
});

/** Standard normal numbers (mean 0, standard deviation 1). @function */
export const randomStandardNormal = defineOp('randomStandardNormal', (shape: readonly number[], dtype: DType = 'float32', seed?: number | string): Tensor =>
  randomNormal(shape, 0, 1, dtype, seed));

/**
 * Normal numbers with `mean` and `stdDev`, redrawn where they fall more than two standard
 * deviations from the mean (TensorFlow.js's truncatedNormal). Twelve redraws leave a value outside
 * with probability 0.0455^12 (about 1e-16); such a value is then clipped to the bound.
 * @function
 */
export const truncatedNormal = defineOp('truncatedNormal', (shape: readonly number[], mean: number = 0, stdDev: number = 1, dtype: DType = 'float32', seed?: number | string): Tensor => {
  checkShape('truncatedNormal', shape);
  floatOnly('truncatedNormal', dtype);
  checkNumber('truncatedNormal', 'mean', mean);
  checkNumber('truncatedNormal', 'stdDev', stdDev);
  const base = seedOf('truncatedNormal', seed) ?? (Math.random() * 0x100000000) >>> 0;
  let z = randn(shape, { seed: base });
  for (let k = 1; k <= 12; k++) z = where(lessEqual(abs(z), 2), z, randn(shape, { seed: (base + k * 0x9e3779b9) >>> 0 }));
  const t = add(mul(clip(z, -2, 2), stdDev), mean);
  return dtype === 'int32' ? cast(t, 'int32') : t;
});
