/**
 * More of the TensorFlow op table: the detector post-processing ops (TopKV2, GatherNd,
 * CropAndResize, Prod, and the data-dependent NonMaxSuppression* and Where, which read back and so
 * run only under executeAsync), the TensorList / TensorArray ops, and smaller ones converted models
 * use. Where the ONNX table already has the op (TopK, GatherND, CumSum, ...), the TensorFlow node is
 * run through that entry, so both formats share one implementation.
 */
import * as ops from '../../ops/index.js';
import { nmsHost } from '../../ops/nms.js';
import type { Tensor } from '../../tensor.js';
import { OpContext, type OpFn } from '../context.js';
import { host, toDevice } from '../host.js';
import { ONNX_OPS } from '../onnx/ops.js';
import { prod } from '../onnx/ops-reduce.js';
import type { AttrValue, Value } from '../types.js';
import { isHost } from '../types.js';
import type { AsyncOpFn } from './dataflow.js';
import { LIST_OPS } from './lists.js';

const one = (f: (ctx: OpContext) => Value): OpFn => (ctx) => [f(ctx)];

/** Run the ONNX table's `op` on this node's inputs (or `inputs`), with ONNX attributes. */
function viaOnnx(ctx: OpContext, op: string, attrs: Record<string, AttrValue>, inputs: readonly (Value | undefined)[] = ctx.inputs, opset = 13): (Value | undefined)[] {
  const node = { ...ctx.node, op, attrs: new Map(Object.entries(attrs)) };
  return ONNX_OPS[op]!(new OpContext(node, opset, inputs, (i, h) => (ctx.inputs[i] === h ? ctx.tensor(i) : toDevice(h, `input ${i} of ${ctx.where}`))));
}

/** A tensor's values on the host (a read-back for device tensors). */
async function values(ctx: OpContext, i: number): Promise<ArrayLike<number>> {
  const v = ctx.inputs[i];
  if (v === undefined) return ctx.fail(`input ${i} is required`);
  return isHost(v) ? (v.data as ArrayLike<number>) : await v.data();
}

async function scalarOf(ctx: OpContext, i: number, what: string, def: number): Promise<number> {
  if (!ctx.has(i)) return def;
  const v = await values(ctx, i);
  if (v.length !== 1) ctx.fail(`${what} must hold one value, got ${v.length}`);
  return v[0]!;
}

/** NonMaxSuppressionV2..V5: boxes [n, 4], scores [n], max_output_size, iou_threshold, then (V3+) score_threshold and (V5) soft_nms_sigma. */
function nms(version: 2 | 3 | 4 | 5): AsyncOpFn {
  return async (ctx) => {
    const bs = ctx.shape(0), ss = ctx.shape(1);
    if (bs.length !== 2 || bs[1] !== 4) ctx.fail(`boxes must have shape [numBoxes, 4], got ${ctx.fmt(bs)}`);
    if (ss.length !== 1 || ss[0] !== bs[0]) ctx.fail(`scores must have shape [${bs[0]}], got ${ctx.fmt(ss)}`);
    const maxOut = await scalarOf(ctx, 2, 'max_output_size', NaN);
    if (!Number.isInteger(maxOut) || maxOut < 0) ctx.fail(`max_output_size must be a non-negative integer, got ${maxOut}`);
    const iou = await scalarOf(ctx, 3, 'iou_threshold', 0.5);
    if (!(iou >= 0 && iou <= 1)) ctx.fail(`iou_threshold must be in [0, 1], got ${iou}`);
    const scoreThreshold = version >= 3 ? await scalarOf(ctx, 4, 'score_threshold', -Infinity) : -Infinity;
    const sigma = version === 5 ? await scalarOf(ctx, 5, 'soft_nms_sigma', 0) : 0;
    const cap = Math.min(maxOut, bs[0]!);
    const r = nmsHost(await values(ctx, 0), await values(ctx, 1), cap, iou, scoreThreshold, sigma);
    const valid = host('int32', [], Int32Array.of(r.indices.length));
    const pad = (version === 4 || version === 5) && ctx.int('pad_to_max_output_size', 0) === 1;
    const idx = pad ? Int32Array.from({ length: cap }, (_, k) => r.indices[k] ?? 0) : r.indices;
    const sel = host('int32', [idx.length], idx);
    if (version === 5) {
      const sc = pad ? Float32Array.from({ length: cap }, (_, k) => r.scores[k] ?? 0) : r.scores;
      return [sel, host('float32', [sc.length], sc), valid];
    }
    return version === 4 ? [sel, valid] : [sel];
  };
}

