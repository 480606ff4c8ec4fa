/**
 * The TensorFlow op table of TF.js graph models: each GraphDef op as our public ops, NHWC as
 * TensorFlow lays images out. The TF.js converter has already fused conv / matmul + bias +
 * activation (_FusedConv2D, _FusedMatMul, FusedDepthwiseConv2dNative), which map onto our fused
 * kernels. Shape arithmetic (Shape, StridedSlice and Pack of shapes) arrives here with host inputs
 * and runs on the cpu at load or per run, like every other node whose inputs are all constants.
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import type { PadMode } from '../../ops/conv.js';
import { hostInts } from '../host.js';
import type { OpContext, OpFn, OpTable } from '../context.js';
import type { Value } from '../types.js';
import { resize, stridedSlice } from './strided-slice.js';
import { TF_MORE_OPS } from './ops-more.js';

function strings(ctx: OpContext, name: string): string[] {
  const a = ctx.node.attrs.get(name);
  return a?.type === 'strings' ? a.value : [];
}

function nhwc(ctx: OpContext): void {
  const f = ctx.str('data_format', 'NHWC');
  if (f !== 'NHWC') ctx.fail(`data_format ${f} is not supported (graph models run NHWC)`);
}

/** The [height, width] entries of a 4-long NHWC attribute (strides, dilations, ksize). */
function hw(ctx: OpContext, name: string, def: number): [number, number] {
  const l = ctx.intList(name);
  if (!l) return [def, def];
  if (l.length !== 4) ctx.fail(`attribute ${name} must list 4 values (NHWC), got [${l}]`);
  return [l[1]!, l[2]!];
}

function padding(ctx: OpContext): PadMode {
  const p = ctx.str('padding', 'VALID');
  if (p === 'SAME') return 'same';
  if (p === 'VALID') return 'valid';
  if (p === 'EXPLICIT') {
    const e = ctx.intList('explicit_paddings') ?? [];
    if (e.length !== 8) ctx.fail(`explicit_paddings must list 8 values, got [${e}]`);
    return [[e[0]!, e[1]!], [e[2]!, e[3]!], [e[4]!, e[5]!], [e[6]!, e[7]!]];
  }
  return ctx.fail(`padding '${p}' is not SAME, VALID or EXPLICIT`);
}

/** The activation of a fused op's fused_ops list after BiasAdd, applied outside the kernel where ours has none. */
function fusedActivation(ctx: OpContext, first: 'BiasAdd'): { bias: boolean; activation: ops.FusedActivation; prelu?: Tensor } {
  const list = strings(ctx, 'fused_ops');
  if (list[0] !== first) ctx.fail(`fused_ops [${list}] must start with ${first}`);
  const act = list[1];
  if (act === undefined) return { bias: true, activation: 'linear' };
  if (act === 'Relu') return { bias: true, activation: 'relu' };
  if (act === 'Sigmoid') return { bias: true, activation: 'sigmoid' };
  if (act === 'Tanh') return { bias: true, activation: 'tanh' };
  if (act === 'LeakyRelu') return { bias: true, activation: 'leakyrelu' };
  if (act === 'Relu6') return { bias: true, activation: 'relu6' };
  if (act === 'Elu') return { bias: true, activation: 'elu' };
  if (act === 'Prelu') return { bias: true, activation: 'prelu', prelu: ctx.tensor(3) };
  return ctx.fail(`fused activation ${act} is not supported`);
}

/** TensorFlow dtypes held as int32 tensors. */
const intType = (t: string): boolean => t === 'int32' || t === 'int64' || t === 'int16' || t === 'int8' || t === 'uint8' || t === 'uint16';

/** Host bool constants upload as 0/1 float masks; the logical ops take bool tensors. */
const asBool = (x: Tensor): Tensor => (x.dtype === 'bool' ? x : ops.notEqual(x, 0));

