/**
 * TF.js op families on 1M elements: ours on cpu, wasm and webgpu beside tfjs-cpu, tfjs-wasm and
 * tfjs-webgpu in the same run, interleaved run by run, same inputs. One JSON line per measurement
 * and a table of ratios (ours / tfjs on the same kind of backend; > 1 means ours is faster).
 * Each family is one entry of FAMILIES below: `make(lib, n)` builds its inputs with the library
 * given (ours or tfjs: the same spelling for both), `run(lib, inputs)` runs the op once and returns
 * the tensors to read back. Add a family by adding an entry.
 * Usage: npm run build && node bench/ops.mjs [--quick] [--n=1048576 (--quick: 262144)] [--runs=3]
 *        [--backends=cpu,wasm,webgpu] [--families=cumsum,topk,...]
 */
import { parseArgs, ratioTable, report, timeInterleaved, useTfjsBackend, cpuAdapter } from './lib.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const n = Number(args.n ?? (quick ? 1 << 18 : 1 << 20));
const runs = Number(args.runs ?? (quick ? 2 : 3));
const backends = String(args.backends ?? 'cpu,wasm,webgpu').split(',');

/** The same deterministic data for both libraries (an LCG in [0, 1)). */
function data(len, seed = 1) {
  const out = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 32; }
  return out;
}
const side = (len) => Math.round(Math.sqrt(len));
/** A [rows, cols] matrix of about `len` elements from `values(count)`. */
const mat = (L, len, values = data) => { const r = side(len), c = Math.floor(len / r); return L.tensor(values(r * c), [r, c]); };
const nearOne = (len) => data(len).map((v) => 0.9995 + v * 0.001);
const ints = (len, hi, seed) => Int32Array.from(data(len, seed), (v) => Math.floor(v * hi));

/** The op families: name -> { make(lib, n), run(lib, inputs) }. `lib` is wt or tf. */
export const FAMILIES = {
  'cumsum 1-D': { make: (L, len) => ({ x: L.tensor(data(len), [len]) }), run: (L, { x }) => [L.cumsum(x)] },
  'cumsum rows': { make: (L, len) => ({ x: mat(L, len) }), run: (L, { x }) => [L.cumsum(x, 1)] },
  'cumprod rows': { make: (L, len) => ({ x: mat(L, len, nearOne) }), run: (L, { x }) => [L.cumprod(x, 1)] },
  'prod rows': { make: (L, len) => ({ x: mat(L, len, nearOne) }), run: (L, { x }) => [L.prod(x, 1)] },
  'topk 1-D k=10': { make: (L, len) => ({ x: L.tensor(data(len), [len]) }), run: (L, { x }) => { const r = L.topk(x, 10); return [r.values, r.indices]; } },
  'topk rows k=10': { make: (L, len) => ({ x: mat(L, len) }), run: (L, { x }) => { const r = L.topk(x, 10); return [r.values, r.indices]; } },
  'gatherND rows': {
    make: (L, len) => { const r = side(len); return { x: L.tensor(data(len).slice(0, r * r), [r, r]), i: L.tensor(ints(r, r, 7), [r, 1], 'int32') }; },
    run: (L, { x, i }) => [L.gatherND(x, i)],
  },
  'scatterND rows': {
    make: (L, len) => { const r = side(len); return { u: L.tensor(data(r * r), [r, r]), i: L.tensor(ints(r, r, 8), [r, 1], 'int32'), r }; },
    run: (L, { u, i, r }) => [L.scatterND(i, u, [r, r])],
  },
  'stridedSlice stride 2': { make: (L, len) => { const r = side(len); return { x: L.tensor(data(r * r), [r, r]) }; }, run: (L, { x }) => [L.stridedSlice(x, [1, 0], [x.shape[0], x.shape[1]], [2, 2])] },
  'unsortedSegmentSum 1000': { make: (L, len) => ({ x: L.tensor(data(len), [len]), s: L.tensor(ints(len, 1000, 9), [len], 'int32') }), run: (L, { x, s }) => [L.unsortedSegmentSum(x, s, 1000)] },
  'bincount 1000': { make: (L, len) => ({ x: L.tensor(ints(len, 1000, 10), [len], 'int32'), w: L.tensor([], [0]) }), run: (L, { x, w }) => [L.bincount(x, w, 1000)] },
  'searchSorted 1000 in 1M': {
    make: (L, len) => ({ s: L.tensor(Float32Array.from({ length: len }, (_, i) => i / len), [1, len]), v: L.tensor(data(1000, 11), [1, 1000]) }),
    run: (L, { s, v }) => [L.searchSorted(s, v)],
  },
  whereAsync: { make: (L, len) => ({ c: L.greater(L.tensor(data(len), [len]), 0.5) }), run: async (L, { c }) => [await L.whereAsync(c)] },
  booleanMaskAsync: { make: (L, len) => ({ x: L.tensor(data(len), [len]), m: L.greater(L.tensor(data(len, 3), [len]), 0.5) }), run: async (L, { x, m }) => [await L.booleanMaskAsync(x, m)] },
  'unique 1000 values': { make: (L, len) => ({ x: L.tensor(ints(len, 1000, 12), [len], 'int32') }), run: (L, { x }) => { const r = L.unique(x); return [r.values, r.indices]; } },
};
const families = args.families ? String(args.families).split(',').map((f) => Object.keys(FAMILIES).find((k) => k.startsWith(f)) ?? f) : Object.keys(FAMILIES);

