/**
 * ONNX elementwise ops: arithmetic (numpy broadcasting, as ours), comparisons and logic (bool as
 * float32 masks of 0 and 1, as our comparisons give), unary math and the activations, composed
 * from our ops where we have no kernel of the same name (Erf, Floor, Softplus, Gelu, ...).
 */
import * as ops from '../../ops/index.js';
import type { Tensor } from '../../tensor.js';
import type { OpContext, OpFn } from '../context.js';

const binary = (f: (a: Tensor, b: Tensor) => Tensor): OpFn => (c) => [f(c.tensor(0), c.tensor(1))];
const unary = (f: (x: Tensor, c: OpContext) => Tensor): OpFn => (c) => [f(c.tensor(0), c)];

/** a / b; integer inputs divide and truncate toward zero, as ONNX Runtime does. */
function divide(a: Tensor, b: Tensor): Tensor {
  const q = ops.div(a, b);
  return a.dtype === 'int32' && b.dtype === 'int32' ? ops.cast(q, 'int32') : q;
}

function floor(x: Tensor): Tensor {
  if (x.dtype === 'int32') return x;
  const t = ops.cast(ops.cast(x, 'int32'), 'float32');
  return ops.sub(t, ops.greater(t, x));
}

function ceil(x: Tensor): Tensor {
  if (x.dtype === 'int32') return x;
  const t = ops.cast(ops.cast(x, 'int32'), 'float32');
  return ops.add(t, ops.less(t, x));
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), from exp, abs and sign. */
function erf(x: Tensor): Tensor {
  const a = ops.abs(x);
  const t = ops.div(1, ops.add(ops.mul(a, 0.3275911), 1));
  let poly = ops.mul(t, 1.061405429);
  for (const k of [-1.453152027, 1.421413741, -0.284496736, 0.254829592]) poly = ops.mul(ops.add(poly, k), t);
  const y = ops.sub(1, ops.mul(poly, ops.exp(ops.neg(ops.mul(a, a)))));
  return ops.mul(ops.sign(x), y);
}

