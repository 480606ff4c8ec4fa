/**
 * The gpujs window kernels (im2col, col2im, pool, poolGrad). Each is a gather: one output element
 * per thread, looping over the window with the geometry baked in as literals. col2im and poolGrad
 * find, for an input element, the windows whose taps land on it (tap = out * stride - pad + k * dilation,
 * so out = (in + pad - k * dilation) / stride when that divides exactly).
 */
import type { KernelAttrs, WindowAttrs } from '../backend.js';
import { type GpuJsHandle, type Impl, withTemps } from './kernels.js';
import { matmul as GPUJS_MATMUL } from './matmul.js';
import { coords, fn } from './sources.js';

/** Statements naming `iy`, `ix` (a tap's input position) and `ok` (inside the image) for window output (oy, ox), tap (ky, kx). */
function tap(w: WindowAttrs, oy: string, ox: string, ky: string, kx: string): string {
  return `const iy = ${oy} * ${w.strideH} - ${w.padTop} + ${ky} * ${w.dilationH};
const ix = ${ox} * ${w.strideW} - ${w.padLeft} + ${kx} * ${w.dilationW};
const ok = iy >= 0 && iy < ${w.inH} && ix >= 0 && ix < ${w.inW};`;
}

/** Source of the loops over the windows that read input element (b, y, x, c): `body` sees oy, ox, ky, kx and the output offset o. */
function windowsOf(w: WindowAttrs, body: string): string {
  return `for (let ky = 0; ky < ${w.kH}; ky++) {
const ty = y + ${w.padTop} - ky * ${w.dilationH};
const oy = Math.floor((ty + 0.5) / ${w.strideH});
if (ty >= 0 && oy * ${w.strideH} === ty && oy < ${w.outH}) {
for (let kx = 0; kx < ${w.kW}; kx++) {
const tx = x + ${w.padLeft} - kx * ${w.dilationW};
const ox = Math.floor((tx + 0.5) / ${w.strideW});
if (tx >= 0 && ox * ${w.strideW} === tx && ox < ${w.outW}) {
const o = ((b * ${w.outH} + oy) * ${w.outW} + ox) * ${w.inC} + c;
${body}
}
}
}
}`;
}

const pixel = (w: WindowAttrs, shape: 'in' | 'out'): string =>
  `${coords(shape === 'in' ? [w.batch, w.inH, w.inW, w.inC] : [w.batch, w.outH, w.outW, w.inC], 'p', 'i')}
const b = p0;
const ${shape === 'in' ? 'y' : 'oy'} = p1;
const ${shape === 'in' ? 'x' : 'ox'} = p2;
const c = p3;`;

export const im2col: Impl<'im2col'> = (rt, [x], [out], w) => {
  const body = `${coords([w.batch, w.outH, w.outW, w.kH, w.kW, w.inC], 'p', 'i')}
${tap(w, 'p1', 'p2', 'p3', 'p4')}
let v = 0;
if (ok) {
v = x[((p0 * ${w.inH} + iy) * ${w.inW} + ix) * ${w.inC} + p5];
}
return v;`;
  rt.assign(out!, rt.launch(fn(['x'], body), out!.size, [x!]));
};

export const col2im: Impl<'col2im'> = (rt, [cols], [out], w) => {
  const K = w.kH * w.kW * w.inC;
  const body = `${pixel(w, 'in')}
let s = 0;
${windowsOf(w, `s += cols[((b * ${w.outH} + oy) * ${w.outW} + ox) * ${K} + (ky * ${w.kW} + kx) * ${w.inC} + c];`)}
return s;`;
  rt.assign(out!, rt.launch(fn(['cols'], body), out!.size, [cols!]));
};

/** Per output element: the max (first maximal tap), its tap index ky * kW + kx, or the mean; count = real taps. */
function reduceWindow(w: WindowAttrs, result: string): string {
  return `${pixel(w, 'out')}
let best = 0;
let arg = -1;
let s = 0;
let count = 0;
for (let ky = 0; ky < ${w.kH}; ky++) {
for (let kx = 0; kx < ${w.kW}; kx++) {
${tap(w, 'oy', 'ox', 'ky', 'kx')}
if (ok) {
const v = x[((b * ${w.inH} + iy) * ${w.inW} + ix) * ${w.inC} + c];
if (count === 0 || v > best) {
best = v;
arg = ky * ${w.kW} + kx;
}
s += v;
count += 1;
}
}
}
return ${result};`;
}

export const pool: Impl<'pool'> = (rt, [x], [out], at) => {
  const result = at.op === 'max' ? 'best' : 'count > 0 ? s / count : 0';
  rt.assign(out!, rt.launch(fn(['x'], reduceWindow(at, result)), out!.size, [x!]));
};

/**
 * max: a first pass finds each window's first maximal tap, then each input element sums the dy of
 * the windows whose winner it is. avg: each window's real taps form a rows x cols grid, so its count
 * is the product of the rows and the columns inside the image.
 */
