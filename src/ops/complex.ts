/**
 * complex64 tensors, as TensorFlow.js has them: complex, real, imag, and the ops that take complex
 * operands (add, sub, mul, neg, abs, transpose, slice, concat, clone, cast; reshape, expandDims,
 * squeeze and stack follow from them). A complex64 tensor's storage is interleaved float32 pairs
 * (real, imaginary), so each op here runs as float32 ops on the [..., 2] view of that storage
 * (`pairsOf`) and wraps the result (`fromPairs`); both views are zero-copy and on the tape, so
 * gradients flow through the float32 ops, with the gradient of a complex value being the complex
 * number (dL/dre, dL/dim), as TensorFlow.js's real/imag/complex gradients have it. Every other op
 * refuses complex64 (core.ts runKernel, and cast here).
 */
import { type DataType, type DType, isComplex, isDType } from '../dtype.js';
import { engine } from '../engine.js';
import { fmt, normAxis, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { argShape, backendOf, complexRefused, defineOp, fromData, record, toTensor, type TensorLike } from './core.js';
import { add, mul, neg, sqrt, square, sub } from './elementwise.js';
import { cast, clone, concat, reshape, slice, stack, transpose } from './movement.js';
import { sum } from './reduce.js';

const COMPLEX = 'complex64' as DataType as DType;

/** Is `x` a complex64 tensor? (For the ops that dispatch to this file.) */
export function isComplexArg(x: unknown): x is Tensor {
  return x instanceof Tensor && isComplex(x);
}

/** @internal The float32 [..., 2] (real, imaginary) view of a complex64 tensor's storage, on the tape. */
export function pairsOf(c: Tensor): Tensor {
  const p = new Tensor([...c.shape, 2], 'float32', c.backend, c.liveStorage());
  return record('complexPairs', [c], p, (dy) => [fromPairs(dy)]);
}

/** @internal A complex64 tensor viewing a float32 [..., 2] tensor's storage as (real, imaginary) pairs, on the tape. */
export function fromPairs(p: Tensor): Tensor {
  if (p.dtype !== 'float32' || p.shape[p.rank - 1] !== 2) throw new Error(`complex: expected float32 [..., 2] pairs, got ${p.dtype} ${fmt(p.shape)}`);
  // A strided view would not do: the storage must hold exactly the pairs, in order.
  const c = new Tensor(p.shape.slice(0, -1), COMPLEX, p.backend, p.liveStorage());
  return record('complexFromPairs', [p], c, (dy) => [pairsOf(dy)]);
}

/** @internal `x` as complex64: a complex tensor itself, a real one with zero imaginary parts. */
export function toComplex(op: string, x: TensorLike, like?: Tensor): Tensor {
  if (isComplexArg(x)) return x;
  const t = toTensor(op, x, like?.backend);
  const f = t.dtype === 'float32' ? t : cast(t, 'float32');
  return fromPairs(stack([f, fromData(new Float32Array(f.size), f.shape, 'float32', f.backend)], -1));
}

/** The real part of complex pairs p [..., 2], as [..., 1]. */
const re = (p: Tensor): Tensor => slice(p, [...p.shape.slice(0, -1).map(() => 0), 0], [...p.shape.slice(0, -1), 1]);
/** The imaginary part of complex pairs p [..., 2], as [..., 1]. */
const im = (p: Tensor): Tensor => slice(p, [...p.shape.slice(0, -1).map(() => 0), 1], [...p.shape.slice(0, -1), 1]);

/** @internal The product of complex pairs (broadcasting): (a + bi)(c + di) = (ac - bd) + (ad + bc)i. */
export function mulPairs(p: Tensor, q: Tensor): Tensor {
  const [a, b, c, d] = [re(p), im(p), re(q), im(q)];
  return concat([sub(mul(a, c), mul(b, d)), add(mul(a, d), mul(b, c))], -1);
}

/**
 * A complex64 tensor from its real and imaginary parts (tensors of one shape; int32 is converted).
 * Its data() is the interleaved pairs [re0, im0, re1, im1, ...], as TensorFlow.js's.
 * @function
 */
export const complex = defineOp('complex', (real: TensorLike, imag: TensorLike): Tensor => {
  const backend = backendOf('complex', [real, imag]);
  const sr = argShape('complex', real), si = argShape('complex', imag);
  if (!sr || !si) throw new Error(`complex: expected Tensors or arrays, got ${sr ? typeof imag : typeof real}`);
  if (!sameShape(sr, si)) throw new Error(`complex: real and imag must have the same shape, got ${fmt(sr)} and ${fmt(si)}`);
  const parts = [real, imag].map((v) => {
    if (isComplexArg(v)) throw new Error('complex: expected real parts, got a complex64 tensor');
    const t = toTensor('complex', v, backend);
    if (t.dtype === 'bool') throw new Error('complex: expected float32 or int32 parts, got bool');
    return t.dtype === 'float32' ? t : cast(t, 'float32');
  });
  return fromPairs(stack(parts, -1));
});

function complexArg(op: string, x: TensorLike): Tensor {
  if (!isComplexArg(x)) {
    const d = x instanceof Tensor ? `${x.dtype} ${fmt(x.shape)}` : typeof x;
    throw new Error(`${op}: expected a complex64 tensor, got ${d}`);
  }
  x.liveStorage();
  return x;
}

/** The real part of a complex64 tensor (float32, same shape). @function */
export const real = defineOp('real', (x: TensorLike): Tensor => {
  const c = complexArg('real', x);
  return reshape(re(pairsOf(c)), c.shape);
});

/** The imaginary part of a complex64 tensor (float32, same shape). @function */
export const imag = defineOp('imag', (x: TensorLike): Tensor => {
  const c = complexArg('imag', x);
  return reshape(im(pairsOf(c)), c.shape);
});

/** @internal add, sub or mul with a complex64 operand (the other is converted), with broadcasting. */
export function complexBinary(op: 'add' | 'sub' | 'mul', a: TensorLike, b: TensorLike): Tensor {
  const like = isComplexArg(a) ? a : (b as Tensor);
  const p = pairsOf(toComplex(op, a, like)), q = pairsOf(toComplex(op, b, like));
  return fromPairs(op === 'add' ? add(p, q) : op === 'sub' ? sub(p, q) : mulPairs(p, q));
}

/** @internal -x of a complex64 tensor. */
export const complexNeg = (x: Tensor): Tensor => fromPairs(neg(pairsOf(x)));

/** @internal |x| of a complex64 tensor: sqrt(re^2 + im^2), float32. */
export const complexAbs = (x: Tensor): Tensor => sqrt(sum(square(pairsOf(x)), -1));

/** @internal transpose of a complex64 tensor (the pair axis stays last). */
export function complexTranspose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? perm.map((ax) => normAxis('transpose', ax, x.rank)) : [...Array(x.rank).keys()].reverse();
  if (p.length !== x.rank) throw new Error(`transpose: perm [${perm?.join(',')}] is not a permutation of the ${x.rank} axes of ${fmt(x.shape)}`);
  return fromPairs(transpose(pairsOf(x), [...p, x.rank]));
}

