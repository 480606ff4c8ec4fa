/**
 * ONNX ops that pick elements by computed indices: GatherElements (one flat gather), Trilu and
 * EyeLike (host masks), and Resize, applied one axis at a time as a matmul with an interpolation
 * matrix built on the host, so nearest, linear and cubic share one path and all have gradients.
 */
import * as ops from '../../ops/index.js';
import { sizeOf, stridesOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { OpContext, type OpFn } from '../context.js';
import { host, toDevice } from '../host.js';

/** x's elements at `it` along `axis` (indices already in [0, n)), as one flat gather; shaped like `it`. */
export function takeAlong(x: Tensor, it: Tensor, ax: number): Tensor {
  const st = stridesOf(x.shape), ist = stridesOf(it.shape);
  // The flat offset of every index position from all axes but `axis`.
  const base = new Int32Array(it.size);
  for (let f = 0; f < it.size; f++) {
    let off = 0;
    for (let d = 0; d < it.rank; d++) if (d !== ax) off += Math.floor(f / ist[d]!) % it.shape[d]! * st[d]!;
    base[f] = off;
  }
  const flat = ops.add(ops.mul(it, st[ax]!), ops.tensor(base, it.shape, 'int32'));
  return ops.gather(ops.reshape(x, [x.size]), flat);
}

const gatherElements: OpFn = (c) => {
  const x = c.tensor(0);
  const ax = c.axis(c.int('axis', 0), x.rank);
  const it = ops.cast(c.tensor(1), 'int32');
  if (it.rank !== x.rank) return c.fail(`indices ${c.fmt(it.shape)} must have the rank of data ${c.fmt(x.shape)}`);
  const n = x.shape[ax]!;
  return [takeAlong(x, ops.where(ops.less(it, 0), ops.add(it, n), it), ax)];
};

/** Flat row numbers of the index tuples in the last axis of `idx` into the first k dims of `shape` (negatives wrap). */
function rowsOf(idx0: Tensor, shape: readonly number[]): Tensor {
  const k = idx0.shape[idx0.rank - 1]!;
  const dims = ops.tensor(Int32Array.from(shape.slice(0, k)), [k], 'int32');
  const idx = ops.cast(idx0, 'int32');
  const wrapped = ops.where(ops.less(idx, 0), ops.add(idx, dims), idx);
  const strides = stridesOf(shape.slice(0, k));
  // Exact in float32 while rows stay below 2^24.
  const flat = ops.matmul(ops.reshape(ops.cast(wrapped, 'float32'), [-1, k]), ops.tensor(Float32Array.from(strides), [k, 1]));
  return ops.cast(ops.reshape(flat, idx0.shape.slice(0, -1)), 'int32');
}

const gatherND: OpFn = (c) => {
  const x = c.tensor(0), idx = c.tensor(1);
  if (c.int('batch_dims', 0) !== 0) return c.fail('batch_dims other than 0 is not supported');
  const k = idx.shape[idx.rank - 1]!;
  const rows = ops.reshape(x, [sizeOf(x.shape.slice(0, k)), ...x.shape.slice(k)]);
  return [ops.gather(rows, rowsOf(idx, x.shape), 0)];
};

/** data [N, R] with rows `at` [M] set (or added) from updates [M, R]: a one-hot matmul, so it has a gradient. */
function scatterRows(c: OpContext, data: Tensor, at: Tensor, updates: Tensor): Tensor {
  const reduction = c.str('reduction', 'none');
  const hot = ops.oneHot(ops.reshape(at, [at.size]), data.shape[0]!);
  const placed = ops.matmul(hot, ops.cast(updates, 'float32'), { transposeA: true });
  let y: Tensor;
  if (reduction === 'add') y = ops.add(data, placed);
  else if (reduction === 'none') y = ops.where(ops.greater(ops.reshape(ops.sum(hot, 0), [-1, 1]), 0), placed, ops.cast(data, 'float32'));
  else return c.fail(`reduction '${reduction}' is not supported`);
  return data.dtype === 'int32' ? ops.cast(y, 'int32') : y;
}

const scatterND: OpFn = (c) => {
  const x = c.tensor(0), idx = c.tensor(1), upd = c.tensor(2);
  const k = idx.shape[idx.rank - 1]!;
  const r = sizeOf(x.shape.slice(k));
  const y = scatterRows(c, ops.reshape(x, [sizeOf(x.shape.slice(0, k)), r]), rowsOf(idx, x.shape), ops.reshape(upd, [-1, r]));
  return [ops.reshape(y, x.shape)];
};

const scatterElements: OpFn = (c) => {
  const x = c.tensor(0), it = ops.cast(c.tensor(1), 'int32'), upd = c.tensor(2);
  const ax = c.axis(c.int('axis', 0), x.rank);
  const n = x.shape[ax]!;
  const st = stridesOf(x.shape), ist = stridesOf(it.shape);
  const base = new Int32Array(it.size);
  for (let f = 0; f < it.size; f++) {
    let off = 0;
    for (let d = 0; d < it.rank; d++) if (d !== ax) off += Math.floor(f / ist[d]!) % it.shape[d]! * st[d]!;
    base[f] = off;
  }
  const idx = ops.where(ops.less(it, 0), ops.add(it, n), it);
  const flat = ops.add(ops.mul(idx, st[ax]!), ops.tensor(base, it.shape, 'int32'));
  return [ops.reshape(scatterRows(c, ops.reshape(x, [x.size, 1]), flat, ops.reshape(upd, [-1, 1])), x.shape)];
};

const trilu: OpFn = (c) => {
  const x = c.tensor(0);
  if (x.rank < 2) return c.fail(`expected rank >= 2, got ${c.fmt(x.shape)}`);
  const k = c.scalar(1, 'k', 0);
  const upper = c.int('upper', 1) === 1;
  const [h, w] = x.shape.slice(-2) as [number, number];
  const mask = new Float32Array(h * w);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) mask[i * w + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
  return [ops.where(ops.tensor(mask, [h, w]), x, 0)];
};

const eyeLike: OpFn = (c) => {
  const s = c.shape(0);
  if (s.length !== 2) return c.fail(`expected a 2-D input, got ${c.fmt(s)}`);
  const k = c.int('k', 0);
  const dt = c.int('dtype');
  const float = dt === undefined ? (c.host(0)?.dtype ?? (c.inputs[0] as Tensor).dtype) === 'float32' : dt === 1 || dt === 10 || dt === 11;
  const data = float ? new Float32Array(s[0]! * s[1]!) : new Int32Array(s[0]! * s[1]!);
  for (let i = 0; i < s[0]!; i++) if (i + k >= 0 && i + k < s[1]!) data[i * s[1]! + i + k] = 1;
  return [host(float ? 'float32' : 'int32', s, data)];
};

/** The [out, in] interpolation matrix of one axis. */
function resizeMatrix(c: OpContext, inSize: number, outSize: number, scale: number, resized: number): Float32Array | null {
  const mode = c.str('mode', 'nearest');
  const ctm = c.str('coordinate_transformation_mode', c.opset < 11 ? 'asymmetric' : 'half_pixel');
  const nearest = c.str('nearest_mode', 'round_prefer_floor');
  const A = c.float('cubic_coeff_a', -0.75), exclude = c.int('exclude_outside', 0) === 1;
  const m = new Float32Array(outSize * inSize);
  const clampI = (i: number): number => Math.min(Math.max(i, 0), inSize - 1);
  for (let o = 0; o < outSize; o++) {
    let x: number;
    switch (ctm) {
      case 'half_pixel': x = (o + 0.5) / scale - 0.5; break;
      case 'pytorch_half_pixel': x = outSize > 1 ? (o + 0.5) / scale - 0.5 : 0; break;
      case 'align_corners': x = resized === 1 ? 0 : (o * (inSize - 1)) / (resized - 1); break;
      case 'asymmetric': x = o / scale; break;
      case 'tf_half_pixel_for_nn': x = (o + 0.5) / scale; break;
      default: return c.fail(`coordinate_transformation_mode '${ctm}' is not supported`);
    }
    if (mode === 'nearest') {
      const r = nearest === 'round_prefer_ceil' ? Math.floor(x + 0.5) : nearest === 'floor' ? Math.floor(x) : nearest === 'ceil' ? Math.ceil(x) : Math.ceil(x - 0.5);
      m[o * inSize + clampI(r)] = 1;
    } else if (mode === 'linear') {
      const xc = Math.min(Math.max(x, 0), inSize - 1);
      const f = Math.floor(xc), t = xc - f;
      m[o * inSize + clampI(f)] = m[o * inSize + clampI(f)]! + 1 - t;
      m[o * inSize + clampI(f + 1)] = m[o * inSize + clampI(f + 1)]! + t;
    } else if (mode === 'cubic') {
      const f = Math.floor(x), t = x - f;
      const taps = [-1, 0, 1, 2].map((d) => {
        const s = Math.abs(t - d);
        const w = s <= 1 ? (A + 2) * s ** 3 - (A + 3) * s ** 2 + 1 : s < 2 ? A * s ** 3 - 5 * A * s ** 2 + 8 * A * s - 4 * A : 0;
        return [f + d, w] as const;
      });
      const inside = taps.filter(([i]) => !exclude || (i >= 0 && i < inSize));
      const total = exclude ? inside.reduce((a, [, w]) => a + w, 0) : 1;
      for (const [i, w] of inside) m[o * inSize + clampI(i)] = m[o * inSize + clampI(i)]! + w / total;
    } else return c.fail(`mode '${mode}' is not supported`);
  }
  if (outSize === inSize && m.every((v, i) => v === (Math.floor(i / inSize) === i % inSize ? 1 : 0))) return null;
  return m;
}

/** x with axis `a` mapped through the [outSize, in] matrix m: one matmul, so it has a gradient. */
export function mapAxis(x: Tensor, a: number, m: Float32Array, outSize: number): Tensor {
  const inSize = x.shape[a]!;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== a).concat(a);
  const xt = ops.transpose(x, perm);
  const y = ops.matmul(ops.reshape(ops.cast(xt, 'float32'), [sizeOf(xt.shape.slice(0, -1)), inSize]), ops.tensor(m, [outSize, inSize]), { transposeB: true });
  const inv = new Array<number>(x.rank);
  perm.forEach((p, i) => (inv[p] = i));
  return ops.transpose(ops.reshape(y, [...xt.shape.slice(0, -1), outSize]), inv);
}