const one = (f: (ctx: OpContext) => Value): OpFn => (ctx) => [f(ctx)];
const unary = (f: (x: Tensor) => Tensor): OpFn => one((ctx) => f(ctx.tensor(0)));
const binary = (f: (a: Tensor, b: Tensor) => Tensor): OpFn => one((ctx) => f(ctx.tensor(0), ctx.tensor(1)));

function conv(ctx: OpContext, depthwise: boolean, fused: boolean): Tensor {
  nhwc(ctx);
  const x = ctx.tensor(0), filter = ctx.tensor(1);
  const strides = hw(ctx, 'strides', 1), dilations = hw(ctx, 'dilations', 1), pad = padding(ctx);
  const f = fused ? fusedActivation(ctx, 'BiasAdd') : undefined;
  const bias = f?.bias ? ctx.tensor(2) : undefined;
  let y: Tensor;
  const alpha = ctx.float('leakyrelu_alpha', 0.2);
  if (depthwise && f) {
    y = ops.fusedDepthwiseConv2d({ x, filter, strides, pad, dilations, bias, activation: f.activation, leakyreluAlpha: alpha, preluActivationWeights: f.prelu });
  } else if (depthwise) {
    y = ops.depthwiseConv2d(x, filter, strides, pad, 'NHWC', dilations);
  } else if (f) {
    y = ops.fusedConv2d({ x, filter, strides, pad, dilations, bias, activation: f.activation, leakyreluAlpha: alpha, preluActivationWeights: f.prelu });
  } else {
    y = ops.conv2d(x, filter, strides, pad, 'NHWC', dilations);
  }
  return y;
}

/** MatMul and the batched forms, the batch dims of rank > 3 folded into one. */
function matmul(ctx: OpContext, fused: boolean): Tensor {
  const batched = ctx.node.op.startsWith('BatchMatMul');
  const ta = batched ? ctx.int('adj_x', 0) === 1 : ctx.int('transpose_a', 0) === 1;
  const tb = batched ? ctx.int('adj_y', 0) === 1 : ctx.int('transpose_b', 0) === 1;
  let a = ctx.tensor(0), b = ctx.tensor(1);
  const outer = a.shape.slice(0, -2);
  if (a.rank > 3) a = ops.reshape(a, [-1, ...a.shape.slice(-2)]);
  if (b.rank > 3) b = ops.reshape(b, [-1, ...b.shape.slice(-2)]);
  let y: Tensor;
  if (fused) {
    const f = fusedActivation(ctx, 'BiasAdd');
    const act = f.activation === 'leakyrelu' ? 'leakyRelu' : f.activation;
    y = ops.fusedMatmul(a, b, { transposeA: ta, transposeB: tb, bias: ctx.tensor(2), activation: act, alpha: ctx.float('leakyrelu_alpha', 0.2), preluActivationWeights: f.prelu });
  } else {
    y = ops.matmul(a, b, { transposeA: ta, transposeB: tb });
  }
  return outer.length > 1 ? ops.reshape(y, [...outer, ...y.shape.slice(-2)]) : y;
}

function pool(ctx: OpContext, kind: 'max' | 'avg'): Tensor {
  nhwc(ctx);
  const k = hw(ctx, 'ksize', 1), s = hw(ctx, 'strides', 1), p = padding(ctx);
  return kind === 'max' ? ops.maxPool(ctx.tensor(0), k, s, p) : ops.avgPool(ctx.tensor(0), k, s, p);
}

function reduce(f: (x: Tensor, axis: number[], keep: boolean) => Tensor): OpFn {
  return one((ctx) => {
    const x = ctx.tensor(0);
    const axes = (ctx.ints(1, 'reduction axes') ?? []).map((a) => ctx.axis(a, x.rank));
    return f(x, axes, ctx.int('keep_dims', 0) === 1);
  });
}

function batchNorm(ctx: OpContext): Value[] {
  nhwc(ctx);
  if (ctx.int('is_training', 0) === 1 && !ctx.has(3)) ctx.fail('training-mode batch norm is not supported');
  const x = ctx.tensor(0), scale = ctx.tensor(1), offset = ctx.tensor(2), mean = ctx.tensor(3), variance = ctx.tensor(4);
  const inv = ops.div(scale, ops.sqrt(ops.add(variance, ctx.float('epsilon', 1e-3))));
  return [ops.add(ops.mul(ops.sub(x, mean), inv), offset)];
}

