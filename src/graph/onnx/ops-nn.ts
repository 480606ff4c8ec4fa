/**
 * ONNX neural-network ops: MatMul (numpy batching), Gemm and the fused matmul the planner makes
 * (bias and activation in our matmul epilogue), Conv (NCHW around our NHWC fused conv2d, NCDHW around conv3d, groups as
 * channel slices, 1-D as 2-D of width 1), the pools, and the normalisations.
 */
import type { Activation } from '../../backend/backend.js';
import * as ops from '../../ops/index.js';
import type { PadMode } from '../../ops/conv.js';
import { broadcastShapes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { OpContext, OpFn } from '../context.js';
import { mapAxis } from './ops-index.js';

function epilogue(c: OpContext): { activation: Activation; alpha: number } {
  return { activation: c.str('_activation', 'linear') as Activation, alpha: c.float('_alpha', 0.2) };
}

/** numpy matmul: 1-D operands gain (and lose) an axis, batch dims broadcast. */
export function matmulND(a: Tensor, b: Tensor): Tensor {
  const a2 = a.rank === 1 ? ops.reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.rank === 1 ? ops.reshape(b, [b.shape[0]!, 1]) : b;
  let y: Tensor;
  if (a2.rank === 2 && b2.rank === 2) y = ops.matmul(a2, b2);
  else if (b2.rank === 2) {
    const [m, k] = a2.shape.slice(-2) as [number, number];
    y = ops.reshape(ops.matmul(ops.reshape(a2, [-1, k]), b2), [...a2.shape.slice(0, -2), m, b2.shape[1]!]);
  } else {
    const batch = broadcastShapes('MatMul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const nb = sizeOf(batch);
    const ea = ops.reshape(ops.broadcastTo(a2, [...batch, ...a2.shape.slice(-2)]), [nb, ...a2.shape.slice(-2)]);
    const eb = ops.reshape(ops.broadcastTo(b2, [...batch, ...b2.shape.slice(-2)]), [nb, ...b2.shape.slice(-2)]);
    y = ops.reshape(ops.matmul(ea, eb), [...batch, a2.shape[a2.rank - 2]!, b2.shape[b2.rank - 1]!]);
  }
  if (a.rank === 1 || b.rank === 1) {
    const s = y.shape.slice();
    if (b.rank === 1) s.splice(s.length - 1, 1);
    if (a.rank === 1) s.splice(s.length - (b.rank === 1 ? 1 : 2), 1);
    y = ops.reshape(y, s);
  }
  return y;
}

const gemm: OpFn = (c) => {
  const a = c.tensor(0), b = c.tensor(1);
  const alpha = c.float('alpha', 1), beta = c.float('beta', 1);
  const transposeA = c.int('transA', 0) === 1, transposeB = c.int('transB', 0) === 1;
  const n = transposeB ? b.shape[0]! : b.shape[1]!;
  const { activation, alpha: slope } = epilogue(c);
  const cIn = c.has(2) ? c.tensor(2) : undefined;
  if (alpha === 1 && (!cIn || (beta === 1 && cIn.size === n && (cIn.rank === 1 || (cIn.rank === 2 && cIn.shape[0] === 1))))) {
    return [ops.fusedMatmul(a, b, { transposeA, transposeB, bias: cIn && cIn.rank === 2 ? ops.reshape(cIn, [n]) : cIn, activation, alpha: slope })];
  }
  let y = ops.matmul(a, b, { transposeA, transposeB });
  if (alpha !== 1) y = ops.mul(y, alpha);
  if (cIn) y = ops.add(y, beta === 1 ? cIn : ops.mul(cIn, beta));
  return [applyActivation(y, activation, slope)];
};

function applyActivation(y: Tensor, act: Activation, alpha: number): Tensor {
  switch (act) {
    case 'relu': return ops.relu(y);
    case 'sigmoid': return ops.sigmoid(y);
    case 'tanh': return ops.tanh(y);
    case 'leakyRelu': return ops.leakyRelu(y, alpha);
    default: return y;
  }
}

/** The planner's MatMul + bias (+ activation): A of any rank >= 2 against a 2-D B. */
const fusedMatMul: OpFn = (c) => {
  const a = c.tensor(0), b = c.tensor(1), bias = c.tensor(2);
  const k = a.shape[a.rank - 1]!, n = b.shape[1]!;
  const y = ops.fusedMatmul(ops.reshape(a, [-1, k]), b, { bias: ops.reshape(bias, [n]), ...epilogue(c) });
  return [ops.reshape(y, [...a.shape.slice(0, -1), n])];
};

interface Window { kernel: number[]; strides: number[]; pads: number[]; dilations: number[] }

/** Kernel, strides, dilations and explicit [begin..., end...] pads of an N-d window op, auto_pad resolved. */
function windowOf(c: OpContext, spatial: readonly number[], kernel: number[]): Window {
  const r = spatial.length;
  const strides = c.intList('strides') ?? spatial.map(() => 1);
  const dilations = c.intList('dilations') ?? spatial.map(() => 1);
  let pads = c.intList('pads') ?? spatial.flatMap(() => [0, 0]);
  const auto = c.str('auto_pad', 'NOTSET');
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    pads = new Array<number>(2 * r).fill(0);
    for (let i = 0; i < r; i++) {
      const out = Math.ceil(spatial[i]! / strides[i]!);
      const total = Math.max((out - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - spatial[i]!, 0);
      const small = Math.floor(total / 2);
      pads[i] = auto === 'SAME_UPPER' ? small : total - small;
      pads[i + r] = total - pads[i]!;
    }
  } else if (auto === 'VALID') pads = new Array<number>(2 * r).fill(0);
  if (strides.length !== r || dilations.length !== r || pads.length !== 2 * r) return c.fail(`strides, dilations and pads must match the ${r} spatial dims`);
  return { kernel, strides, dilations, pads };
}

/** NC... with 1 or 2 spatial dims, as a 4-D NCHW tensor (1-D gains a width of 1), and back. */
function as2d(c: OpContext, x: Tensor): [Tensor, (y: Tensor) => Tensor] {
  if (x.rank === 4) return [x, (y) => y];
  if (x.rank === 3) return [ops.reshape(x, [...x.shape, 1]), (y) => ops.reshape(y, y.shape.slice(0, 3))];
  return c.fail(`inputs with ${x.rank - 2} spatial dims are not supported (1 or 2 are), got ${c.fmt(x.shape)}`);
}

const pair2 = (v: number[], one = 1): [number, number] => [v[0]!, v[1] ?? one];

/** A 3-D Conv (NCDHW): explicit pads, then our NDHWC conv3d ('valid') per group, bias and activation. */
function conv3dOf(c: OpContext): Tensor[] {
  const x = c.tensor(0), w = c.tensor(1);
  const group = c.int('group', 1);
  const inC = x.shape[1]!, outC = w.shape[0]!;
  if (w.rank !== 5) return c.fail(`W must be [M, C/group, kd, kh, kw] for a 3-D image, got ${c.fmt(w.shape)}`);
  if (group < 1 || inC % group !== 0 || outC % group !== 0 || w.shape[1]! * group !== inC) return c.fail(`x ${c.fmt(x.shape)} and W ${c.fmt(w.shape)} do not match group ${group}`);
  const win = windowOf(c, x.shape.slice(2), c.intList('kernel_shape') ?? w.shape.slice(2));
  const padded = win.pads.some((p) => p !== 0)
    ? ops.pad(x, [[0, 0], [0, 0], ...[0, 1, 2].map((i) => [win.pads[i]!, win.pads[i + 3]!] as [number, number])])
    : x;
  const xd = ops.transpose(padded, [0, 2, 3, 4, 1]);
  const filter = ops.transpose(w, [2, 3, 4, 1, 0]); // [M, C/g, kd, kh, kw] -> [kd, kh, kw, C/g, M]
  const triple = (v: number[]): [number, number, number] => [v[0]!, v[1]!, v[2]!];
  const one = (xs: Tensor, fs: Tensor): Tensor => ops.conv3d(xs, fs, triple(win.strides), 'valid', 'NDHWC', triple(win.dilations));
  let y: Tensor;
  if (group === 1) y = one(xd, filter);
  else {
    const ci = inC / group, co = outC / group;
    const parts: Tensor[] = [];
    for (let g = 0; g < group; g++) {
      parts.push(one(ops.slice(xd, [0, 0, 0, 0, g * ci], [-1, -1, -1, -1, ci]), ops.slice(filter, [0, 0, 0, 0, g * co], [-1, -1, -1, -1, co])));
    }
    y = ops.concat(parts, 4);
  }
  if (c.has(2)) y = ops.add(y, c.tensor(2));
  const { activation, alpha } = epilogue(c);
  return [ops.transpose(applyActivation(y, activation, alpha), [0, 4, 1, 2, 3])];
}

export const conv: OpFn = (c) => {
  if (c.tensor(0).rank === 5) return conv3dOf(c);
  const [x, back] = as2d(c, c.tensor(0));
  let w = c.tensor(1);
  if (w.rank === 3) w = ops.reshape(w, [...w.shape, 1]);

  const kernel = c.intList('kernel_shape') ?? w.shape.slice(2);
  const win = windowOf(c, c.tensor(0).shape.slice(2), kernel);
  const r = c.tensor(0).rank - 2;
  const [t, l] = pair2(win.pads.slice(0, r), 0), [bt, br] = pair2(win.pads.slice(r), 0);
  const pad: PadMode = [[0, 0], [t, bt], [l, br], [0, 0]];
  const group = c.int('group', 1);
  const inC = x.shape[1]!, outC = w.shape[0]!;
  if (inC % group !== 0 || outC % group !== 0 || w.shape[1]! * group !== inC) return c.fail(`x ${c.fmt(x.shape)} and W ${c.fmt(w.shape)} do not match group ${group}`);

  const { activation, alpha } = epilogue(c);
  const bias = c.has(2) ? c.tensor(2) : undefined;
  const strides = pair2(win.strides), dilations = pair2(win.dilations);
  const xh = ops.transpose(x, [0, 2, 3, 1]);
  const filter = ops.transpose(w, [2, 3, 1, 0]); // [M, C/g, kh, kw] -> [kh, kw, C/g, M]
  let y: Tensor;
  if (group === 1) {
    y = ops.fusedConv2d({ x: xh, filter, strides, pad, dilations, bias, activation, leakyreluAlpha: alpha });
  } else if (group === inC) {
    // Depthwise (one input channel per group): [kh, kw, 1, M] is TensorFlow's [kh, kw, C, M / C].
    const filterDw = ops.reshape(filter, [filter.shape[0]!, filter.shape[1]!, inC, outC / inC]);
    y = ops.fusedDepthwiseConv2d({ x: xh, filter: filterDw, strides, pad, dilations, bias, activation, leakyreluAlpha: alpha });
  } else {
    const ci = inC / group, co = outC / group;
    const parts: Tensor[] = [];
    for (let g = 0; g < group; g++) {
      const xs = ops.slice(xh, [0, 0, 0, g * ci], [-1, -1, -1, ci]);
      const fs = ops.slice(filter, [0, 0, 0, g * co], [-1, -1, -1, co]);
      const bs = bias ? ops.slice(bias, [g * co], [co]) : undefined;
      parts.push(ops.fusedConv2d({ x: xs, filter: fs, strides, pad, dilations, bias: bs, activation, leakyreluAlpha: alpha }));
    }
    y = ops.concat(parts, 3);
  }
  return [back(ops.transpose(y, [0, 3, 1, 2]))];
};

/**
 * ConvTranspose as a convolution: the input spread out by the strides (zeros between pixels),
 * padded by the kernel's reach less the pads, against the spatially flipped kernel.
 */
const convTranspose: OpFn = (c) => {
  const [x, back] = as2d(c, c.tensor(0));
  let w = c.tensor(1);
  if (w.rank === 3) w = ops.reshape(w, [...w.shape, 1]);
  const r = c.tensor(0).rank - 2;
  const group = c.int('group', 1);
  const [, inC, h, wd] = x.shape as [number, number, number, number];
  const [kh, kw] = [w.shape[2]!, w.shape[3]!];
  const outC = w.shape[1]! * group;
  if (w.shape[0] !== inC || inC % group !== 0) return c.fail(`x ${c.fmt(x.shape)} and W ${c.fmt(w.shape)} do not match group ${group}`);
  const [sh, sw] = pair2(c.intList('strides') ?? [1, 1]);
  const [dh, dw] = pair2(c.intList('dilations') ?? [1, 1]);
  const outPad: number[] = pair2(c.intList('output_padding') ?? [0, 0], 0);
  const eff = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
  const ins = [h, wd], st = [sh, sw];
  let pads = c.intList('pads') ?? [0, 0, 0, 0];
  if (r === 1) pads = [pads[0]!, 0, pads[1]!, 0];
  const outShape = c.intList('output_shape');
  const auto = c.str('auto_pad', 'NOTSET');
  if (outShape || auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const target = outShape ? pair2(outShape) : [h * sh, wd * sw];
    pads = [0, 0, 0, 0];
    for (let i = 0; i < 2; i++) {
      const need = st[i]! * (ins[i]! - 1) + outPad[i]! + eff[i]! - target[i]!;
      // An output larger than the natural one grows at the end, as output_padding would.
      if (need < 0) outPad[i] = outPad[i]! - need;
      const total = Math.max(need, 0);
      const lower = auto === 'SAME_LOWER';
      pads[i] = lower ? total - Math.floor(total / 2) : Math.floor(total / 2);
      pads[i + 2] = total - pads[i]!;
    }
  }
  let xh = ops.transpose(x, [0, 2, 3, 1]);
  // Spread each spatial axis by its stride: a 0/1 matrix per axis.
  [sh, sw].forEach((s, i) => {
    if (s === 1) return;
    const len = ins[i]!, out = (len - 1) * s + 1;
    const m = new Float32Array(out * len);
    for (let j = 0; j < len; j++) m[j * s * len + j] = 1;
    xh = mapAxis(xh, i + 1, m, out);
  });
  // Reach of the kernel less the pads on each side; a negative amount crops instead.
  const before = [eff[0]! - 1 - pads[0]!, eff[1]! - 1 - pads[1]!];
  const after = [eff[0]! - 1 - pads[2]! + outPad[0]!, eff[1]! - 1 - pads[3]! + outPad[1]!];
  if ([...before, ...after].some((p) => p < 0)) {
    const b = before.map((p) => Math.max(-p, 0)), a = after.map((p) => Math.max(-p, 0));
    xh = ops.slice(xh, [0, b[0]!, b[1]!, 0], [-1, xh.shape[1]! - b[0]! - a[0]!, xh.shape[2]! - b[1]! - a[1]!, inC]);
  }
  const pad: PadMode = [[0, 0], [Math.max(before[0]!, 0), Math.max(after[0]!, 0)], [Math.max(before[1]!, 0), Math.max(after[1]!, 0)], [0, 0]];
  const rev = (k: number): Tensor => ops.tensor(Int32Array.from({ length: k }, (_, i) => k - 1 - i), [k], 'int32');
  // [C, M/g, kh, kw] -> flipped [kh, kw, C, M/g]
  const filter = ops.gather(ops.gather(ops.transpose(w, [2, 3, 0, 1]), rev(kh), 0), rev(kw), 1);
  const bias = c.has(2) ? c.tensor(2) : undefined;
  const ci = inC / group, co = outC / group;
  const parts: Tensor[] = [];
  for (let g = 0; g < group; g++) {
    const xs = group === 1 ? xh : ops.slice(xh, [0, 0, 0, g * ci], [-1, -1, -1, ci]);
    const fs = group === 1 ? filter : ops.slice(filter, [0, 0, g * ci, 0], [-1, -1, ci, -1]);
    const bs = bias && group > 1 ? ops.slice(bias, [g * co], [co]) : bias;
    parts.push(ops.fusedConv2d({ x: xs, filter: fs, strides: 1, pad, dilations: [dh, dw], bias: bs }));
  }
  const y = parts.length === 1 ? parts[0]! : ops.concat(parts, 3);
  return [back(ops.transpose(y, [0, 3, 1, 2]))];
};

/** A 3-D pool (NCDHW): explicit pads (-Infinity for max; for avg, zeros and, without count_include_pad, a count of real taps), then our NDHWC pool. */
function pool3d(c: OpContext, kind: 'max' | 'avg', x: Tensor): Tensor {
  const kernel = c.intList('kernel_shape');
  if (!kernel || kernel.length !== 3) return c.fail('kernel_shape of three sizes is required for a 3-D image');
  const win = windowOf(c, x.shape.slice(2), kernel);
  if (win.dilations.some((d) => d !== 1)) return c.fail('dilated pooling is not supported');
  if (c.int('ceil_mode', 0) === 1) return c.fail('ceil_mode with a 3-D image is not supported');
  const pads = [[0, 0], [0, 0], ...[0, 1, 2].map((i) => [win.pads[i]!, win.pads[i + 3]!])] as [number, number][];
  const padded = win.pads.some((p) => p !== 0);
  const k = kernel as [number, number, number], s = win.strides as [number, number, number];
  const run = (t: Tensor): Tensor => {
    const td = ops.transpose(t, [0, 2, 3, 4, 1]);
    return kind === 'max' ? ops.maxPool3d(td, k, s, 'valid') : ops.avgPool3d(td, k, s, 'valid');
  };
  let y: Tensor;
  if (kind === 'max') y = run(padded ? ops.pad(x, pads, -Infinity) : x);
  else {
    y = run(padded ? ops.pad(x, pads, 0) : x);
    if (padded && c.int('count_include_pad', 0) !== 1) {
      const ones = ops.ones([1, 1, ...x.shape.slice(2)]);
      y = ops.div(y, run(ops.pad(ones, pads, 0)));
    }
  }
  if (c.node.outputs.length > 1 && c.node.outputs[1] !== '') return c.fail('the Indices output is not supported');
  return ops.transpose(y, [0, 4, 1, 2, 3]);
}

function pool(kind: 'max' | 'avg'): OpFn {
  return (c) => {
    const xin = c.tensor(0);
    if (xin.rank === 5) {
      const y = pool3d(c, kind, xin.dtype === 'float32' ? xin : ops.cast(xin, 'float32'));
      return [xin.dtype === 'float32' ? y : ops.cast(y, xin.dtype)];
    }
    const x0 = xin.dtype === 'float32' ? xin : ops.cast(xin, 'float32');
    const [x, back0] = as2d(c, x0);
    const back = (y: Tensor): Tensor => (xin.dtype === 'float32' ? back0(y) : ops.cast(back0(y), xin.dtype));
    const kernel = c.intList('kernel_shape');
    if (!kernel) return c.fail('kernel_shape is required');
    const r = x0.rank - 2;
    const win = windowOf(c, x0.shape.slice(2), kernel);
    if (win.dilations.some((d) => d !== 1)) return c.fail('dilated pooling is not supported');
    const k = pair2(kernel), s = pair2(win.strides);
    const pb = pair2(win.pads.slice(0, r), 0), pe = pair2(win.pads.slice(r), 0);
    const inHW = [x.shape[2]!, x.shape[3]!];
    // ceil_mode: extra end padding so the last partial window counts (padded taps are ignored).
    if (c.int('ceil_mode', 0) === 1) {
      for (let i = 0; i < 2; i++) {
        const span = inHW[i]! + pb[i]! + pe[i]! - k[i]!;
        const out = Math.ceil(span / s[i]!) + 1;
        const need = (out - 1) * s[i]! + k[i]! - (inHW[i]! + pb[i]! + pe[i]!);
        // The last window must start inside the input or its leading padding.
        if (need > 0 && (out - 1) * s[i]! < inHW[i]! + pb[i]!) pe[i] = pe[i]! + need;
      }
    }
    let xh = ops.transpose(x, [0, 2, 3, 1]);
    let pad: PadMode = [[0, 0], [pb[0], pe[0]], [pb[1], pe[1]], [0, 0]];
    if (kind === 'avg' && c.int('count_include_pad', 0) === 1) {
      xh = ops.pad(xh, [xh.shape[0]!, inHW[0]! + pb[0]! + pe[0]!, inHW[1]! + pb[1]! + pe[1]!, xh.shape[3]!], [0, pb[0]!, pb[1]!, 0]);
      pad = 'valid';
    }
    const y = kind === 'max' ? ops.maxPool(xh, k, s, pad) : ops.avgPool(xh, k, s, pad);
    if (c.node.outputs.length > 1 && c.node.outputs[1] !== '') return c.fail('the Indices output is not supported');
    return [back(ops.transpose(y, [0, 3, 1, 2]))];
  };
}

/** Parameters of shape [C] reshaped to broadcast against NC... at axis 1. */
function perChannel(p: Tensor, rank: number): Tensor {
  return ops.reshape(p, [1, p.size, ...new Array<number>(Math.max(rank - 2, 0)).fill(1)]);
}

const batchNorm: OpFn = (c) => {
  const x = c.tensor(0);
  if (c.opset >= 14 && c.int('training_mode', 0) === 1) return c.fail('training_mode is not supported (inference only)');
  const [scale, b, mean, v] = [1, 2, 3, 4].map((i) => perChannel(c.tensor(i), x.rank)) as [Tensor, Tensor, Tensor, Tensor];
  const inv = ops.div(scale, ops.sqrt(ops.add(v, c.float('epsilon', 1e-5))));
  return [ops.add(ops.mul(ops.sub(x, mean), inv), b)];
};

/** (x - mean) / sqrt(var + eps) over `axes`, with the mean and 1/std it used. */
function normalize(x: Tensor, axes: number[], eps: number): [Tensor, Tensor, Tensor] {
  const mean = ops.mean(x, axes, true);
  const d = ops.sub(x, mean);
  const invStd = ops.div(1, ops.sqrt(ops.add(ops.mean(ops.mul(d, d), axes, true), eps)));
  return [ops.mul(d, invStd), mean, invStd];
}

const layerNorm: OpFn = (c) => {
  const x = c.tensor(0);
  const ax = c.axis(c.int('axis', -1), x.rank);
  const axes = x.shape.map((_, i) => i).filter((i) => i >= ax);
  const [n, mean, invStd] = normalize(x, axes, c.float('epsilon', 1e-5));
  let y = ops.mul(n, c.tensor(1));
  if (c.has(2)) y = ops.add(y, c.tensor(2));
  return [y, mean, invStd];
};

const instanceNorm: OpFn = (c) => {
  const x = c.tensor(0);
  const [n] = normalize(x, x.shape.map((_, i) => i).slice(2), c.float('epsilon', 1e-5));
  return [ops.add(ops.mul(n, perChannel(c.tensor(1), x.rank)), perChannel(c.tensor(2), x.rank))];
};

/** Softmax-like ops: along `axis` since opset 13; before, over the axes from `axis` on, flattened. */
function softmaxLike(f: (x: Tensor, axis: number) => Tensor): OpFn {
  return (c) => {
    const x = c.tensor(0);
    if (c.opset >= 13) return [f(x, c.axis(c.int('axis', -1), x.rank))];
    const ax = c.axis(c.int('axis', 1), x.rank);
    const flat = ops.reshape(x, [sizeOf(x.shape.slice(0, ax)), sizeOf(x.shape.slice(ax))]);
    return [ops.reshape(f(flat, 1), x.shape)];
  };
}

const hardmax = (x: Tensor, axis: number): Tensor => {
  const last = axis === x.rank - 1;
  const perm = [...x.shape.keys()];
  if (!last) { perm.splice(axis, 1); perm.push(axis); }
  const xt = last ? x : ops.transpose(x, perm);
  const y = ops.oneHot(ops.argMax(xt, -1), xt.shape[xt.rank - 1]!);
  if (last) return y;
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return ops.transpose(y, inv);
};

export const NN_OPS: Record<string, OpFn> = {
  MatMul: (c) => [matmulND(c.tensor(0), c.tensor(1))],
  Gemm: gemm,
  _FusedMatMul: fusedMatMul,
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: (c) => { const x = c.tensor(0); return [ops.mean(x, x.shape.map((_, i) => i).slice(2), true)]; },
  GlobalMaxPool: (c) => { const x = c.tensor(0); return [ops.max(x, x.shape.map((_, i) => i).slice(2), true)]; },
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  InstanceNormalization: instanceNorm,
  Softmax: softmaxLike((x, a) => ops.softmax(x, a)),
  LogSoftmax: softmaxLike((x, a) => ops.logSoftmax(x, a)),
  Hardmax: softmaxLike(hardmax),
};
