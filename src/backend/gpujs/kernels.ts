/**
 * The gpujs kernels: each builds the gpu.js source of its variant (./sources.ts) and launches it
 * through a Launcher, which caches compiled kernels and keeps results on the device. Multi-step
 * kernels (softmax, optimizers) release their temporaries and commit outputs only once every step
 * has run, so a failing step leaves the outputs untouched for the cpu fallback.
 */
import type { KernelAttrs, KernelName } from '../backend.js';
import type { StorageDType as DType } from '../../dtype.js';
import { stridesOf } from '../../shape.js';
import { activationExpr, axisBase, binaryExpr, coords, dot, fn, gradExpr, lit, unaryExpr } from './sources.js';
import { randomKey, randomSource } from './random-source.js';
import { col2im, conv2d, depthwise, im2col, pool, poolGrad } from './window.js';
import { matmul } from './matmul.js';
import { scan, topk } from './scan.js';

/** What a gpu.js kernel returns: a host array (cpu/wasm modes) or a device texture (WebGL modes). */
export interface GpuTexture {
  toArray(): ArrayLike<number>;
  delete(): void;
}
export type DeviceData = Float32Array | GpuTexture;

/** A gpujs buffer: int32 values are stored as floats (exact up to 2^24). */
export interface GpuJsHandle {
  readonly size: number;
  readonly dtype: DType;
  data: DeviceData | null;
}

export type Arg = GpuJsHandle | number;

export interface Launcher {
  /** True on WebGL modes: results live in textures and transcendental functions are less exact. */
  readonly device: boolean;
  /** Run the gpu.js kernel `src` over `size` outputs. */
  launch(src: string, size: number, args: readonly Arg[]): DeviceData;
  /** Give `h` new contents, releasing its old ones. */
  assign(h: GpuJsHandle, data: DeviceData): void;
  /** A temporary handle over launched data, for a later step of the same kernel. */
  temp(data: DeviceData, size: number): GpuJsHandle;
  /** Release a temporary (nothing happens when its data was moved away). */
  drop(h: GpuJsHandle): void;
  /** Move a temporary's data into `to`, releasing what `to` held. */
  move(from: GpuJsHandle, to: GpuJsHandle): void;
}

export type Impl<K extends KernelName> = (rt: Launcher, inputs: readonly GpuJsHandle[], outputs: readonly GpuJsHandle[], attrs: KernelAttrs[K]) => void;
export type GpuJsKernelTable = { [K in KernelName]: Impl<K> };

/** Run `steps` with temporaries that are always dropped, even when a step throws. */
export function withTemps<T>(rt: Launcher, body: (keep: (h: GpuJsHandle) => GpuJsHandle) => T): T {
  const temps: GpuJsHandle[] = [];
  try {
    return body((h) => (temps.push(h), h));
  } finally {
    for (const t of temps) rt.drop(t);
  }
}

/** Broadcast strides of `shape` read as `out` (0 on broadcast axes). */
function bstrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = stridesOf(shape);
  const off = out.length - shape.length;
  return out.map((_, d) => (d - off < 0 || shape[d - off] === 1 ? 0 : st[d - off]!));
}

/** The row statistic kernel: one value per [outer, inner] position from a loop along `size`. */
function rowLoop(attrs: { outer: number; size: number; inner: number }, args: string[], init: string, step: string, result: string): string {
  const { outer, size, inner } = attrs;
  return fn(args, `${axisBase(outer, size, inner)}
${init}
for (let j = 0; j < ${size}; j++) {
const at = base + j * ${inner};
${step}
}
return ${result};`);
}

/** Loop pieces of a Kahan-compensated sum of `term` (float32 sums over long rows drift from the cpu's float64). */
const KAHAN_INIT = 'let s = 0;\nlet c = 0;';
const kahan = (term: string): string => `const ky = ${term} - c;\nconst kt = s + ky;\nc = (kt - s) - ky;\ns = kt;`;

/** The [outer, inner] index of element i of an [outer, size, inner] array, as source. */
function rowOf(size: number, inner: number): string {
  if (inner === 1) return `const row = Math.floor((i + 0.5) / ${size});`;
  return `const p = Math.floor((i + 0.5) / ${size * inner});\nconst row = p * ${inner} + (i - p * ${size * inner}) - Math.floor((i - p * ${size * inner} + 0.5) / ${inner}) * ${inner};`;
}