/** TensorFlow's Pad: paddings [[before, after], ...] as a constant, zeros or PadV2's value. */
function pad(ctx: OpContext): Tensor {
  const x = ctx.tensor(0);
  const p = ctx.ints(1, 'paddings') ?? [];
  if (p.length !== 2 * x.rank) ctx.fail(`paddings must hold ${2 * x.rank} values for ${ctx.fmt(x.shape)}, got ${p.length}`);
  const before = x.shape.map((_, i) => p[2 * i]!), after = x.shape.map((_, i) => p[2 * i + 1]!);
  if ([...before, ...after].some((v) => v < 0)) ctx.fail(`paddings [${p}] must not be negative`);
  const outShape = x.shape.map((d, i) => d + before[i]! + after[i]!);
  const value = ctx.node.op === 'PadV2' ? ctx.scalar(2, 'constant value', 0) : 0;
  const y = ops.pad(x, outShape, before);
  if (value === 0) return y;
  const mask = ops.pad(ops.onesLike(x), outShape, before);
  return ops.add(y, ops.mul(ops.sub(1, mask), value));
}

function castTo(ctx: OpContext): Tensor {
  const to = ctx.str('DstT', 'float32');
  if (to === 'float32' || to === 'float16' || to === 'float64') return ops.cast(ctx.tensor(0), 'float32');
  if (to === 'bool') return ops.notEqual(ctx.tensor(0), 0);
  if (to === 'int32' || to === 'int64' || to === 'uint8' || to === 'int16' || to === 'int8') return ops.cast(ctx.tensor(0), 'int32');
  return ctx.fail(`Cast to ${to} is not supported`);
}

function split(ctx: OpContext, v: boolean): Value[] {
  const x = ctx.tensor(v ? 0 : 1);
  const axis = ctx.axis(ctx.scalar(v ? 2 : 0, 'split axis', 0), x.rank);
  const d = x.shape[axis]!;
  let sizes: number[];
  if (v) {
    sizes = ctx.ints(1, 'size_splits') ?? [];
    const known = sizes.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
    sizes = sizes.map((s) => (s < 0 ? d - known : s));
  } else {
    const n = ctx.int('num_split', 1);
    if (d % n !== 0) ctx.fail(`cannot split axis ${axis} of ${ctx.fmt(x.shape)} into ${n} equal parts`);
    sizes = Array.from({ length: n }, () => d / n);
  }
  if (sizes.reduce((a, b) => a + b, 0) !== d) ctx.fail(`split sizes [${sizes}] do not add up to ${d}`);
  let at = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === axis ? at : 0));
    const size = x.shape.map((dd, i) => (i === axis ? s : dd));
    at += s;
    return ops.slice(x, begin, size);
  });
}

