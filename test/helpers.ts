/**
 * Shared test helpers: a seeded host RNG, closeness checks for tensors and arrays, and a gradient
 * checker that compares wt.grad against central finite differences evaluated on the host.
 */
import { expect } from 'vitest';
import * as wt from '../src/index.js';
import { rng, randData } from './rand.ts';

export interface Tol {
  atol?: number;
  rtol?: number;
}

export { rng, randData } from './rand.ts';

/**
 * `size` float32 values with |x| in [0.2, 1.2) and random signs, pairwise at least 0.01 apart:
 * safely away from the kinks of relu/abs/max/min/step, so finite differences see a smooth function.
 */
export function smoothData(size: number, seed: number): Float32Array {
  const r = rng(seed);
  const mags = Array.from({ length: size }, (_, i) => 0.2 + (i + 0.5) / size);
  for (let i = mags.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [mags[i], mags[j]] = [mags[j]!, mags[i]!];
  }
  return Float32Array.from(mags, (m) => (r() < 0.5 ? -m : m));
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function flatten(x: unknown, out: number[] = []): number[] {
  if (Array.isArray(x)) for (const v of x) flatten(v, out);
  else if (ArrayBuffer.isView(x)) out.push(...(x as unknown as ArrayLike<number>) as unknown as number[]);
  else out.push(x as number);
  return out;
}

function shapeOfNested(x: unknown): number[] {
  const s: number[] = [];
  let cur = x;
  while (Array.isArray(cur)) {
    s.push(cur.length);
    cur = cur[0];
  }
  return s;
}

/** Elementwise |a - e| <= atol + rtol * |e| with a message naming the first offending index. NaN must match NaN. */
export function expectClose(actual: unknown, expected: unknown, { atol = 1e-5, rtol = 1e-5 }: Tol = {}): void {
  const a = flatten(actual);
  const e = flatten(expected);
  expect(a.length, 'number of elements').toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = e[i]!;
    if (Number.isNaN(y)) {
      expect(Number.isNaN(x), `element ${i}: expected NaN, got ${x}`).toBe(true);
      continue;
    }
    if (!Number.isFinite(y)) {
      expect(x, `element ${i}`).toBe(y);
      continue;
    }
    const ok = Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) expect.fail(`element ${i}: got ${x}, expected ${y} (atol ${atol}, rtol ${rtol}); got [${a.slice(0, 12).join(', ')}${a.length > 12 ? ', ...' : ''}]`);
  }
}

/** Check a tensor's shape, dtype (if given) and values against nested arrays (or a number). */
export async function expectTensor(t: wt.Tensor, expected: unknown, tol: Tol & { dtype?: wt.DType; shape?: readonly number[] } = {}): Promise<void> {
  const shape = tol.shape ?? shapeOfNested(expected);
  expect(t.shape, 'shape').toEqual(shape);
  if (tol.dtype) expect(t.dtype, 'dtype').toBe(tol.dtype);
  expectClose(await t.data(), expected, tol);
}

/** Exact equality of a tensor with nested arrays, including shape. */
export async function expectExact(t: wt.Tensor, expected: unknown, dtype?: wt.DType): Promise<void> {
  if (dtype) expect(t.dtype).toBe(dtype);
  expect(await t.array()).toEqual(expected);
}

export interface GradInput {
  shape: readonly number[];
  data: Float32Array;
}

/** An input for checkGrad: `shape` filled with smoothData (or the values given). */
export function input(shape: readonly number[], seed: number, data?: ArrayLike<number>): GradInput {
  const d = data ? Float32Array.from(data) : smoothData(sizeOf(shape), seed);
  expect(d.length).toBe(sizeOf(shape));
  return { shape, data: d };
}

export interface GradCheckOptions extends Tol {
  /** Finite-difference step (default 1e-2: large enough that float32 rounding stays small). */
  eps?: number;
  seed?: number;
}

/**
 * Compare wt.grad of L(x...) = sum(f(x...) * W) (W fixed random weights, so every output element
 * matters differently) against central differences (L(x + h) - L(x - h)) / (2h) per element,
 * where L is evaluated with the cpu backend and summed in float64 on the host. Also checks that
 * the gradient computation leaves no tensor behind.
 */
export async function checkGrad(f: (...xs: wt.Tensor[]) => wt.Tensor, inputs: readonly GradInput[], opts: GradCheckOptions = {}): Promise<void> {
  const { eps = 1e-2, atol = 2e-3, rtol = 2e-2, seed = 7 } = opts;
  const before = wt.memory().numTensors;
  const xs = inputs.map((i) => wt.tensor(i.data, i.shape));
  const yShape = wt.tidy(() => f(...xs).shape.slice());
  const w = randData(sizeOf(yShape), seed, 0.5, 1.5);
  const wT = wt.tensor(w, yShape);

  const loss = (...a: wt.Tensor[]): wt.Tensor => wt.sum(wt.mul(f(...a), wT));
  const analytic = wt.grad<wt.Tensor[]>(loss)(xs);
  expect(analytic.length).toBe(xs.length);

  const evalHost = async (datas: Float32Array[]): Promise<number> => {
    const ts = datas.map((d, i) => wt.tensor(d, inputs[i]!.shape));
    // tidy: constants that f creates are released too
    const y = wt.tidy(() => f(...ts));
    const v = await y.data();
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * w[i]!;
    y.dispose();
    ts.forEach((t) => t.dispose());
    return s;
  };

  for (let k = 0; k < inputs.length; k++) {
    const g = await analytic[k]!.data();
    expect(analytic[k]!.shape, `grad ${k} shape`).toEqual(inputs[k]!.shape);
    const numeric = new Float64Array(g.length);
    for (let j = 0; j < g.length; j++) {
      const plus = inputs.map((i) => i.data.slice());
      const minus = inputs.map((i) => i.data.slice());
      plus[k]![j] = inputs[k]!.data[j]! + eps;
      minus[k]![j] = inputs[k]!.data[j]! - eps;
      // The step actually taken after rounding to float32.
      const h = plus[k]![j]! - minus[k]![j]!;
      numeric[j] = ((await evalHost(plus)) - (await evalHost(minus))) / h;
    }
    try {
      expectClose(g, numeric, { atol, rtol });
    } catch (e) {
      throw new Error(`gradient of input ${k} ${JSON.stringify(inputs[k]!.shape)}: ${(e as Error).message}\n  numeric: [${Array.from(numeric.slice(0, 12), (v) => v.toFixed(5)).join(', ')}]`);
    }
  }
  analytic.forEach((t) => t.dispose());
  xs.forEach((t) => t.dispose());
  wT.dispose();
  expect(wt.memory().numTensors, 'tensors left behind by the gradient check').toBe(before);
}
