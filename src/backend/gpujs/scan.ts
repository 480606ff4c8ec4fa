/**
 * The gpujs scan and topk kernels. scan: Hillis-Steele passes, each adding (or multiplying) the
 * partial result `d` places back along the axis, d = 1, 2, 4, ... (log2(size) launches of one
 * output per element); exclusive shifts by one place first. topk: each element's rank in its row
 * (how many entries beat it), then each output picks the entry of its rank.
 */
import type { KernelAttrs } from '../backend.js';
import { type GpuJsHandle, type Impl, withTemps } from './kernels.js';
import { fn } from './sources.js';

/** Statements naming `k`, the element's place along the axis of [outer, size, inner]. */
const place = (size: number, inner: number): string => (inner === 1
  ? `const k = i - Math.floor((i + 0.5) / ${size}) * ${size};`
  : `const line = Math.floor((i + 0.5) / ${inner});\nconst k = line - Math.floor((line + 0.5) / ${size}) * ${size};`);

export const scan: Impl<'scan'> = (rt, [x], [out], at: KernelAttrs['scan']) => {
  const { op, size, inner, exclusive, reverse } = at;
  const n = out!.size;
  const first = op === 'sum' ? '0' : '1';
  const combine = op === 'sum' ? '+' : '*';
  // the partner `d` places back (toward the start, or toward the end when reversed) and whether it exists
  const partner = (d: string): string => reverse ? `k + ${d} < ${size}` : `k >= ${d}`;
  const back = (d: string): string => reverse ? `i + ${d} * ${inner}` : `i - ${d} * ${inner}`;
  withTemps(rt, (keep) => {
    let cur: GpuJsHandle = x!;
    if (exclusive) {
      cur = keep(rt.temp(rt.launch(fn(['x'], `${place(size, inner)}\nlet v = ${first};\nif (${partner('1')}) {\nv = x[${back('1')}];\n}\nreturn v;`), n, [cur]), n));
    }
    const pass = fn(['x', 'd'], `${place(size, inner)}\nlet v = x[i];\nif (${partner('d')}) {\nv = v ${combine} x[${back('d')}];\n}\nreturn v;`);
    for (let d = 1; d < size; d *= 2) cur = keep(rt.temp(rt.launch(pass, n, [cur, d]), n));
    // every step ran: the last result becomes the output (the emptied temporary drops harmlessly)
    if (cur === x) rt.assign(out!, rt.launch(fn(['x'], 'return x[i];'), n, [x!]));
    else rt.move(cur, out!);
  });
};

export const topk: Impl<'topk'> = (rt, [x], [vals, idx], { outer, size, k }: KernelAttrs['topk']) => {
  withTemps(rt, (keep) => {
    const rankSrc = fn(['x'], `const r = Math.floor((i + 0.5) / ${size});
const mi = i - r * ${size};
const me = x[i];
let rank = 0;
for (let j = 0; j < ${size}; j++) {
const v = x[r * ${size} + j];
if (v !== v) {
if (me === me || j < mi) {
rank += 1;
}
} else if (me === me) {
if (v > me || (v === me && j < mi)) {
rank += 1;
}
}
}
return rank;`);
    const rank = keep(rt.temp(rt.launch(rankSrc, outer * size, [x!]), outer * size));
    const pick = (what: string): string => fn(['x', 'rank'], `const r = Math.floor((i + 0.5) / ${k});
const j = i - r * ${k};
let v = 0;
for (let t = 0; t < ${size}; t++) {
if (rank[r * ${size} + t] === j) {
v = ${what};
}
}
return v;`);
    const v = keep(rt.temp(rt.launch(pick(`x[r * ${size} + t]`), outer * k, [x!, rank]), outer * k));
    const ix = keep(rt.temp(rt.launch(pick('t'), outer * k, [x!, rank]), outer * k));
    rt.move(v, vals!);
    rt.move(ix, idx!);
  });
};