export const poolGrad: Impl<'poolGrad'> = (rt, [dy, x], [out], at) => {
  if (at.op === 'avg') {
    // real taps k of one axis: 0 <= o * stride - pad + k * dil < size; floor((v + 0.5) / d) stays exact under inexact division
    const inside = (o: string, k: number, stride: number, pad: number, dil: number, size: number): string =>
      `Math.max(0, Math.min(${k}, Math.floor((${size - 1 + pad} - ${o} * ${stride} + 0.5) / ${dil}) + 1) - Math.max(0, Math.floor((${pad + dil - 1} - ${o} * ${stride} + 0.5) / ${dil})))`;
    const body = `${pixel(at, 'in')}
let s = 0;
${windowsOf(at, `const n = ${inside('oy', at.kH, at.strideH, at.padTop, at.dilationH, at.inH)} * ${inside('ox', at.kW, at.strideW, at.padLeft, at.dilationW, at.inW)};
s += dy[o] / n;`)}
return s;`;
    rt.assign(out!, rt.launch(fn(['dy'], body), out!.size, [dy!]));
    return;
  }
  const data = withTemps(rt, (keep) => {
    const nOut = dy!.size;
    const winners: GpuJsHandle = keep(rt.temp(rt.launch(fn(['x'], reduceWindow(at, 'arg')), nOut, [x!]), nOut));
    const body = `${pixel(at, 'in')}
let s = 0;
${windowsOf(at, 'if (win[o] === ky * ' + at.kW + ' + kx) {\ns += dy[o];\n}')}
return s;`;
    return rt.launch(fn(['dy', 'win'], body), out!.size, [dy!, winners]);
  });
  rt.assign(out!, data);
};

/**
 * conv2d composed from this backend's kernels: forward im2col then matmul (with the epilogue);
 * filterGrad im2col then colsᵀ · dy; inputGrad dy · filterᵀ then col2im. The cols live in a
 * temporary that is dropped however the steps end.
 */
export const conv2d: Impl<'conv2d'> = (rt, [a, b, bias], [out], at) => {
  const K = at.kH * at.kW * at.inC, pixels = at.batch * at.outH * at.outW;
  const mm = (m: number, n: number, k: number): KernelAttrs['matmul'] => ({
    batch: 1, m, n, k, transposeA: false, transposeB: false, aBatched: false, bBatched: false, bias: false, activation: 'linear', alpha: at.alpha,
  });
  withTemps(rt, (keep) => {
    const cols: GpuJsHandle = keep({ size: pixels * K, dtype: 'float32', data: null });
    if (at.mode === 'inputGrad') {
      GPUJS_MATMUL(rt, [a!, b!], [cols], { ...mm(pixels, K, at.outC), transposeB: true });
      col2im(rt, [cols], [out!], at);
      return;
    }
    im2col(rt, [a!], [cols], at);
    if (at.mode === 'forward') GPUJS_MATMUL(rt, bias ? [cols, b!, bias] : [cols, b!], [out!], { ...mm(pixels, at.outC, K), bias: at.bias, activation: at.activation });
    else GPUJS_MATMUL(rt, [cols, b!], [out!], { ...mm(K, at.outC, pixels), transposeA: true });
  });
};

/** The depthwise kernel's passes, each a gather over the window with the geometry as literals. */
export const depthwise: Impl<'depthwise'> = (rt, [a, b], [out], w) => {
  const C = w.inC, M = w.mult, OC = C * M;
  const fAt = (c: string, q: string): string => `((ky * ${w.kW} + kx) * ${C} + ${c}) * ${M} + ${q}`;
  let body: string;
  if (w.mode === 'forward') {
    body = `${coords([w.batch, w.outH, w.outW, OC], 'p', 'i')}
const c = Math.floor((p3 + 0.5) / ${M});
const q = p3 - c * ${M};
let s = 0;
for (let ky = 0; ky < ${w.kH}; ky++) {
for (let kx = 0; kx < ${w.kW}; kx++) {
${tap(w, 'p1', 'p2', 'ky', 'kx')}
if (ok) {
s += a[((p0 * ${w.inH} + iy) * ${w.inW} + ix) * ${C} + c] * b[${fAt('c', 'q')}];
}
}
}
return s;`;
  } else if (w.mode === 'inputGrad') {
    // windowsOf names o = pixel * OC + c for a channel count of OC; dy's channel c * M + q is o - c + c * M + q
    body = `${pixel(w, 'in')}
let s = 0;
${windowsOf({ ...w, inC: OC }, `for (let q = 0; q < ${M}; q++) {\ns += a[o - c + c * ${M} + q] * b[${fAt('c', 'q')}];\n}`)}
return s;`;
  } else {
    body = `${coords([w.kH, w.kW, C, M], 'p', 'i')}
const ky = p0;
const kx = p1;
let s = 0;
for (let bb = 0; bb < ${w.batch}; bb++) {
for (let oy = 0; oy < ${w.outH}; oy++) {
for (let ox = 0; ox < ${w.outW}; ox++) {
${tap(w, 'oy', 'ox', 'ky', 'kx')}
if (ok) {
s += a[((bb * ${w.inH} + iy) * ${w.inW} + ix) * ${C} + p2] * b[((bb * ${w.outH} + oy) * ${w.outW} + ox) * ${OC} + p2 * ${M} + p3];
}
}
}
}
return s;`;
  }
  rt.assign(out!, rt.launch(fn(['a', 'b'], body), out!.size, [a!, b!]));
};
