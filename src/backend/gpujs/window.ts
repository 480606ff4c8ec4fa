/**
 * The gpujs window kernels (im2col, col2im, pool, poolGrad). Each is a gather: one output element
 * per thread, looping over the window with the geometry baked in as literals. col2im and poolGrad
 * find, for an input element, the windows whose taps land on it (tap = out * stride - pad + k * dilation,
 * so out = (in + pad - k * dilation) / stride when that divides exactly).
 */
import type { WindowAttrs } from '../backend.js';
import { type GpuJsHandle, type Impl, withTemps } from './kernels.js';
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
