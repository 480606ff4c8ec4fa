/** The cpu kernels: one plain function per kernel of the kernel set, over typed arrays. */
import type { Activation, ActivationGradOp, BinaryOp, KernelTable, UnaryOp } from '../backend.js';
import { normal, uniform } from '../random.js';
import { stridesOf, sizeOf } from '../../shape.js';
import type { CpuHandle } from './index.js';
import { matmulInto } from './matmul.js';
import { col2im, im2col, pool, poolGrad } from './window.js';
import { conv2d, depthwise } from './conv.js';
import { scan, topk } from './scan.js';

const f32 = Math.fround;

export function activate(v: number, act: Activation, alpha: number): number {
  switch (act) {
    case 'linear': return v;
    case 'relu': return v > 0 ? v : 0;
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'tanh': return Math.tanh(v);
    case 'leakyRelu': return v > 0 ? v : alpha * v;
    case 'step': return v > 0 ? 1 : 0;
  }
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return (a, b) => a * b;
    case 'div': return (a, b) => a / b;
    case 'max': return (a, b) => (a >= b || Number.isNaN(a) ? a : b);
    case 'min': return (a, b) => (a <= b || Number.isNaN(a) ? a : b);
    case 'pow': return (a, b) => Math.pow(a, b);
    case 'equal': return (a, b) => (a === b ? 1 : 0);
    case 'notEqual': return (a, b) => (a !== b ? 1 : 0);
    case 'less': return (a, b) => (a < b ? 1 : 0);
    case 'lessEqual': return (a, b) => (a <= b ? 1 : 0);
    case 'greater': return (a, b) => (a > b ? 1 : 0);
    case 'greaterEqual': return (a, b) => (a >= b ? 1 : 0);
    case 'floorDiv': return (a, b) => Math.floor(a / b);
    case 'atan2': return Math.atan2;
    // int32 only (the op refuses float operands); the float form is what ToInt32 makes of them.
    case 'bitwiseAnd': return (a, b) => a & b;
    // TensorFlow.js's floor mod: the remainder takes the divisor's sign.
    case 'mod': return (a, b) => { const r = a % b; return (a < 0 && b < 0) || (a >= 0 && b >= 0) ? r : (r + b) % b; };
  }
}

/**
 * int32 forms: exact, wrapping as two's complement when stored into the Int32Array (mul through
 * Math.imul, whose product a double could not hold). Division by 0 gives 0. Math.floor(a / b) is
 * exact for int32 operands: the double quotient's error is below 1 / |b|, the smallest distance
 * of a non-whole quotient from a whole one.
 */
function intBinaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'mul': return Math.imul;
    case 'floorDiv': return (a, b) => (b === 0 ? 0 : Math.floor(a / b));
    case 'mod': return (a, b) => { if (b === 0) return 0; const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; };
    default: return binaryFn(op);
  }
}

function unaryFn(op: UnaryOp, alpha: number): (x: number) => number {
  switch (op) {
    case 'neg': return (x) => -x;
    case 'exp': return Math.exp;
    case 'log': return Math.log;
    case 'sqrt': return Math.sqrt;
    case 'abs': return Math.abs;
    case 'sign': return (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    case 'tanh': return Math.tanh;
    case 'sigmoid': return (x) => 1 / (1 + Math.exp(-x));
    // NaN passes through relu and step, as in TensorFlow.js; step's alpha is its value at x <= 0.
    case 'relu': return (x) => (x > 0 || x !== x ? x : 0);
    case 'leakyRelu': return (x) => (x > 0 ? x : alpha * x);
    case 'step': return (x) => (x > 0 ? 1 : x !== x ? x : alpha);
    case 'ceil': return Math.ceil;
    case 'floor': return Math.floor;
    // half to even, as TensorFlow.js
    case 'round': return (x) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; };
    case 'sin': return Math.sin;
    case 'cos': return Math.cos;
    case 'tan': return Math.tan;
    case 'asin': return Math.asin;
    case 'acos': return Math.acos;
    case 'atan': return Math.atan;
    case 'sinh': return Math.sinh;
    case 'cosh': return Math.cosh;
    case 'asinh': return Math.asinh;
    case 'acosh': return Math.acosh;
    case 'atanh': return Math.atanh;
    case 'erf': return erf;
    case 'expm1': return Math.expm1;
    case 'log1p': return Math.log1p;
    case 'isNaN': return (x) => (x !== x ? 1 : 0);
    case 'isInf': return (x) => (x === Infinity || x === -Infinity ? 1 : 0);
    case 'isFinite': return (x) => (Number.isFinite(x) ? 1 : 0);
  }
}