/** The ops that read values back: run only by executeAsync. */
export const TF_ASYNC_OPS: Record<string, AsyncOpFn> = {
  NonMaxSuppressionV2: nms(2),
  NonMaxSuppressionV3: nms(3),
  NonMaxSuppressionV4: nms(4),
  NonMaxSuppressionV5: nms(5),
  /** The coordinates of the true (non-zero) elements, [count, rank], in row-major order. */
  Where: async (ctx) => {
    const shape = ctx.shape(0);
    const v = await values(ctx, 0);
    const rank = shape.length;
    const out: number[] = [];
    for (let f = 0; f < v.length; f++) {
      if (!v[f]) continue;
      let r = f;
      const coord = new Array<number>(rank);
      for (let d = rank - 1; d >= 0; d--) { coord[d] = r % shape[d]!; r = Math.floor(r / shape[d]!); }
      out.push(...coord);
    }
    return [host('int32', [out.length / Math.max(rank, 1), rank], Int32Array.from(out))];
  },
};

function reduceAxes(ctx: OpContext, rank: number): number[] {
  return (ctx.ints(1, 'reduction axes') ?? []).map((a) => ctx.axis(a, rank));
}

/** The sync ops added to the table. */
export const TF_MORE_OPS: Record<string, OpFn> = {
  ...LIST_OPS,
  TopKV2: (ctx) => {
    const k = ctx.scalar(1, 'k', NaN);
    return viaOnnx(ctx, 'TopK', { axis: { type: 'int', value: -1 }, largest: { type: 'int', value: 1 }, sorted: { type: 'int', value: 1 } }, [ctx.inputs[0], host('int32', [1], Int32Array.of(k))], 11);
  },
  GatherNd: (ctx) => viaOnnx(ctx, 'GatherND', {}),
  Prod: one((ctx) => { const x = ctx.tensor(0); return prod(x, reduceAxes(ctx, x.rank), ctx.int('keep_dims', 0) === 1); }),
  CropAndResize: one((ctx) => {
    const size = ctx.ints(3, 'crop_size') ?? [];
    if (size.length !== 2) ctx.fail(`crop_size must hold 2 values, got [${size}]`);
    const method = ctx.str('method', 'bilinear');
    if (method !== 'bilinear' && method !== 'nearest') ctx.fail(`method '${method}' is not bilinear or nearest`);
    return ops.image.cropAndResize(ctx.tensor(0), ctx.tensor(1), ctx.tensor(2), [size[0]!, size[1]!], method as 'bilinear' | 'nearest', ctx.float('extrapolation_value', 0));
  }),
  ZerosLike: one((ctx) => ops.zerosLike(ctx.tensor(0))),
  OnesLike: one((ctx) => ops.onesLike(ctx.tensor(0))),
  Rank: one((ctx) => host('int32', [], Int32Array.of(ctx.shape(0).length))),
  Size: one((ctx) => host('int32', [], Int32Array.of(ctx.shape(0).reduce((a, b) => a * b, 1)))),
  BroadcastTo: one((ctx) => ops.broadcastTo(ctx.tensor(0), ctx.ints(1, 'shape') ?? [])),
  ClipByValue: one((ctx) => ops.minimum(ops.maximum(ctx.tensor(0), ctx.tensor(1)), ctx.tensor(2))),
  Softsign: one((ctx) => { const x = ctx.tensor(0); return ops.div(x, ops.add(ops.abs(x), 1)); }),
  DivNoNan: one((ctx) => { const a = ctx.tensor(0), b = ctx.tensor(1); const zero = ops.equal(b, 0); return ops.where(zero, 0, ops.div(a, ops.where(zero, 1, b))); }),
  Mod: one((ctx) => ops.mod(ctx.tensor(0), ctx.tensor(1))),
  ReverseV2: one((ctx) => { const x = ctx.tensor(0); return ops.reverse(x, (ctx.ints(1, 'axis') ?? []).map((a) => ctx.axis(a, x.rank))); }),
  OneHot: one((ctx) => {
    const depth = ctx.scalar(1, 'depth', NaN);
    if (!Number.isInteger(depth) || depth < 0) ctx.fail(`depth must be a non-negative integer, got ${depth}`);
    if (ctx.int('axis', -1) !== -1) ctx.fail('axis other than -1 is not supported');
    const on = ctx.scalar(2, 'on_value', 1), off = ctx.scalar(3, 'off_value', 0);
    const hot = ops.oneHot(ops.cast(ctx.tensor(0), 'int32'), depth);
    return ops.add(ops.mul(hot, on - off), off);
  }),
  Cumsum: (ctx) => viaOnnx(ctx, 'CumSum', { exclusive: { type: 'int', value: ctx.int('exclusive', 0) }, reverse: { type: 'int', value: ctx.int('reverse', 0) } }),
  Einsum: (ctx) => viaOnnx(ctx, 'Einsum', { equation: { type: 'string', value: ctx.str('equation', '') } }),
  ScatterNd: (ctx) => {
    const shape = ctx.ints(2, 'shape') ?? [];
    const zeros = ops.zeros(shape, ctx.tensor(1).dtype === 'int32' ? 'int32' : 'float32');
    return viaOnnx(ctx, 'ScatterND', { reduction: { type: 'string', value: 'add' } }, [zeros, ctx.inputs[0], ctx.inputs[1]]);
  },
  TensorScatterUpdate: (ctx) => viaOnnx(ctx, 'ScatterND', {}),
  DepthToSpace: (ctx) => {
    if (ctx.str('data_format', 'NHWC') !== 'NHWC') ctx.fail('data_format other than NHWC is not supported');
    const b = ctx.int('block_size', 0);
    const x = ctx.tensor(0);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    if (!(b >= 2) || c % (b * b) !== 0) ctx.fail(`block_size ${b} does not divide the ${c} channels into blocks`);
    const y = ops.transpose(ops.reshape(x, [n, h, w, b, b, c / (b * b)]), [0, 1, 3, 2, 4, 5]);
    return [ops.reshape(y, [n, h * b, w * b, c / (b * b)])];
  },
  SpaceToDepth: (ctx) => {
    if (ctx.str('data_format', 'NHWC') !== 'NHWC') ctx.fail('data_format other than NHWC is not supported');
    const b = ctx.int('block_size', 0);
    const x = ctx.tensor(0);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    if (!(b >= 2) || h % b !== 0 || w % b !== 0) ctx.fail(`block_size ${b} does not divide ${ctx.fmt(x.shape)}`);
    const y = ops.transpose(ops.reshape(x, [n, h / b, b, w / b, b, c]), [0, 1, 3, 2, 4, 5]);
    return [ops.reshape(y, [n, h / b, w / b, b * b * c])];
  },
  Conv2DBackpropInput: (ctx) => {
    // input_sizes, filter [kh, kw, out, in], out_backprop: a transposed convolution, as ONNX ConvTranspose in NCHW.
    if (ctx.str('data_format', 'NHWC') !== 'NHWC') ctx.fail('data_format other than NHWC is not supported');
    const sizes = ctx.ints(0, 'input_sizes') ?? [];
    const p = ctx.str('padding', 'VALID');
    if (p !== 'SAME' && p !== 'VALID') ctx.fail(`padding '${p}' is not supported`);
    const st = ctx.intList('strides') ?? [1, 1, 1, 1], dl = ctx.intList('dilations') ?? [1, 1, 1, 1];
    if (dl[1] !== 1 || dl[2] !== 1) ctx.fail('dilations other than 1 are not supported');
    const w = ctx.tensor(1), dy = ctx.tensor(2);
    const [kh, kw] = w.shape as [number, number];
    const [, oh, ow] = sizes as [number, number, number];
    const [, ih, iw] = dy.shape as [number, number, number];
    // Total padding so the output is exactly input_sizes.
    const padH = Math.max((ih - 1) * st[1]! + kh - oh, 0), padW = Math.max((iw - 1) * st[2]! + kw - ow, 0);
    const pads = p === 'VALID' ? [0, 0, (ih - 1) * st[1]! + kh - oh, (iw - 1) * st[2]! + kw - ow] : [Math.floor(padH / 2), Math.floor(padW / 2), padH - Math.floor(padH / 2), padW - Math.floor(padW / 2)];
    const x = ops.transpose(dy, [0, 3, 1, 2]);
    const filt = ops.transpose(w, [3, 2, 0, 1]);
    const attrs: Record<string, AttrValue> = { strides: { type: 'ints', value: [st[1]!, st[2]!] }, pads: { type: 'ints', value: [pads[0]!, pads[1]!, Math.max(pads[2]!, 0), Math.max(pads[3]!, 0)] } };
    const [y] = viaOnnx(ctx, 'ConvTranspose', attrs, [x, filt]);
    let out = ops.transpose(y as Tensor, [0, 2, 3, 1]);
    if (out.shape[1] !== oh || out.shape[2] !== ow) out = ops.slice(out, [0, 0, 0, 0], [out.shape[0]!, oh, ow, out.shape[3]!]);
    return [out];
  },
};

