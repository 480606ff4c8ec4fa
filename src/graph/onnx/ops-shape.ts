/**
 * ONNX shape and data-movement ops. Shapes, axes, starts and pads are read on the host (from
 * constants or from Shape results, which this executor keeps there), with the opset deciding
 * whether they come as attributes or inputs. Strided slices, Tile and the non-constant Pad modes
 * gather along one axis at a time with indices computed on the host.
 */
import * as ops from '../../ops/index.js';
import { broadcastShapes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { OpContext, OpFn } from '../context.js';
import { host, hostInts } from '../host.js';
import { hostDType, ONNX_DTYPES } from './tensor-proto.js';

/** Axes from the attribute (before `inputFrom`) or from input 1 (since). */
function axesOf(c: OpContext, inputFrom: number): number[] | undefined {
  return c.opset < inputFrom ? c.intList('axes') : c.ints(1, 'axes');
}

function take(x: Tensor, axis: number, idx: readonly number[]): Tensor {
  return ops.gather(x, ops.tensor(Int32Array.from(idx), [idx.length], 'int32'), axis);
}

const reshape: OpFn = (c) => {
  const x = c.tensor(0);
  const raw = c.opset < 5 ? c.intList('shape') : c.ints(1, 'shape');
  if (!raw) return c.fail('a shape is required');
  const allowZero = c.int('allowzero', 0) === 1;
  const shape = raw.map((d, i) => (d === 0 && !allowZero ? (i < x.rank ? x.shape[i]! : c.fail(`shape [${raw}] copies dimension ${i}, which ${c.fmt(x.shape)} does not have`)) : d));
  return [ops.reshape(x, shape)];
};

const flatten: OpFn = (c) => {
  const x = c.tensor(0);
  const a = c.int('axis', 1);
  const ax = a === x.rank ? a : c.axis(a, x.rank);
  return [ops.reshape(x, [sizeOf(x.shape.slice(0, ax)), sizeOf(x.shape.slice(ax))])];
};

const unsqueeze: OpFn = (c) => {
  const x = c.inputs[0]!;
  const axes = axesOf(c, 13);
  if (!axes) return c.fail('axes are required');
  const rank = x.shape.length + axes.length;
  const norm = axes.map((a) => c.axis(a, rank)).sort((a, b) => a - b);
  const s = x.shape.slice();
  for (const a of norm) s.splice(a, 0, 1);
  return [ops.reshape(c.tensor(0), s)];
};

const squeeze: OpFn = (c) => {
  const x = c.tensor(0);
  const axes = axesOf(c, 13);
  const norm = axes?.map((a) => c.axis(a, x.rank));
  return [ops.reshape(x, norm ? x.shape.filter((_, i) => !norm.includes(i)) : x.shape.filter((d) => d !== 1))];
};

/** Slice with per-axis steps: a plain box where every step is 1, gathers otherwise. */
const slice: OpFn = (c) => {
  const x = c.tensor(0);
  const starts = c.opset < 10 ? c.intList('starts') : c.ints(1, 'starts');
  const ends = c.opset < 10 ? c.intList('ends') : c.ints(2, 'ends');
  if (!starts || !ends || starts.length !== ends.length) return c.fail('starts and ends of one length are required');
  const axes = (c.opset < 10 ? c.intList('axes') : c.ints(3, 'axes')) ?? starts.map((_, i) => i);
  const steps = (c.opset < 10 ? undefined : c.ints(4, 'steps')) ?? starts.map(() => 1);
  const begin = x.shape.map(() => 0), size = x.shape.slice();
  const strided: [number, number[]][] = [];
  axes.forEach((a0, k) => {
    const a = c.axis(a0, x.rank), d = x.shape[a]!, step = steps[k]!;
    if (step === 0) return c.fail('a step of 0');
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    if (step > 0) {
      const s = clamp(starts[k]!, 0, d), e = clamp(ends[k]!, 0, d);
      if (step === 1) { begin[a] = s; size[a] = Math.max(e - s, 0); return; }
      const idx: number[] = [];
      for (let i = s; i < e; i += step) idx.push(i);
      strided.push([a, idx]);
    } else {
      const s = clamp(starts[k]!, -1, d - 1), e = clamp(ends[k]!, -1, d - 1);
      const idx: number[] = [];
      for (let i = s; i > e; i += step) idx.push(i);
      strided.push([a, idx]);
    }
  });
  let y = size.some((v, i) => v !== x.shape[i]) ? ops.slice(x, begin, size) : x;
  for (const [a, idx] of strided) y = take(y, a, idx);
  return [y === x ? ops.reshape(x, x.shape) : y];
};

const split: OpFn = (c) => {
  const x = c.tensor(0);
  const ax = c.axis(c.int('axis', 0), x.rank);
  const d = x.shape[ax]!;
  let parts = c.opset < 13 ? c.intList('split') : c.ints(1, 'split');
  if (!parts) {
    const n = c.int('num_outputs') ?? c.node.outputs.length;
    const each = Math.ceil(d / n);
    parts = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(each, d - i * each)));
  }
  if (parts.reduce((a, b) => a + b, 0) !== d) return c.fail(`split sizes [${parts}] do not add up to dimension ${ax} of ${c.fmt(x.shape)}`);
  let at = 0;
  return parts.map((p) => {
    const begin = x.shape.map((_, i) => (i === ax ? at : 0));
    const size = x.shape.map((v, i) => (i === ax ? p : v));
    at += p;
    return ops.slice(x, begin, size);
  });
};

