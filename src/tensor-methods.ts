/**
 * Tensor methods for the TensorFlow.js ops added beside the core set (sin, floorDiv, relu6, all,
 * reverse, toInt, as2D, ...): each is the op of the same name, attached to Tensor's prototype here
 * so that tensor.ts keeps the core set only.
 */
import type { DType } from './dtype.js';
import { Tensor } from './tensor.js';
import * as ops from './ops/index.js';
import type { Axis, TensorLike } from './ops/core.js';

declare module './tensor.js' {
  interface Tensor {
    /** Elementwise sin (see {@link ops.sin}). */
    sin(): Tensor;
    /** Elementwise cos (see {@link ops.cos}). */
    cos(): Tensor;
    /** Elementwise tan (see {@link ops.tan}). */
    tan(): Tensor;
    /** Elementwise arcsin (see {@link ops.asin}). */
    asin(): Tensor;
    /** Elementwise arccos (see {@link ops.acos}). */
    acos(): Tensor;
    /** Elementwise arctan (see {@link ops.atan}). */
    atan(): Tensor;
    /** Elementwise sinh (see {@link ops.sinh}). */
    sinh(): Tensor;
    /** Elementwise cosh (see {@link ops.cosh}). */
    cosh(): Tensor;
    /** Elementwise asinh (see {@link ops.asinh}). */
    asinh(): Tensor;
    /** Elementwise acosh (see {@link ops.acosh}). */
    acosh(): Tensor;
    /** Elementwise atanh (see {@link ops.atanh}). */
    atanh(): Tensor;
    /** Elementwise rounded up (see {@link ops.ceil}). */
    ceil(): Tensor;
    /** Elementwise rounded down (see {@link ops.floor}). */
    floor(): Tensor;
    /** Elementwise rounded, halves to even (see {@link ops.round}). */
    round(): Tensor;
    /** Elementwise the error function (see {@link ops.erf}). */
    erf(): Tensor;
    /** Elementwise e^x - 1 (see {@link ops.expm1}). */
    expm1(): Tensor;
    /** Elementwise log(1 + x) (see {@link ops.log1p}). */
    log1p(): Tensor;
    /** Elementwise whether NaN (bool) (see {@link ops.isNaN}). */
    isNaN(): Tensor;
    /** Elementwise whether infinite (bool) (see {@link ops.isInf}). */
    isInf(): Tensor;
    /** Elementwise whether finite (bool) (see {@link ops.isFinite}). */
    isFinite(): Tensor;
    /** Elementwise 1 / x (see {@link ops.reciprocal}). */
    reciprocal(): Tensor;
    /** Elementwise 1 / sqrt(x) (see {@link ops.rsqrt}). */
    rsqrt(): Tensor;
    /** Elementwise min(max(x, 0), 6) (see {@link ops.relu6}). */
    relu6(): Tensor;
    /** Elementwise elu (see {@link ops.elu}). */
    elu(): Tensor;
    /** Elementwise selu (see {@link ops.selu}). */
    selu(): Tensor;
    /** Elementwise log(1 + e^x) (see {@link ops.softplus}). */
    softplus(): Tensor;
    /** Elementwise log(sigmoid(x)) (see {@link ops.logSigmoid}). */
    logSigmoid(): Tensor;
    /** Elementwise x / (1 + |x|) (see {@link ops.softsign}). */
    softsign(): Tensor;
    /** Floor(this / b), int32, with broadcasting (see {@link ops.floorDiv}). */
    floorDiv(b: TensorLike): Tensor;
    /** The floor mod, with broadcasting (see {@link ops.mod}). */
    mod(b: TensorLike): Tensor;
    /** (this - b)^2, with broadcasting (see {@link ops.squaredDifference}). */
    squaredDifference(b: TensorLike): Tensor;
    /** The angle of (b, this), with broadcasting (see {@link ops.atan2}). */
    atan2(b: TensorLike): Tensor;
    /** This / b, 0 where b is 0, with broadcasting (see {@link ops.divNoNan}). */
    divNoNan(b: TensorLike): Tensor;
    /** Prelu with slopes b, with broadcasting (see {@link ops.prelu}). */
    prelu(b: TensorLike): Tensor;
    /** Whether all are true along `axis` (bool; see {@link ops.all}). */
    all(axis?: Axis, keepDims?: boolean): Tensor;
    /** Whether any is true along `axis` (bool; see {@link ops.any}). */
    any(axis?: Axis, keepDims?: boolean): Tensor;
    /** int32 indices of the minimum along `axis` (default 0; see {@link ops.argMin}). */
    argMin(axis?: number): Tensor;
    /** log(sum(exp(this))) along `axis` (see {@link ops.logSumExp}). */
    logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    /** The norm (see {@link ops.norm}). */
    norm(ord?: ops.NormOrder, axis?: Axis, keepDims?: boolean): Tensor;
    /** sqrt(sum(this^2)) along `axis` (see {@link ops.euclideanNorm}). */
    euclideanNorm(axis?: Axis, keepDims?: boolean): Tensor;
    /** Reversed along `axis` (all when omitted; see {@link ops.reverse}). */
    reverse(axis?: number | readonly number[]): Tensor;
    /** Repeated reps[i] times along each axis (see {@link ops.tile}). */
    tile(reps: readonly number[]): Tensor;
    /** Split along `axis` (see {@link ops.split}). */
    split(numOrSizeSplits: number | readonly number[], axis?: number): Tensor[];
    /** The slices along `axis` (see {@link ops.unstack}). */
    unstack(axis?: number): Tensor[];
    /** this @ b, TensorFlow.js's argument order (see {@link ops.matMul}). */
    matMul(b: TensorLike, transposeA?: boolean, transposeB?: boolean): Tensor;
    /** The dot product (see {@link ops.dot}). */
    dot(b: TensorLike): Tensor;
    /** Cast to bool. */
    toBool(): Tensor;
    /** Cast to int32. */
    toInt(): Tensor;
    /** Cast to float32. */
    toFloat(): Tensor;
    /** Cast to `dtype` (TensorFlow.js's asType). */
    asType(dtype: DType): Tensor;
    /** A scalar of this one-element tensor. */
    asScalar(): Tensor;
    /** The values as rank 1. */
    as1D(): Tensor;
    /** Reshaped to [rows, columns]. */
    as2D(rows: number, columns: number): Tensor;
    /** Reshaped to rank 3. */
    as3D(rows: number, columns: number, depth: number): Tensor;
    /** Reshaped to rank 4. */
    as4D(rows: number, columns: number, depth: number, depth2: number): Tensor;
    /** Reshaped to rank 5. */
    as5D(rows: number, columns: number, depth: number, depth2: number, depth3: number): Tensor;
  }
}