const resize: OpFn = (c) => {
  let x = c.tensor(0);
  const rank = x.rank;
  const scalesIn = c.opset < 11 ? c.ints(1, 'scales') : c.has(2) && c.shape(2).some((d) => d > 0) ? c.ints(2, 'scales') : undefined;
  const sizesIn = c.opset < 11 ? undefined : c.ints(3, 'sizes');
  if (c.str('coordinate_transformation_mode', '') === 'tf_crop_and_resize') return c.fail("coordinate_transformation_mode 'tf_crop_and_resize' is not supported");
  if (c.str('keep_aspect_ratio_policy', 'stretch') !== 'stretch') return c.fail('keep_aspect_ratio_policy other than stretch is not supported');
  const axes = c.intList('axes')?.map((a) => c.axis(a, rank)) ?? x.shape.map((_, i) => i);
  const x0 = x;
  axes.forEach((a, k) => {
    const inSize = x.shape[a]!;
    const outSize = sizesIn ? sizesIn[k]! : Math.floor(inSize * scalesIn![k]!);
    const scale = sizesIn ? outSize / inSize : scalesIn![k]!;
    if (!Number.isInteger(outSize) || outSize < 0) return c.fail(`output size ${outSize} on axis ${a} is not a non-negative integer`);
    // With scales, align_corners spans the unrounded length in * scale (as ONNX's reference does).
    const m = resizeMatrix(c, inSize, outSize, scale, sizesIn ? outSize : inSize * scale);
    if (!m) return;
    x = mapAxis(x, a, m, outSize);
  });
  return [x === x0 ? ops.reshape(x, x.shape) : x0.dtype === 'int32' ? ops.cast(x, 'int32') : x];
};

export const INDEX_OPS: Record<string, OpFn> = {
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterND: scatterND,
  ScatterElements: scatterElements,
  Scatter: scatterElements,
  Trilu: trilu,
  EyeLike: eyeLike,
  Resize: resize,
  Upsample: (c) => {
    const scales = c.opset < 9 ? c.floatList('scales') : c.ints(1, 'scales');
    if (!scales) return c.fail('scales are required');
    // Upsample rounds nearest coordinates down.
    const node = { ...c.node, attrs: new Map(c.node.attrs).set('nearest_mode', { type: 'string', value: 'floor' }) };
    return resize(new OpContext(node, 10, [c.inputs[0], host('float32', [scales.length], Float32Array.from(scales))], (i, h) => (i === 0 ? c.tensor(0) : toDevice(h, 'scales'))));
  },
};