const gather: OpFn = (c) => {
  const x = c.tensor(0);
  const ax = c.axis(c.int('axis', 0), x.rank);
  const d = x.shape[ax]!;
  const h = c.host(1);
  let idx: Tensor;
  if (h) {
    const v = Array.from(h.data as ArrayLike<number>, (i) => (i < 0 ? i + d : i));
    v.forEach((i) => { if (i < 0 || i >= d) c.fail(`index ${i} is out of range for axis ${ax} of ${c.fmt(x.shape)}`); });
    idx = ops.tensor(Int32Array.from(v), h.shape, 'int32');
  } else {
    const t = c.tensor(1);
    idx = ops.where(ops.less(t, 0), ops.add(t, d), t);
  }
  return [ops.gather(x, idx, ax)];
};

const expand: OpFn = (c) => {
  const x = c.tensor(0);
  const shape = c.ints(1, 'shape');
  if (!shape) return c.fail('a shape is required');
  return [ops.broadcastTo(x, broadcastShapes('Expand', x.shape, shape))];
};

const tile: OpFn = (c) => {
  let x = c.tensor(0);
  const reps = c.ints(1, 'repeats');
  if (!reps || reps.length !== x.rank) return c.fail(`repeats must have one entry per axis of ${c.fmt(x.shape)}`);
  const x0 = x;
  reps.forEach((r, a) => {
    if (r === 1) return;
    const d = x.shape[a]!;
    x = take(x, a, Array.from({ length: d * r }, (_, i) => i % d));
  });
  return [x === x0 ? ops.reshape(x, x.shape) : x];
};