/** @internal slice of a complex64 tensor. */
export function complexSlice(x: Tensor, begin: readonly number[] | number, size?: readonly number[] | number): Tensor {
  const b = typeof begin === 'number' ? [begin] : begin.slice();
  const s = size === undefined ? [] : typeof size === 'number' ? [size] : size.slice();
  if (b.length > x.rank || s.length > x.rank) throw new Error(`slice: begin [${b}] / size [${s}] have more entries than ${fmt(x.shape)} has axes`);
  return fromPairs(slice(pairsOf(x), [...x.shape.map((_, i) => b[i] ?? 0), 0], [...x.shape.map((_, i) => s[i] ?? -1), 2]));
}

/** @internal concat of tensors of which at least one is complex64 (all must be). */
export function complexConcat(list: readonly TensorLike[], axis: number): Tensor {
  const ts = list.map((t) => {
    if (!isComplexArg(t)) throw new Error(`concat: cannot join ${t instanceof Tensor ? t.dtype : typeof t} to complex64 (cast it with wt.cast(x, 'complex64'))`);
    return t;
  });
  const ax = normAxis('concat', axis, ts[0]!.rank);
  return fromPairs(concat(ts.map(pairsOf), ax));
}

/** @internal clone of a complex64 tensor. */
export const complexClone = (x: Tensor): Tensor => fromPairs(clone(pairsOf(x)));

/**
 * @internal cast to or from complex64: a real tensor gets zero imaginary parts; a complex one
 * keeps its real part, but only when cast is the op the caller called: inside another op an
 * implicit cast would drop the imaginary parts silently, so that op refuses complex64 instead.
 */
export function complexCast(x: TensorLike, dtype: DataType): Tensor {
  if (dtype === 'complex64') return isComplexArg(x) ? fromPairs(pairsOf(x)) : toComplex('cast', x);
  const c = x as Tensor;
  if (engine.opName !== 'cast') throw complexRefused(engine.opName ?? 'cast');
  if (!isDType(dtype)) throw new Error(`cast: unknown dtype '${String(dtype)}' (expected float32, int32, bool or complex64)`);
  const r = reshape(re(pairsOf(c)), c.shape);
  return dtype === 'float32' ? r : cast(r, dtype);
}