let gpuAdapter = null;
if (backends.includes('webgpu')) {
  try {
    const { installNodeWebGPU } = await import('./webgpu-peers.mjs');
    gpuAdapter = await installNodeWebGPU();
  } catch (e) {
    console.error(`[bench] no WebGPU: ${e instanceof Error ? e.message : String(e)}`);
  }
}
const wt = await import(new URL('../dist/index.js', import.meta.url).href);
const tf = await import('@tensorflow/tfjs-core');
tf.env().set('IS_TEST', true);

/** Run `fam` once in library `L` and read every output back, disposing what it made. */
async function once(L, fam, inputs) {
  const outs = await fam.run(L, inputs);
  for (const o of outs) await o.data();
  for (const o of outs) o.dispose();
}

for (const backend of backends) {
  if (backend === 'webgpu' && !gpuAdapter) continue;
  try {
    await wt.setBackend(backend);
  } catch (e) {
    console.error(`[bench] ours ${backend} unavailable: ${e instanceof Error ? e.message : String(e)}`);
    continue;
  }
  let tfOk = true;
  try {
    await useTfjsBackend(tf, backend, { hasGpu: Boolean(gpuAdapter) });
  } catch (e) {
    console.error(`[bench] tfjs-${backend} unavailable: ${e instanceof Error ? e.message : String(e)}`);
    tfOk = false;
  }
  const adapter = backend === 'webgpu' ? gpuAdapter : cpuAdapter();
  for (const name of families) {
    const fam = FAMILIES[name];
    if (!fam) throw new Error(`unknown family ${name} (expected one of: ${Object.keys(FAMILIES).join(', ')})`);
    await wt.setBackend(backend);
    const ours = fam.make(wt, n);
    const theirs = tfOk ? fam.make(tf, n) : null;
    const impls = { ours: () => once(wt, fam, ours) };
    if (theirs) impls.tfjs = () => once(tf, fam, theirs);
    const res = await timeInterleaved(impls, { warmup: 1, runs });
    for (const [impl, r] of Object.entries(res)) report({ bench: `ops-${backend}`, op: name, impl, size: n, ms: r.ms, adapter });
    for (const t of [...Object.values(ours), ...Object.values(theirs ?? {})]) if (t && typeof t.dispose === 'function') t.dispose();
  }
}
ratioTable('ours');