/** Pad: constant (any value), reflect and edge; negative pads crop. */
const pad: OpFn = (c) => {
  let x = c.tensor(0);
  const mode = c.str('mode', 'constant');
  let pads = c.opset < 11 ? c.intList('pads') : c.ints(1, 'pads');
  if (!pads) return c.fail('pads are required');
  const value = c.opset < 11 ? c.float('value', 0) : c.scalar(2, 'constant_value', 0);
  const axes = (c.opset >= 18 ? c.ints(3, 'axes') : undefined)?.map((a) => c.axis(a, x.rank)) ?? x.shape.map((_, i) => i);
  if (pads.length !== 2 * axes.length) return c.fail(`pads [${pads}] must hold two values per padded axis (${axes.length})`);
  const before = x.shape.map(() => 0), after = x.shape.map(() => 0);
  axes.forEach((a, k) => { before[a] = pads![k]!; after[a] = pads![k + axes.length]!; });
  // Crop first: negative pads remove elements.
  if (before.some((p) => p < 0) || after.some((p) => p < 0)) {
    const b = before.map((p) => Math.max(-p, 0));
    x = ops.slice(x, b, x.shape.map((d, i) => d - b[i]! - Math.max(-after[i]!, 0)));
    pads = undefined;
  }
  const pb = before.map((p) => Math.max(p, 0)), pa = after.map((p) => Math.max(p, 0));
  if (mode === 'constant') {
    const shifted = value === 0 ? x : ops.sub(x, value);
    const y = ops.pad(shifted, x.shape.map((d, i) => d + pb[i]! + pa[i]!), pb);
    return [value === 0 ? y : ops.add(y, value)];
  }
  if (mode !== 'reflect' && mode !== 'edge' && mode !== 'wrap') return c.fail(`mode '${mode}' is not supported`);
  const x0 = x;
  x.shape.forEach((d, a) => {
    if (pb[a] === 0 && pa[a] === 0) return;
    const idx: number[] = [];
    for (let i = -pb[a]!; i < d + pa[a]!; i++) {
      if (mode === 'edge') idx.push(Math.min(Math.max(i, 0), d - 1));
      else if (mode === 'wrap') idx.push(((i % d) + d) % d);
      else {
        if (d === 1) { idx.push(0); continue; }
        const p = 2 * (d - 1);
        const m = ((i % p) + p) % p;
        idx.push(m < d ? m : p - m);
      }
    }
    x = take(x, a, idx);
  });
  return [x === x0 ? ops.reshape(x, x.shape) : x];
};

/** The dtype an ONNX Cast target number becomes. */
function castTarget(c: OpContext, to: number): 'float32' | 'int32' | 'bool' {
  const name = ONNX_DTYPES[to];
  const hd = name ? hostDType(name) : undefined;
  if (!hd) return c.fail(`casting to ${name ?? `type ${to}`} is not supported`);
  return hd === 'float32' ? 'float32' : hd === 'bool' ? 'bool' : 'int32';
}

function castTo(x: Tensor, t: 'float32' | 'int32' | 'bool'): Tensor {
  if (t === 'bool') return ops.notEqual(x, 0);
  return ops.cast(x, t);
}

const constant: OpFn = (c) => {
  const t = c.tensorAttr('value');
  if (t) return [t];
  const f = c.node.attrs.get('value_float'), fs = c.node.attrs.get('value_floats');
  const i = c.node.attrs.get('value_int'), is = c.node.attrs.get('value_ints');
  if (f?.type === 'float') return [host('float32', [], Float32Array.of(f.value))];
  if (fs?.type === 'floats') return [host('float32', [fs.value.length], Float32Array.from(fs.value))];
  if (i?.type === 'int') return [host('int64', [], Float64Array.of(i.value))];
  if (is?.type === 'ints') return [host('int64', [is.value.length], Float64Array.from(is.value))];
  return c.fail('only value, value_float(s) and value_int(s) constants are supported');
};

const shapeOp: OpFn = (c) => {
  const s = c.shape(0);
  const r = s.length;
  const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  return [hostInts(s.slice(norm(c.int('start', 0)), norm(c.int('end', r))))];
};