/** erf by Abramowitz and Stegun 7.1.26, the approximation TensorFlow.js's cpu backend uses (error below 1.5e-7). */
function erf(v: number): number {
  const x = Math.abs(v);
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return v < 0 ? -y : y;
}

function gradFn(op: ActivationGradOp, alpha: number): (dy: number, v: number) => number {
  switch (op) {
    case 'tanhGrad': return (dy, y) => dy * (1 - y * y);
    case 'sigmoidGrad': return (dy, y) => dy * y * (1 - y);
    case 'reluGrad': return (dy, x) => (x > 0 ? dy : 0);
    case 'leakyReluGrad': return (dy, x) => (x > 0 ? dy : alpha * dy);
  }
}

/** Visit every output index of `shape`, giving the flat offsets into up to two strided inputs. */
function forEachStrided(shape: readonly number[], sa: readonly number[], sb: readonly number[], fn: (o: number, ia: number, ib: number) => void): void {
  const rank = shape.length;
  const n = sizeOf(shape);
  if (rank === 0) { if (n) fn(0, 0, 0); return; }
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const dLast = shape[last]!, aLast = sa[last]!, bLast = sb[last]!;
  let ia = 0, ib = 0;
  for (let o = 0; o < n; o += dLast) {
    for (let j = 0; j < dLast; j++) fn(o + j, ia + j * aLast, ib + j * bLast);
    // advance the outer index (all axes but the last)
    for (let ax = last - 1; ax >= 0; ax--) {
      idx[ax]!++;
      ia += sa[ax]!;
      ib += sb[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      ia -= sa[ax]! * shape[ax]!;
      ib -= sb[ax]! * shape[ax]!;
      idx[ax] = 0;
    }
  }
}

function bstrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = stridesOf(shape);
  const off = out.length - shape.length;
  return out.map((_, i) => (i - off < 0 || shape[i - off] === 1 ? 0 : st[i - off]!));
}