const P = Tensor.prototype;
P.sin = function (this: Tensor): Tensor { return ops.sin(this); };
P.cos = function (this: Tensor): Tensor { return ops.cos(this); };
P.tan = function (this: Tensor): Tensor { return ops.tan(this); };
P.asin = function (this: Tensor): Tensor { return ops.asin(this); };
P.acos = function (this: Tensor): Tensor { return ops.acos(this); };
P.atan = function (this: Tensor): Tensor { return ops.atan(this); };
P.sinh = function (this: Tensor): Tensor { return ops.sinh(this); };
P.cosh = function (this: Tensor): Tensor { return ops.cosh(this); };
P.asinh = function (this: Tensor): Tensor { return ops.asinh(this); };
P.acosh = function (this: Tensor): Tensor { return ops.acosh(this); };
P.atanh = function (this: Tensor): Tensor { return ops.atanh(this); };
P.ceil = function (this: Tensor): Tensor { return ops.ceil(this); };
P.floor = function (this: Tensor): Tensor { return ops.floor(this); };
P.round = function (this: Tensor): Tensor { return ops.round(this); };
P.erf = function (this: Tensor): Tensor { return ops.erf(this); };
P.expm1 = function (this: Tensor): Tensor { return ops.expm1(this); };
P.log1p = function (this: Tensor): Tensor { return ops.log1p(this); };
P.isNaN = function (this: Tensor): Tensor { return ops.isNaN(this); };
P.isInf = function (this: Tensor): Tensor { return ops.isInf(this); };
P.isFinite = function (this: Tensor): Tensor { return ops.isFinite(this); };
P.reciprocal = function (this: Tensor): Tensor { return ops.reciprocal(this); };
P.rsqrt = function (this: Tensor): Tensor { return ops.rsqrt(this); };
P.relu6 = function (this: Tensor): Tensor { return ops.relu6(this); };
P.elu = function (this: Tensor): Tensor { return ops.elu(this); };
P.selu = function (this: Tensor): Tensor { return ops.selu(this); };
P.softplus = function (this: Tensor): Tensor { return ops.softplus(this); };
P.logSigmoid = function (this: Tensor): Tensor { return ops.logSigmoid(this); };
P.softsign = function (this: Tensor): Tensor { return ops.softsign(this); };
P.floorDiv = function (this: Tensor, b: TensorLike): Tensor { return ops.floorDiv(this, b); };
P.mod = function (this: Tensor, b: TensorLike): Tensor { return ops.mod(this, b); };
P.squaredDifference = function (this: Tensor, b: TensorLike): Tensor { return ops.squaredDifference(this, b); };
P.atan2 = function (this: Tensor, b: TensorLike): Tensor { return ops.atan2(this, b); };
P.divNoNan = function (this: Tensor, b: TensorLike): Tensor { return ops.divNoNan(this, b); };
P.prelu = function (this: Tensor, b: TensorLike): Tensor { return ops.prelu(this, b); };
P.all = function (this: Tensor, axis?: Axis, keepDims?: boolean): Tensor { return ops.all(this, axis, keepDims); };
P.any = function (this: Tensor, axis?: Axis, keepDims?: boolean): Tensor { return ops.any(this, axis, keepDims); };
P.argMin = function (this: Tensor, axis?: number): Tensor { return ops.argMin(this, axis); };
P.logSumExp = function (this: Tensor, axis?: Axis, keepDims?: boolean): Tensor { return ops.logSumExp(this, axis, keepDims); };
P.norm = function (this: Tensor, ord?: ops.NormOrder, axis?: Axis, keepDims?: boolean): Tensor { return ops.norm(this, ord, axis, keepDims); };
P.euclideanNorm = function (this: Tensor, axis?: Axis, keepDims?: boolean): Tensor { return ops.euclideanNorm(this, axis, keepDims); };
P.reverse = function (this: Tensor, axis?: number | readonly number[]): Tensor { return ops.reverse(this, axis); };
P.tile = function (this: Tensor, reps: readonly number[]): Tensor { return ops.tile(this, reps); };
P.split = function (this: Tensor, n: number | readonly number[], axis?: number): Tensor[] { return ops.split(this, n, axis); };
P.unstack = function (this: Tensor, axis?: number): Tensor[] { return ops.unstack(this, axis); };
P.matMul = function (this: Tensor, b: TensorLike, tA?: boolean, tB?: boolean): Tensor { return ops.matMul(this, b, tA, tB); };
P.dot = function (this: Tensor, b: TensorLike): Tensor { return ops.dot(this, b); };
P.toBool = function (this: Tensor): Tensor { return ops.cast(this, 'bool'); };
P.toInt = function (this: Tensor): Tensor { return ops.cast(this, 'int32'); };
P.toFloat = function (this: Tensor): Tensor { return ops.cast(this, 'float32'); };
P.asType = function (this: Tensor, dtype: DType): Tensor { return ops.cast(this, dtype); };
P.asScalar = function (this: Tensor): Tensor {
  if (this.size !== 1) throw new Error(`asScalar: the tensor has ${this.size} elements, expected 1`);
  return ops.reshape(this, []);
};
P.as1D = function (this: Tensor): Tensor { return ops.reshape(this, [this.size]); };
P.as2D = function (this: Tensor, r: number, c: number): Tensor { return ops.reshape(this, [r, c]); };
P.as3D = function (this: Tensor, r: number, c: number, d: number): Tensor { return ops.reshape(this, [r, c, d]); };
P.as4D = function (this: Tensor, r: number, c: number, d: number, d2: number): Tensor { return ops.reshape(this, [r, c, d, d2]); };
P.as5D = function (this: Tensor, r: number, c: number, d: number, d2: number, d3: number): Tensor { return ops.reshape(this, [r, c, d, d2, d3]); };
