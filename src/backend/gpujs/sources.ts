/**
 * gpu.js kernel sources, generated per kernel variant. Every kernel is a 1-D gpu.js kernel over the
 * flat output index; shapes, strides and other specialising attributes are baked into the text as
 * literals, so loops have constant bounds (a GLSL requirement) and each variant compiles once.
 *
 * gpu.js computes in float32 everywhere except bitwise operators (int32), so indices stay exact only
 * below 2^24: the backend sends larger tensors to the cpu kernels. Integer division is written as
 * floor((i + 0.5) / n), which stays exact under the few-ulp division error of GPU shaders.
 */
import type { ActivationGradOp, Activation, BinaryOp, UnaryOp } from '../backend.js';

/** A number as a source literal (gpu.js has no Infinity or NaN literals). */
export function lit(v: number): string {
  if (Number.isNaN(v)) return '(0.0 / 0.0)';
  if (v === Infinity) return '(1.0 / 0.0)';
  if (v === -Infinity) return '(-1.0 / 0.0)';
  return String(v);
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/**
 * Statements splitting the float index `from` over `shape` into coordinates `${p}0 .. ${p}(r-1)`.
 * Size-1 axes get the literal 0 so later expressions fold them away.
 */
export function coords(shape: readonly number[], p: string, from: string): string {
  const lines = [`let ${p}r = ${from};`];
  for (let d = 0; d < shape.length; d++) {
    const inner = prod(shape.slice(d + 1));
    if (shape[d] === 1) lines.push(`const ${p}${d} = 0;`);
    else if (d === shape.length - 1) lines.push(`const ${p}${d} = ${p}r;`);
    else lines.push(`const ${p}${d} = Math.floor((${p}r + 0.5) / ${inner});`, `${p}r = ${p}r - ${p}${d} * ${inner};`);
  }
  return lines.join('\n');
}

/** `offset + sum(coord_d * strides[d])`, skipping zero terms. */
export function dot(shape: readonly number[], strides: readonly number[], p: string, offset = 0): string {
  const terms: string[] = offset ? [String(offset)] : [];
  shape.forEach((n, d) => {
    const s = strides[d]!;
    if (n !== 1 && s !== 0) terms.push(s === 1 ? `${p}${d}` : `${p}${d} * ${s}`);
  });
  return terms.length ? terms.join(' + ') : '0';
}

export function activationExpr(act: Activation, v: string, alpha: number): string {
  switch (act) {
    case 'linear': return v;
    case 'relu': return `(${v} > 0 ? ${v} : 0)`;
    case 'sigmoid': return `1 / (1 + Math.exp(-${v}))`;
    // GLSL's tanh may overflow to NaN for large arguments; tanh(+-20) is already +-1 in float32.
    case 'tanh': return `Math.tanh(Math.min(Math.max(${v}, -20), 20))`;
    case 'leakyRelu': return `(${v} > 0 ? ${v} : ${lit(alpha)} * ${v})`;
    case 'step': return `(${v} > 0 ? 1 : 0)`;
  }
}

export function unaryExpr(op: UnaryOp, x: string, alpha: number): string {
  switch (op) {
    case 'neg': return `-${x}`;
    case 'exp': return `Math.exp(${x})`;
    case 'log': return `Math.log(${x})`;
    case 'sqrt': return `Math.sqrt(${x})`;
    case 'abs': return `Math.abs(${x})`;
    case 'sign': return `(${x} > 0 ? 1 : (${x} < 0 ? -1 : 0))`;
    // NaN passes through relu and step, as in TensorFlow.js; step's alpha is its value at x <= 0.
    case 'relu': return `((${x} > 0 || ${x} !== ${x}) ? ${x} : 0)`;
    case 'step': return `(${x} > 0 ? 1 : (${x} !== ${x} ? ${x} : ${lit(alpha)}))`;
    case 'ceil': return `Math.ceil(${x})`;
    case 'floor': return `Math.floor(${x})`;
    // half to even: floor(x + 0.5), less one where x sat exactly halfway and that landed on an odd number
    case 'round': return `(Math.floor(${x} + 0.5) - ((Math.floor(${x} + 0.5) - ${x} === 0.5 && Math.floor(${x} + 0.5) - 2 * Math.floor((Math.floor(${x} + 0.5)) * 0.5) !== 0) ? 1 : 0))`;
    case 'sin': return `Math.sin(${x})`;
    case 'cos': return `Math.cos(${x})`;
    case 'tan': return `Math.tan(${x})`;
    case 'asin': return `Math.asin(${x})`;
    case 'acos': return `Math.acos(${x})`;
    case 'atan': return `Math.atan(${x})`;
    case 'sinh': return `((Math.exp(${x}) - Math.exp(-${x})) * 0.5)`;
    case 'cosh': return `((Math.exp(${x}) + Math.exp(-${x})) * 0.5)`;
    case 'asinh': return `(Math.sign(${x}) * Math.log(Math.abs(${x}) + Math.sqrt(${x} * ${x} + 1)))`;
    case 'acosh': return `Math.log(${x} + Math.sqrt(${x} * ${x} - 1))`;
    case 'atanh': return `(0.5 * Math.log((1 + ${x}) / (1 - ${x})))`;
    case 'erf': return `(Math.sign(${x}) * (1 - (1 / (1 + 0.3275911 * Math.abs(${x}))) * (0.254829592 + (1 / (1 + 0.3275911 * Math.abs(${x}))) * (-0.284496736 + (1 / (1 + 0.3275911 * Math.abs(${x}))) * (1.421413741 + (1 / (1 + 0.3275911 * Math.abs(${x}))) * (-1.453152027 + (1 / (1 + 0.3275911 * Math.abs(${x}))) * 1.061405429)))) * Math.exp(-${x} * ${x})))`;
    case 'expm1': return `(Math.abs(${x}) < 0.01 ? ${x} * (1 + ${x} * (0.5 + ${x} * (0.16666667 + ${x} * 0.041666668))) : Math.exp(${x}) - 1)`;
    case 'log1p': return `((1 + ${x}) - 1 === 0 ? ${x} : Math.log(1 + ${x}) * ${x} / ((1 + ${x}) - 1))`;
    // GLSL may assume no NaN: the comparisons are the best it offers.
    case 'isNaN': return `(${x} !== ${x} ? 1 : 0)`;
    case 'isInf': return `(Math.abs(${x}) > 3.4028234e38 ? 1 : 0)`;
    case 'isFinite': return `(Math.abs(${x}) <= 3.4028234e38 ? 1 : 0)`;
    default: return activationExpr(op, x, alpha);
  }
}

/**
 * A binary op's expression. gpu.js textures hold float32, so int32 operands are whole floats: the
 * int32 forms are exact while values stay below 2^24 (no 32-bit wrap-around), and divide by 0 gives 0.
 */
export function binaryExpr(op: BinaryOp, x: string, y: string, dtype: 'float32' | 'int32' = 'float32'): string {
  if (dtype === 'int32' && (op === 'floorDiv' || op === 'mod')) return `(${y} === 0 ? 0 : ${binaryExpr(op, x, y)})`;
  switch (op) {
    case 'add': return `${x} + ${y}`;
    case 'sub': return `${x} - ${y}`;
    case 'mul': return `${x} * ${y}`;
    case 'div': return `${x} / ${y}`;
    // NaN in x wins, as in the cpu reference (a NaN in y falls through to y).
    case 'max': return `((${x} >= ${y} || ${x} !== ${x}) ? ${x} : ${y})`;
    case 'min': return `((${x} <= ${y} || ${x} !== ${x}) ? ${x} : ${y})`;
    // GLSL pow is undefined for a negative base and for 0^0: spell out JavaScript's rules.
    case 'pow': return `(${y} === 0 ? 1 : (${x} < 0 ? (Math.floor(${y}) === ${y} ? (Math.floor(${y} * 0.5) * 2 === ${y} ? Math.pow(-${x}, ${y}) : -Math.pow(-${x}, ${y})) : ${lit(NaN)}) : Math.pow(${x}, ${y})))`;
    case 'equal': return `(${x} === ${y} ? 1 : 0)`;
    case 'notEqual': return `(${x} !== ${y} ? 1 : 0)`;
    case 'less': return `(${x} < ${y} ? 1 : 0)`;
    case 'lessEqual': return `(${x} <= ${y} ? 1 : 0)`;
    case 'greater': return `(${x} > ${y} ? 1 : 0)`;
    case 'greaterEqual': return `(${x} >= ${y} ? 1 : 0)`;
    case 'floorDiv': return `Math.floor(${x} / ${y})`;
    case 'atan2': return `Math.atan2(${x}, ${y})`;
    case 'bitwiseAnd': return bitwiseAndExpr(x, y);
    // Floor mod (the divisor's sign), as TensorFlow.js's.
    case 'mod': return `(${x} - ${y} * Math.floor(${x} / ${y}))`;
  }
}

export function gradExpr(op: ActivationGradOp, d: string, v: string, alpha: number): string {
  switch (op) {
    case 'tanhGrad': return `${d} * (1 - ${v} * ${v})`;
    case 'sigmoidGrad': return `${d} * ${v} * (1 - ${v})`;
    case 'reluGrad': return `(${v} > 0 ? ${d} : 0)`;
    case 'leakyReluGrad': return `(${v} > 0 ? ${d} : ${lit(alpha)} * ${d})`;
  }
}

/** A kernel function's source text. */
export function fn(args: readonly string[], body: string): string {
  return `function(${args.join(', ')}) {\nconst i = this.thread.x;\n${body}\n}`;
}

/**
 * Statements that split a float index over [outer, size, inner] into `p` (outer) and `q` (inner)
 * and name the flat offset of element 0 along the axis `base`.
 */
export function axisBase(outer: number, size: number, inner: number): string {
  const pq = inner === 1 ? 'const p = i;\nconst q = 0;'
    : outer === 1 ? 'const p = 0;\nconst q = i;'
      : `const p = Math.floor((i + 0.5) / ${inner});\nconst q = i - p * ${inner};`;
  return `${pq}\nconst base = p * ${size * inner} + q;`;
}

/** p & q for whole floats 0 <= p, q < 2^24, bit by bit: gpu.js textures hold floats, with no integer bit operators. */
function andNonNegative(p: string, q: string): string {
  const bit = (v: string, k: number): string => `(Math.floor(${v} / ${2 ** k}) - 2 * Math.floor(${v} / ${2 ** (k + 1)}))`;
  const terms: string[] = [];
  for (let k = 0; k < 24; k++) terms.push(`${2 ** k} * ${bit(p, k)} * ${bit(q, k)}`);
  return `(${terms.join(' + ')})`;
}

/**
 * Two's-complement x & y for whole floats |x|, |y| < 2^24, from the non-negative AND: a negative v
 * is ~w for w = -v - 1 >= 0, and x & ~w = x - (x & w), ~u & ~w = ~(u | w) = -(u + w - (u & w)) - 1.
 */
function bitwiseAndExpr(x: string, y: string): string {
  const nx = `(-${x} - 1)`, ny = `(-${y} - 1)`;
  return `(${x} >= 0 ? (${y} >= 0 ? ${andNonNegative(x, y)} : ${x} - ${andNonNegative(x, ny)}) : (${y} >= 0 ? ${y} - ${andNonNegative(y, nx)} : -(${nx} + ${ny} - ${andNonNegative(nx, ny)}) - 1))`;
}