function gelu(x: Tensor, approximate: string): Tensor {
  if (approximate === 'tanh') {
    const inner = ops.mul(ops.add(x, ops.mul(ops.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return ops.mul(ops.mul(x, 0.5), ops.add(ops.tanh(inner), 1));
  }
  return ops.mul(ops.mul(x, 0.5), ops.add(erf(ops.mul(x, Math.SQRT1_2)), 1));
}

/** log(1 + exp(x)) without overflow: relu(x) + log(1 + exp(-|x|)). */
function softplus(x: Tensor): Tensor {
  return ops.add(ops.relu(x), ops.log(ops.add(ops.exp(ops.neg(ops.abs(x))), 1)));
}

function elu(x: Tensor, alpha: number): Tensor {
  return ops.where(ops.greater(x, 0), x, ops.mul(ops.sub(ops.exp(ops.minimum(x, 0)), 1), alpha));
}

function hardSigmoid(x: Tensor, alpha: number, beta: number): Tensor {
  return ops.minimum(ops.maximum(ops.add(ops.mul(x, alpha), beta), 0), 1);
}

/** Clip: bounds from attributes before opset 11, from optional inputs since. */
const clip: OpFn = (c) => {
  const x = c.tensor(0);
  // A bound computed from data is applied as a tensor; a constant one as a number.
  const bound = (i: number, name: string, def: number): number | Tensor =>
    c.opset < 11 ? c.float(name, def) : c.has(i) && !c.host(i) ? c.tensor(i) : c.scalar(i, name, def);
  const lo = bound(1, 'min', -Infinity), hi = bound(2, 'max', Infinity);
  let y = x;
  if (lo !== -Infinity) y = ops.maximum(y, lo);
  if (hi !== Infinity) y = ops.minimum(y, hi);
  return [y === x ? ops.reshape(x, x.shape) : y];
};

/** Max / Min / Sum / Mean of any number of inputs, with broadcasting. */
function variadic(f: (a: Tensor, b: Tensor) => Tensor, mean = false): OpFn {
  return (c) => {
    const n = c.inputs.length;
    let acc = c.tensor(0);
    for (let i = 1; i < n; i++) acc = f(acc, c.tensor(i));
    if (mean) acc = ops.div(acc, n);
    return [n === 1 && !mean ? ops.reshape(acc, acc.shape) : acc];
  };
}

const asMask = (x: Tensor): Tensor => ops.notEqual(x, 0);

/** Round half to even, as ONNX and numpy do. */
export function round(x: Tensor): Tensor {
  if (x.dtype === 'int32') return x;
  const r = floor(ops.add(x, 0.5));
  const tie = ops.equal(ops.sub(r, x), 0.5);
  const odd = ops.equal(ops.sub(r, ops.mul(floor(ops.mul(r, 0.5)), 2)), 1);
  return ops.sub(r, ops.mul(tie, odd));
}

/** Mod: the divisor's sign (Python) by default, the dividend's (C fmod) with fmod = 1. */
const mod: OpFn = (c) => {
  const a = c.tensor(0), b = c.tensor(1);
  const q = ops.div(a, b);
  const whole = c.int('fmod', 0) === 1 ? ops.cast(ops.cast(q, 'int32'), 'float32') : floor(q);
  const r = ops.sub(a, ops.mul(whole, b));
  return [a.dtype === 'int32' && b.dtype === 'int32' ? ops.cast(r, 'int32') : r];
};

/**
 * sin by reduction to [-pi, pi] (x - 2 pi round(x / 2 pi)) and its Taylor series to x^17 there
 * (error below 1e-6), from our arithmetic alone; cos and tan follow.
 */
function sin(x: Tensor): Tensor {
  const r = ops.sub(x, ops.mul(floor(ops.add(ops.mul(x, 1 / (2 * Math.PI)), 0.5)), 2 * Math.PI));
  const r2 = ops.mul(r, r);
  // Horner in r^2: r (1 - r^2/6 (1 - r^2/20 (1 - ...))).
  let acc: Tensor | number = 1;
  for (let k = 8; k >= 1; k--) acc = ops.sub(1, ops.mul(ops.mul(r2, acc), 1 / ((2 * k) * (2 * k + 1))));
  return ops.mul(r, acc);
}
const cos = (x: Tensor): Tensor => sin(ops.add(x, Math.PI / 2));

/** atan: halve the angle twice (atan x = 2 atan(x / (1 + sqrt(1 + x^2)))), then the series to x^19. */
function atan(x: Tensor): Tensor {
  let t = x;
  for (let i = 0; i < 2; i++) t = ops.div(t, ops.add(ops.sqrt(ops.add(ops.mul(t, t), 1)), 1));
  const t2 = ops.mul(t, t);
  let acc: Tensor | number = 1 / 19;
  for (let k = 8; k >= 0; k--) acc = ops.sub(1 / (2 * k + 1), ops.mul(t2, acc));
  return ops.mul(ops.mul(t, acc), 4);
}
const asin = (x: Tensor): Tensor => ops.mul(atan(ops.div(x, ops.add(ops.sqrt(ops.sub(1, ops.mul(x, x))), 1))), 2);

export const MATH_OPS: Record<string, OpFn> = {
  Sin: unary(sin),
  Cos: unary(cos),
  Tan: unary((x) => ops.div(sin(x), cos(x))),
  Atan: unary(atan),
  Asin: unary(asin),
  Acos: unary((x) => ops.sub(Math.PI / 2, asin(x))),
  Sinh: unary((x) => ops.mul(ops.sub(ops.exp(x), ops.exp(ops.neg(x))), 0.5)),
  Cosh: unary((x) => ops.mul(ops.add(ops.exp(x), ops.exp(ops.neg(x))), 0.5)),
  Asinh: unary((x) => ops.mul(ops.sign(x), ops.log(ops.add(ops.abs(x), ops.sqrt(ops.add(ops.mul(x, x), 1)))))),
  Acosh: unary((x) => ops.log(ops.add(x, ops.sqrt(ops.sub(ops.mul(x, x), 1))))),
  Atanh: unary((x) => ops.mul(ops.log(ops.div(ops.add(x, 1), ops.sub(1, x))), 0.5)),
  Mod: mod,
  Round: unary(round),
  Shrink: unary((x, c) => {
    const l = c.float('lambd', 0.5), b = c.float('bias', 0);
    return ops.where(ops.less(x, -l), ops.add(x, b), ops.where(ops.greater(x, l), ops.sub(x, b), 0));
  }),
  Add: binary(ops.add),
  Sub: binary(ops.sub),
  Mul: binary(ops.mul),
  Div: binary(divide),
  Pow: (c) => {
    const a = c.tensor(0), b = c.tensor(1);
    const y = ops.pow(a, b);
    return [a.dtype === 'int32' ? ops.cast(y, 'int32') : y];
  },
  Max: variadic(ops.maximum),
  Min: variadic(ops.minimum),
  Sum: variadic(ops.add),
  Mean: variadic(ops.add, true),
  Equal: binary(ops.equal),
  Less: binary(ops.less),
  LessOrEqual: binary(ops.lessEqual),
  Greater: binary(ops.greater),
  GreaterOrEqual: binary(ops.greaterEqual),
  Not: unary((x) => ops.equal(x, 0)),
  And: binary((a, b) => ops.mul(asMask(a), asMask(b))),
  Or: binary((a, b) => ops.maximum(asMask(a), asMask(b))),
  Xor: binary((a, b) => ops.notEqual(asMask(a), asMask(b))),
  Where: (c) => {
    let a = c.tensor(1), b = c.tensor(2);
    if (a.dtype !== b.dtype) { a = ops.cast(a, 'float32'); b = ops.cast(b, 'float32'); }
    return [ops.where(c.tensor(0), a, b)];
  },
  Neg: unary(ops.neg),
  Abs: unary(ops.abs),
  Sign: unary((x) => (x.dtype === 'int32' ? ops.cast(ops.sign(x), 'int32') : ops.sign(x))),
  Sqrt: unary(ops.sqrt),
  Exp: unary(ops.exp),
  Log: unary(ops.log),
  Reciprocal: unary((x) => ops.div(1, x)),
  Floor: unary(floor),
  Ceil: unary(ceil),
  Erf: unary(erf),
  IsNaN: unary((x) => ops.notEqual(x, x)),
  IsInf: (c) => {
    const x = c.tensor(0);
    const pos = c.int('detect_positive', 1), neg = c.int('detect_negative', 1);
    const p = ops.equal(x, Infinity), m = ops.equal(x, -Infinity);
    return [pos && neg ? ops.maximum(p, m) : pos ? p : neg ? m : ops.mul(p, 0)];
  },
  Relu: unary(ops.relu),
  Sigmoid: unary(ops.sigmoid),
  Tanh: unary(ops.tanh),
  LeakyRelu: unary((x, c) => ops.leakyRelu(x, c.float('alpha', 0.01))),
  Elu: unary((x, c) => elu(x, c.float('alpha', 1))),
  Selu: unary((x, c) => ops.mul(elu(x, c.float('alpha', 1.67326319217681884765625)), c.float('gamma', 1.05070102214813232421875))),
  Celu: unary((x, c) => {
    const alpha = c.float('alpha', 1);
    return ops.add(ops.relu(x), ops.minimum(ops.mul(ops.sub(ops.exp(ops.div(ops.minimum(x, 0), alpha)), 1), alpha), 0));
  }),
  ThresholdedRelu: unary((x, c) => ops.mul(x, ops.greater(x, c.float('alpha', 1)))),
  PRelu: (c) => {
    const x = c.tensor(0);
    let slope = c.tensor(1);
    // Before opset 7 a [C] slope applied per channel (axis 1), not numpy-style.
    if (c.opset < 7 && slope.rank === 1 && x.rank > 2 && slope.size === x.shape[1]) slope = ops.reshape(slope, [slope.size, ...new Array<number>(x.rank - 2).fill(1)]);
    return [ops.add(ops.relu(x), ops.mul(ops.minimum(x, 0), slope))];
  },
  HardSigmoid: unary((x, c) => hardSigmoid(x, c.float('alpha', 0.2), c.float('beta', 0.5))),
  HardSwish: unary((x) => ops.mul(x, hardSigmoid(x, 1 / 6, 0.5))),
  Softplus: unary(softplus),
  Softsign: unary((x) => ops.div(x, ops.add(ops.abs(x), 1))),
  Mish: unary((x) => ops.mul(x, ops.tanh(softplus(x)))),
  Gelu: unary((x, c) => gelu(x, c.str('approximate', 'none'))),
  Clip: clip,
  Identity: (c) => [c.inputs[0]],
};