export const SHAPE_OPS: Record<string, OpFn> = {
  Reshape: reshape,
  Flatten: flatten,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Slice: slice,
  Split: split,
  Gather: gather,
  Expand: expand,
  Tile: tile,
  Pad: pad,
  Transpose: (c) => [ops.transpose(c.tensor(0), c.intList('perm'))],
  Concat: (c) => {
    const ts = c.inputs.map((_, i) => c.tensor(i)).filter((t) => t.size > 0 || c.inputs.length === 1);
    const list = ts.length ? ts : [c.tensor(0)];
    const dt = list.some((t) => t.dtype === 'float32') ? 'float32' : 'int32';
    return [ops.concat(list.map((t) => (t.dtype === dt ? t : ops.cast(t, dt))), c.axis(c.int('axis', 0), list[0]!.rank))];
  },
  Shape: shapeOp,
  Size: (c) => [host('int64', [], Float64Array.of(sizeOf(c.shape(0))))],
  Cast: (c) => [castTo(c.tensor(0), castTarget(c, c.int('to', 1)))],
  CastLike: (c) => {
    const like = c.host(1);
    const t = like ? (like.dtype === 'float32' ? 'float32' : like.dtype === 'bool' ? 'bool' : 'int32') : c.tensor(1).dtype;
    return [castTo(c.tensor(0), t)];
  },
  Constant: constant,
  ConstantOfShape: (c) => {
    const shape = c.ints(0, 'shape') ?? [];
    const v = c.tensorAttr('value');
    const value = v ? Number(v.data[0] ?? 0) : 0;
    const dt = v && v.dtype !== 'float32' ? 'int32' : 'float32';
    return [ops.full(shape, value, dt)];
  },
  Range: (c) => {
    const [start, limit, delta] = [0, 1, 2].map((i) => c.scalar(i, ['start', 'limit', 'delta'][i]!, NaN));
    const dt = c.host(0)?.dtype === 'float32' ? 'float32' : 'int32';
    return [ops.arange(start!, limit!, delta!, dt)];
  },
  Dropout: (c) => {
    if (c.opset >= 12 && c.scalar(2, 'training_mode', 0)) return c.fail('training_mode is not supported (inference only)');
    const x = c.tensor(0);
    return [ops.reshape(x, x.shape), c.node.outputs.length > 1 ? ops.ones(x.shape) : undefined];
  },
  OneHot: (c) => {
    const depth = c.scalar(1, 'depth', NaN);
    if (c.shape(2).join(',') !== '2') return c.fail(`values must be [off, on], got shape ${c.fmt(c.shape(2))}`);
    const i0 = c.tensor(0);
    const i1 = ops.cast(i0, 'int32');
    const idx = ops.where(ops.less(i1, 0), ops.add(i1, depth), i1);
    const vals = c.host(2) ? c.ints(2, 'values')! : undefined;
    let y = ops.oneHot(idx, depth, vals ? vals[1] : 1, vals ? vals[0] : 0);
    if (!vals) {
      // Values computed from data: scale the 0/1 rows by (on - off) and shift by off.
      const v = ops.cast(c.tensor(2), 'float32');
      const off = ops.slice(v, [0], [1]), on = ops.slice(v, [1], [1]);
      y = ops.add(ops.mul(y, ops.sub(on, off)), off);
    }
    const ax = c.axis(c.int('axis', -1), i0.rank + 1);
    if (ax === i0.rank) return [y];
    const perm = [...Array(i0.rank + 1).keys()];
    perm.splice(ax, 0, perm.pop()!);
    return [ops.transpose(y, perm)];
  },
  DepthToSpace: (c) => {
    const x = c.tensor(0);
    const b = c.int('blocksize', 0);
    const [n, ch, h, w] = x.shape as [number, number, number, number];
    const crd = c.str('mode', 'DCR') === 'CRD';
    const t = crd ? ops.transpose(ops.reshape(x, [n, ch / (b * b), b, b, h, w]), [0, 1, 4, 2, 5, 3])
      : ops.transpose(ops.reshape(x, [n, b, b, ch / (b * b), h, w]), [0, 3, 4, 1, 5, 2]);
    return [ops.reshape(t, [n, ch / (b * b), h * b, w * b])];
  },
  SpaceToDepth: (c) => {
    const x = c.tensor(0);
    const b = c.int('blocksize', 0);
    const [n, ch, h, w] = x.shape as [number, number, number, number];
    const t = ops.transpose(ops.reshape(x, [n, ch, h / b, b, w / b, b]), [0, 3, 5, 1, 2, 4]);
    return [ops.reshape(t, [n, ch * b * b, h / b, w / b])];
  },
};