export const KERNELS: KernelTable<CpuHandle> = {
  matmul([a, b, bias], [out], attrs) {
    matmulInto(a!.data as Float32Array, b!.data as Float32Array, out!.data as Float32Array, attrs);
    if (attrs.bias || attrs.activation !== 'linear') {
      const o = out!.data, n = attrs.n;
      const bv = bias?.data;
      for (let i = 0; i < o.length; i++) {
        const v = bv ? f32(o[i]! + bv[i % n]!) : o[i]!;
        o[i] = activate(v, attrs.activation, attrs.alpha);
      }
    }
  },

  binary([a, b], [out], { op, dtype, aShape, bShape, outShape }) {
    const f = dtype === 'int32' ? intBinaryFn(op) : binaryFn(op);
    const x = a!.data, y = b!.data, o = out!.data;
    if (x.length === o.length && y.length === o.length) {
      for (let i = 0; i < o.length; i++) o[i] = f(x[i]!, y[i]!);
    } else if (y.length === 1) {
      const s = y[0]!;
      for (let i = 0; i < o.length; i++) o[i] = f(x[i]!, s);
    } else {
      forEachStrided(outShape, bstrides(aShape, outShape), bstrides(bShape, outShape), (i, ia, ib) => { o[i] = f(x[ia]!, y[ib]!); });
    }
  },

  unary([x], [out], { op, alpha }) {
    const f = unaryFn(op, alpha);
    const a = x!.data, o = out!.data;
    for (let i = 0; i < o.length; i++) o[i] = f(a[i]!);
  },

  activationGrad([dy, v], [out], { op, alpha }) {
    const f = gradFn(op, alpha);
    const d = dy!.data, w = v!.data, o = out!.data;
    for (let i = 0; i < o.length; i++) o[i] = f(d[i]!, f32(w[i]!));
  },

  reduce([x], [out], { op, dtype, outer, size, inner }) {
    const a = x!.data, o = out!.data;
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        const base = p * size * inner + q;
        if (op === 'sum') {
          // Pairwise-free but in float64, rounded once: the most accurate reference.
          let s = 0;
          if (dtype === 'int32') for (let i = 0; i < size; i++) s = (s + a[base + i * inner]!) | 0;
          else for (let i = 0; i < size; i++) s += a[base + i * inner]!;
          o[p * inner + q] = s;
        } else if (op === 'prod') {
          // float64, rounded once, as the sum; int32 wraps at every step (exact)
          let s = 1;
          if (dtype === 'int32') for (let i = 0; i < size; i++) s = Math.imul(s, a[base + i * inner]!);
          else for (let i = 0; i < size; i++) s *= a[base + i * inner]!;
          o[p * inner + q] = s;
        } else if (op === 'argmax') {
          let best = -Infinity, bi = 0;
          for (let i = 0; i < size; i++) {
            const v = a[base + i * inner]!;
            if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) { best = v; bi = i; }
          }
          o[p * inner + q] = bi;
        } else {
          let m = op === 'max' ? -Infinity : Infinity;
          for (let i = 0; i < size; i++) {
            const v = a[base + i * inner]!;
            if (op === 'max' ? v > m || Number.isNaN(v) : v < m || Number.isNaN(v)) m = v;
          }
          o[p * inner + q] = m;
        }
      }
    }
  },

  softmax([x], [out], { outer, size, inner, log }) {
    const a = x!.data, o = out!.data;
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        const base = p * size * inner + q;
        let m = -Infinity;
        for (let i = 0; i < size; i++) m = Math.max(m, a[base + i * inner]!);
        let s = 0;
        for (let i = 0; i < size; i++) s += Math.exp(a[base + i * inner]! - m);
        if (log) {
          const ls = Math.log(s);
          for (let i = 0; i < size; i++) o[base + i * inner] = a[base + i * inner]! - m - ls;
        } else {
          for (let i = 0; i < size; i++) o[base + i * inner] = Math.exp(a[base + i * inner]! - m) / s;
        }
      }
    }
  },

  softmaxGrad([dy, y], [out], { outer, size, inner, log }) {
    const d = dy!.data, v = y!.data, o = out!.data;
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        const base = p * size * inner + q;
        let s = 0;
        for (let i = 0; i < size; i++) s += log ? d[base + i * inner]! : d[base + i * inner]! * v[base + i * inner]!;
        for (let i = 0; i < size; i++) {
          const j = base + i * inner;
          o[j] = log ? d[j]! - Math.exp(v[j]!) * s : v[j]! * (d[j]! - s);
        }
      }
    }
  },

  strided([x], [out], { shape, strides, offset }) {
    const a = x!.data, o = out!.data;
    forEachStrided(shape, strides, strides, (i, ia) => { o[i] = a[offset + ia]!; });
  },

  pad([x], [out], { xShape, outShape, begin }) {
    const a = x!.data, o = out!.data;
    o.fill(0);
    const ost = stridesOf(outShape);
    const offset = begin.reduce((acc, v, i) => acc + v * ost[i]!, 0);
    forEachStrided(xShape, ost, ost, (i, io) => { o[offset + io] = a[i]!; });
  },

  concat([a, b], [out], { outer, aLen, bLen, inner }) {
    const x = a!.data, y = b!.data, o = out!.data;
    const ra = aLen * inner, rb = bLen * inner;
    for (let p = 0; p < outer; p++) {
      o.set(x.subarray(p * ra, (p + 1) * ra), p * (ra + rb));
      o.set(y.subarray(p * rb, (p + 1) * rb), p * (ra + rb) + ra);
    }
  },

  gather([x, idx], [out], { outer, axisLen, inner, numIdx }) {
    const a = x!.data, ix = idx!.data, o = out!.data;
    for (let p = 0; p < outer; p++) {
      for (let j = 0; j < numIdx; j++) {
        const k = ix[j]!;
        const dst = (p * numIdx + j) * inner;
        if (k < 0 || k >= axisLen) o.fill(0, dst, dst + inner);
        else o.set(a.subarray((p * axisLen + k) * inner, (p * axisLen + k + 1) * inner), dst);
      }
    }
  },

  scatterAdd([dy, idx], [out], { outer, axisLen, inner, numIdx }) {
    const d = dy!.data, ix = idx!.data, o = out!.data;
    const acc = new Float64Array(o.length);
    if (inner === 1) {
      // one number per index (bincount, segment sums of a vector): no inner loop
      for (let p = 0; p < outer; p++) {
        const src = p * numIdx, dst = p * axisLen;
        for (let j = 0; j < numIdx; j++) {
          const k = ix[j]!;
          if (k >= 0 && k < axisLen) acc[dst + k]! += d[src + j]!;
        }
      }
      o.set(acc);
      return;
    }
    for (let p = 0; p < outer; p++) {
      for (let j = 0; j < numIdx; j++) {
        const k = ix[j]!;
        if (k < 0 || k >= axisLen) continue;
        const src = (p * numIdx + j) * inner, dst = (p * axisLen + k) * inner;
        for (let q = 0; q < inner; q++) acc[dst + q]! += d[src + q]!;
      }
    }
    o.set(acc);
  },

  oneHot([idx], [out], { depth, onValue, offValue }) {
    const ix = idx!.data, o = out!.data;
    o.fill(offValue);
    for (let i = 0; i < ix.length; i++) {
      const k = ix[i]!;
      if (k >= 0 && k < depth) o[i * depth + k] = onValue;
    }
  },

  where([c, a, b], [out]) {
    const cd = c!.data, x = a!.data, y = b!.data, o = out!.data;
    for (let i = 0; i < o.length; i++) o[i] = cd[i] !== 0 ? x[i]! : y[i]!;
  },

  cast([x], [out]) {
    const a = x!.data, o = out!.data;
    for (let i = 0; i < o.length; i++) o[i] = o instanceof Int32Array ? Math.trunc(a[i]!) | 0 : a[i]!;
  },

  random(_in, [out], { dist, seed, a, b }) {
    const o = out!.data;
    if (dist === 'uniform') for (let i = 0; i < o.length; i++) o[i] = a + (b - a) * uniform(seed, i);
    else for (let i = 0; i < o.length; i++) o[i] = a + b * normal(seed, i);
  },

  optimizer([g], [p, s1, s2], at) {
    const grad = g!.data, param = p!.data;
    const n = param.length;
    switch (at.kind) {
      case 'sgd':
        for (let i = 0; i < n; i++) param[i]! -= at.lr * grad[i]!;
        break;
      case 'momentum': {
        const v = s1!.data;
        for (let i = 0; i < n; i++) {
          v[i] = at.momentum * v[i]! - at.lr * grad[i]!;
          param[i]! += at.nesterov ? at.momentum * v[i]! - at.lr * grad[i]! : v[i]!;
        }
        break;
      }
      case 'rmsprop': {
        const ms = s1!.data;
        for (let i = 0; i < n; i++) {
          const gi = grad[i]!;
          ms[i] = at.rho * ms[i]! + (1 - at.rho) * gi * gi;
          param[i]! -= (at.lr * gi) / (Math.sqrt(ms[i]!) + at.epsilon);
        }
        break;
      }
      case 'adam': {
        const m = s1!.data, v = s2!.data;
        const lrT = (at.lr * Math.sqrt(1 - Math.pow(at.beta2, at.t))) / (1 - Math.pow(at.beta1, at.t));
        for (let i = 0; i < n; i++) {
          const gi = grad[i]!;
          m[i] = at.beta1 * m[i]! + (1 - at.beta1) * gi;
          v[i] = at.beta2 * v[i]! + (1 - at.beta2) * gi * gi;
          param[i]! -= (lrT * m[i]!) / (Math.sqrt(v[i]!) + at.epsilon);
        }
        break;
      }
    }
  },

  im2col([x], [out], at) {
    im2col(x!.data as Float32Array, out!.data as Float32Array, at);
  },

  col2im([cols], [out], at) {
    col2im(cols!.data as Float32Array, out!.data as Float32Array, at);
  },

  pool([x], [out], at) {
    pool(x!.data as Float32Array, out!.data as Float32Array, at);
  },

  poolGrad([dy, x], [out], at) {
    poolGrad(dy!.data as Float32Array, x!.data as Float32Array, out!.data as Float32Array, at);
  },

  conv2d([a, b, bias], [out], at) {
    const o = out!.data as Float32Array;
    conv2d(a!.data as Float32Array, b!.data as Float32Array, o, at);
    if (at.mode === 'forward' && (at.bias || at.activation !== 'linear')) {
      const bv = bias?.data, n = at.outC;
      for (let i = 0; i < o.length; i++) o[i] = activate(bv ? f32(o[i]! + bv[i % n]!) : o[i]!, at.activation, at.alpha);
    }
  },

  depthwise([a, b], [out], at) {
    depthwise(a!.data as Float32Array, b!.data as Float32Array, out!.data as Float32Array, at);
  },

  scan([x], [out], at) {
    scan(x!.data, out!.data, at);
  },

  topk([x], [vals, idx], at) {
    topk(x!.data, vals!.data, idx!.data as Int32Array, at);
  },
};