/** The op table, by TensorFlow op name. */
export const TF_OPS: OpTable = {
  Identity: one((ctx) => ctx.inputs[0]!),
  StopGradient: one((ctx) => ctx.inputs[0]!),
  Snapshot: one((ctx) => ctx.inputs[0]!),
  NoOp: () => [],
  Conv2D: one((ctx) => conv(ctx, false, false)),
  _FusedConv2D: one((ctx) => conv(ctx, false, true)),
  DepthwiseConv2dNative: one((ctx) => conv(ctx, true, false)),
  FusedDepthwiseConv2dNative: one((ctx) => conv(ctx, true, true)),
  MatMul: one((ctx) => matmul(ctx, false)),
  _FusedMatMul: one((ctx) => matmul(ctx, true)),
  BatchMatMul: one((ctx) => matmul(ctx, false)),
  BatchMatMulV2: one((ctx) => matmul(ctx, false)),
  BatchMatMulV3: one((ctx) => matmul(ctx, false)),
  BiasAdd: (ctx) => (nhwc(ctx), [ops.add(ctx.tensor(0), ctx.tensor(1))]),
  FusedBatchNorm: batchNorm,
  FusedBatchNormV2: batchNorm,
  FusedBatchNormV3: batchNorm,
  Add: binary(ops.add), AddV2: binary(ops.add), Sub: binary(ops.sub), Mul: binary(ops.mul),
  RealDiv: binary(ops.div), Div: binary(ops.div), Maximum: binary(ops.maximum), Minimum: binary(ops.minimum),
  Pow: binary(ops.pow),
  SquaredDifference: binary((a, b) => ops.square(ops.sub(a, b))),
  AddN: one((ctx) => ctx.inputs.map((_, i) => ctx.tensor(i)).reduce((a, b) => ops.add(a, b))),
  Equal: binary(ops.equal), NotEqual: binary(ops.notEqual), Less: binary(ops.less), LessEqual: binary(ops.lessEqual),
  Greater: binary(ops.greater), GreaterEqual: binary(ops.greaterEqual),
  Select: one((ctx) => ops.where(ctx.tensor(0), ctx.tensor(1), ctx.tensor(2))),
  SelectV2: one((ctx) => ops.where(ctx.tensor(0), ctx.tensor(1), ctx.tensor(2))),
  Relu: unary(ops.relu), Relu6: unary(ops.relu6), Elu: unary(ops.elu),
  LeakyRelu: one((ctx) => ops.leakyRelu(ctx.tensor(0), ctx.float('alpha', 0.2))),
  Prelu: one((ctx) => ops.prelu(ctx.tensor(0), ctx.tensor(1))),
  Sigmoid: unary(ops.sigmoid), Tanh: unary(ops.tanh), Exp: unary(ops.exp), Log: unary(ops.log),
  Sqrt: unary(ops.sqrt), Rsqrt: unary((x) => ops.div(1, ops.sqrt(x))), Square: unary(ops.square),
  Neg: unary(ops.neg), Abs: unary(ops.abs), Sign: unary(ops.sign), Reciprocal: unary((x) => ops.div(1, x)),
  Softplus: unary(ops.softplus),
  Softmax: one((ctx) => ops.softmax(ctx.tensor(0), -1)),
  LogSoftmax: one((ctx) => ops.logSoftmax(ctx.tensor(0), -1)),
  MaxPool: one((ctx) => pool(ctx, 'max')),
  AvgPool: one((ctx) => pool(ctx, 'avg')),
  Mean: reduce((x, a, k) => ops.mean(x, a, k)),
  Sum: reduce((x, a, k) => ops.sum(x, a, k)),
  Max: reduce((x, a, k) => ops.max(x, a, k)),
  Min: reduce((x, a, k) => ops.min(x, a, k)),
  ArgMax: one((ctx) => ops.argMax(ctx.tensor(0), ctx.scalar(1, 'axis', 0))),
  Reshape: one((ctx) => ops.reshape(ctx.tensor(0), ctx.ints(1, 'shape') ?? [])),
  Squeeze: one((ctx) => { const d = ctx.intList('squeeze_dims') ?? ctx.intList('axis'); return ops.squeeze(ctx.tensor(0), d && d.length ? d : undefined); }),
  ExpandDims: one((ctx) => ops.expandDims(ctx.tensor(0), ctx.scalar(1, 'dim', 0))),
  ConcatV2: one((ctx) => {
    const n = ctx.inputs.length - 1;
    const parts = Array.from({ length: n }, (_, i) => ctx.tensor(i));
    return ops.concat(parts, ctx.axis(ctx.scalar(n, 'axis', 0), parts[0]!.rank));
  }),
  Pack: one((ctx) => ops.stack(ctx.inputs.map((_, i) => ctx.tensor(i)), ctx.int('axis', 0))),
  Unpack: (ctx) => {
    const x = ctx.tensor(0);
    const axis = ctx.axis(ctx.int('axis', 0), x.rank);
    return Array.from({ length: x.shape[axis]! }, (_, k) => ops.squeeze(ops.slice(x, x.shape.map((_, i) => (i === axis ? k : 0)), x.shape.map((d, i) => (i === axis ? 1 : d))), [axis]));
  },
  Transpose: one((ctx) => ops.transpose(ctx.tensor(0), ctx.ints(1, 'perm'))),
  Pad: one(pad), PadV2: one(pad),
  Cast: one(castTo),
  Shape: one((ctx) => hostInts(ctx.shape(0))),
  Fill: one((ctx) => ops.full(ctx.ints(0, 'dims') ?? [], ctx.scalar(1, 'value', 0), intType(ctx.str('T', 'float32')) ? 'int32' : 'float32')),
  Range: one((ctx) => ops.arange(ctx.scalar(0, 'start', 0), ctx.scalar(1, 'limit', 0), ctx.scalar(2, 'delta', 1), intType(ctx.str('Tidx', 'float32')) ? 'int32' : 'float32')),
  Slice: one((ctx) => ops.slice(ctx.tensor(0), ctx.ints(1, 'begin') ?? [], ctx.ints(2, 'size') ?? [])),
  StridedSlice: one((ctx) => stridedSlice(ctx)),
  GatherV2: one((ctx) => {
    if (ctx.int('batch_dims', 0) !== 0) ctx.fail('batch_dims other than 0 is not supported');
    const x = ctx.tensor(0);
    return ops.gather(x, ops.cast(ctx.tensor(1), 'int32'), ctx.axis(ctx.scalar(2, 'axis', 0), x.rank));
  }),
  Split: (ctx) => split(ctx, false),
  SplitV: (ctx) => split(ctx, true),
  FloorDiv: binary(ops.floorDiv), FloorMod: binary(ops.mod), Atan2: binary(ops.atan2),
  Sin: unary(ops.sin), Cos: unary(ops.cos), Tan: unary(ops.tan), Asin: unary(ops.asin), Acos: unary(ops.acos), Atan: unary(ops.atan),
  Sinh: unary(ops.sinh), Cosh: unary(ops.cosh), Erf: unary(ops.erf), Expm1: unary(ops.expm1), Log1p: unary(ops.log1p),
  Floor: unary(ops.floor), Ceil: unary(ops.ceil), Round: unary(ops.round), Selu: unary(ops.selu),
  IsNan: unary(ops.isNaN), IsInf: unary(ops.isInf), IsFinite: unary(ops.isFinite),
  LogicalAnd: binary((a, b) => ops.logicalAnd(asBool(a), asBool(b))), LogicalOr: binary((a, b) => ops.logicalOr(asBool(a), asBool(b))),
  LogicalNot: unary((x) => ops.logicalNot(asBool(x))),
  All: reduce((x, a, k) => ops.all(asBool(x), a, k)), Any: reduce((x, a, k) => ops.any(asBool(x), a, k)),
  ArgMin: one((ctx) => ops.argMin(ctx.tensor(0), ctx.scalar(1, 'axis', 0))),
  Tile: one((ctx) => ops.tile(ctx.tensor(0), ctx.ints(1, 'multiples') ?? [])),
  MirrorPad: one((ctx) => {
    const x = ctx.tensor(0);
    const p = ctx.ints(1, 'paddings') ?? [];
    if (p.length !== 2 * x.rank) ctx.fail(`paddings must hold ${2 * x.rank} values for ${ctx.fmt(x.shape)}, got ${p.length}`);
    const mode = ctx.str('mode', 'REFLECT').toLowerCase();
    if (mode !== 'reflect' && mode !== 'symmetric') ctx.fail(`mode '${mode}' is not REFLECT or SYMMETRIC`);
    return ops.mirrorPad(x, x.shape.map((_, i) => [p[2 * i]!, p[2 * i + 1]!] as [number, number]), mode as 'reflect' | 'symmetric');
  }),
  ResizeBilinear: one((ctx) => resize(ctx, false)),
  ResizeNearestNeighbor: one((ctx) => resize(ctx, true)),
  ...TF_MORE_OPS,
};