export const GPUJS_KERNELS: GpuJsKernelTable = {
  matmul,

  binary(rt, [a, b], [out], { op, dtype, aShape, bShape, outShape }) {
    const size = out!.size;
    let body: string;
    if (a!.size === size && b!.size === size) body = `return ${binaryExpr(op, 'a[i]', 'b[i]', dtype)};`;
    else if (b!.size === 1 && a!.size === size) body = `return ${binaryExpr(op, 'a[i]', 'b[0]', dtype)};`;
    else {
      body = `${coords(outShape, 'c', 'i')}
const x = a[${dot(outShape, bstrides(aShape, outShape), 'c')}];
const y = b[${dot(outShape, bstrides(bShape, outShape), 'c')}];
return ${binaryExpr(op, 'x', 'y', dtype)};`;
    }
    rt.assign(out!, rt.launch(fn(['a', 'b'], body), size, [a!, b!]));
  },

  unary(rt, [x], [out], { op, alpha }) {
    rt.assign(out!, rt.launch(fn(['x'], `const v = x[i];\nreturn ${unaryExpr(op, 'v', alpha)};`), out!.size, [x!]));
  },

  activationGrad(rt, [dy, v], [out], { op, alpha }) {
    const body = `const d = dy[i];\nconst w = v[i];\nreturn ${gradExpr(op, 'd', 'w', alpha)};`;
    rt.assign(out!, rt.launch(fn(['dy', 'v'], body), out!.size, [dy!, v!]));
  },

  reduce(rt, [x], [out], at) {
    let src: string;
    if (at.op === 'sum') {
      src = rowLoop(at, ['x'], KAHAN_INIT, kahan('x[at]'), 's');
    } else if (at.op === 'prod') {
      src = rowLoop(at, ['x'], 'let s = 1;', 's *= x[at];', 's');
    } else if (at.op === 'argmax') {
      src = rowLoop(at, ['x'], 'let best = x[base];\nlet bi = 0;',
        'const v = x[at];\nif (v > best || (v !== v && best === best)) {\nbest = v;\nbi = j;\n}', 'bi');
    } else {
      const cmp = at.op === 'max' ? '>' : '<';
      src = rowLoop(at, ['x'], 'let m = x[base];', `const v = x[at];\nif (v ${cmp} m || v !== v) {\nm = v;\n}`, 'm');
    }
    rt.assign(out!, rt.launch(src, out!.size, [x!]));
  },

  softmax(rt, [x], [out], at) {
    const rows = at.outer * at.inner;
    const data = withTemps(rt, (keep) => {
      const max = keep(rt.temp(rt.launch(rowLoop(at, ['x'], 'let m = x[base];', 'const v = x[at];\nif (v > m || v !== v) {\nm = v;\n}', 'm'), rows, [x!]), rows));
      const sum = keep(rt.temp(rt.launch(rowLoop(at, ['x', 'mx'], `${KAHAN_INIT}\nconst m = mx[i];`, kahan('Math.exp(x[at] - m)'), 's'), rows, [x!, max]), rows));
      const body = `${rowOf(at.size, at.inner)}\nconst d = x[i] - mx[row];\nreturn ${at.log ? 'd - Math.log(sm[row])' : 'Math.exp(d) / sm[row]'};`;
      return rt.launch(fn(['x', 'mx', 'sm'], body), out!.size, [x!, max, sum]);
    });
    rt.assign(out!, data);
  },

  softmaxGrad(rt, [dy, y], [out], at) {
    const rows = at.outer * at.inner;
    const data = withTemps(rt, (keep) => {
      const term = at.log ? 'dy[at]' : 'dy[at] * y[at]';
      const sum = keep(rt.temp(rt.launch(rowLoop(at, ['dy', 'y'], KAHAN_INIT, kahan(term), 's'), rows, [dy!, y!]), rows));
      const body = `${rowOf(at.size, at.inner)}\nconst s = sm[row];\nreturn ${at.log ? 'dy[i] - Math.exp(y[i]) * s' : 'y[i] * (dy[i] - s)'};`;
      return rt.launch(fn(['dy', 'y', 'sm'], body), out!.size, [dy!, y!, sum]);
    });
    rt.assign(out!, data);
  },

  strided(rt, [x], [out], { shape, strides, offset }) {
    const body = `${coords(shape, 'c', 'i')}\nreturn x[${dot(shape, strides, 'c', offset)}];`;
    rt.assign(out!, rt.launch(fn(['x'], body), out!.size, [x!]));
  },

  pad(rt, [x], [out], { xShape, outShape, begin }) {
    const inside = outShape.map((n, d) => (xShape[d] === n ? '' : `c${d} >= ${begin[d]} && c${d} < ${begin[d]! + xShape[d]!}`)).filter(Boolean);
    const xs = stridesOf(xShape);
    const src = xShape.map((n, d) => (n === 1 || xs[d] === 0 ? '' : `(c${d} - ${begin[d]}) * ${xs[d]}`)).filter(Boolean).join(' + ') || '0';
    const body = `${coords(outShape, 'c', 'i')}
let v = 0;
if (${inside.length ? inside.join(' && ') : 'true'}) {
v = x[${src}];
}
return v;`;
    rt.assign(out!, rt.launch(fn(['x'], body), out!.size, [x!]));
  },

  concat(rt, [a, b], [out], { outer, aLen, bLen, inner }) {
    const ra = aLen * inner, rb = bLen * inner, w = ra + rb;
    const body = `const p = Math.floor((i + 0.5) / ${w});
const r = i - p * ${w};
let v = 0;
if (r < ${ra}) {
v = a[p * ${ra} + r];
} else {
v = b[p * ${rb} + r - ${ra}];
}
return v;`;
    rt.assign(out!, rt.launch(fn(['a', 'b'], body), out!.size, [a!, b!]));
  },

  gather(rt, [x, idx], [out], { outer, axisLen, inner, numIdx }) {
    const body = `${coords([outer, numIdx, inner], 'c', 'i')}
const k = idx[c1];
let v = 0;
if (k >= 0 && k < ${axisLen}) {
v = x[(c0 * ${axisLen} + k) * ${inner} + c2];
}
return v;`;
    rt.assign(out!, rt.launch(fn(['x', 'idx'], body), out!.size, [x!, idx!]));
  },

  scatterAdd(rt, [dy, idx], [out], { outer, axisLen, inner, numIdx }) {
    const body = `${coords([outer, axisLen, inner], 'c', 'i')}
let s = 0;
for (let j = 0; j < ${numIdx}; j++) {
if (idx[j] === c1) {
s += dy[(c0 * ${numIdx} + j) * ${inner} + c2];
}
}
return s;`;
    rt.assign(out!, rt.launch(fn(['dy', 'idx'], body), out!.size, [dy!, idx!]));
  },

  oneHot(rt, [idx], [out], { depth, onValue, offValue }) {
    const body = `const row = Math.floor((i + 0.5) / ${depth});
const d = i - row * ${depth};
return idx[row] === d ? ${lit(onValue)} : ${lit(offValue)};`;
    rt.assign(out!, rt.launch(fn(['idx'], body), out!.size, [idx!]));
  },

  where(rt, [c, a, b], [out]) {
    rt.assign(out!, rt.launch(fn(['c', 'a', 'b'], 'return c[i] !== 0 ? a[i] : b[i];'), out!.size, [c!, a!, b!]));
  },

  cast(rt, [x], [out], { from, to }) {
    const expr = from === 'float32' && to === 'int32' ? 'Math.trunc(x[i])' : 'x[i]';
    rt.assign(out!, rt.launch(fn(['x'], `return ${expr};`), out!.size, [x!]));
  },

  random(rt, _in, [out], { dist, seed, a, b }) {
    const [hi, lo] = randomKey(seed);
    rt.assign(out!, rt.launch(randomSource(dist, rt.device), out!.size, [hi, lo, a, b]));
  },

  optimizer(rt, [g], [p, s1, s2], at) {
    // Scalars travel as arguments so a changing learning rate or step never recompiles.
    const n = p!.size;
    const outs = [p!, s1, s2];
    withTemps(rt, (keep) => {
      const run = (args: string[], expr: string, vals: Arg[]): GpuJsHandle => keep(rt.temp(rt.launch(fn(args, `return ${expr};`), n, vals), n));
      let results: GpuJsHandle[];
      switch (at.kind) {
        case 'sgd':
          results = [run(['p', 'g', 'lr'], 'p[i] - lr * g[i]', [p!, g!, at.lr])];
          break;
        case 'momentum': {
          const v = run(['v', 'g', 'mom', 'lr'], 'mom * v[i] - lr * g[i]', [s1!, g!, at.momentum, at.lr]);
          const step = at.nesterov ? 'mom * v[i] - lr * g[i]' : 'v[i]';
          results = [run(['p', 'v', 'g', 'mom', 'lr'], `p[i] + ${step}`, [p!, v, g!, at.momentum, at.lr]), v];
          break;
        }
        case 'rmsprop': {
          const ms = run(['ms', 'g', 'rho'], 'rho * ms[i] + (1 - rho) * g[i] * g[i]', [s1!, g!, at.rho]);
          results = [run(['p', 'ms', 'g', 'lr', 'eps'], 'p[i] - (lr * g[i]) / (Math.sqrt(ms[i]) + eps)', [p!, ms, g!, at.lr, at.epsilon]), ms];
          break;
        }
        case 'adam': {
          const lrT = (at.lr * Math.sqrt(1 - Math.pow(at.beta2, at.t))) / (1 - Math.pow(at.beta1, at.t));
          const m = run(['m', 'g', 'b1'], 'b1 * m[i] + (1 - b1) * g[i]', [s1!, g!, at.beta1]);
          const v = run(['v', 'g', 'b2'], 'b2 * v[i] + (1 - b2) * g[i] * g[i]', [s2!, g!, at.beta2]);
          results = [run(['p', 'm', 'v', 'lrT', 'eps'], 'p[i] - (lrT * m[i]) / (Math.sqrt(v[i]) + eps)', [p!, m, v, lrT, at.epsilon]), m, v];
          break;
        }
      }
      // Every step ran: move each result into its output (the emptied temporaries drop harmlessly).
      results.forEach((r, j) => rt.move(r, outs[j]!));
    });
  },

  im2col,
  col2im,
  pool,
  poolGrad,
  conv2d,
  depthwise,
  scan,
  topk,
};
