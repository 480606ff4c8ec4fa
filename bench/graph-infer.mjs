/**
 * Imported inference graphs through wt.loadGraphModel against the peers' executors, in the same run:
 * - TF.js graph models from @vladmandic/human (scripts/fetch-models.mjs): MoveNet Lightning (a
 *   MobileNet-v2 pose network, 192x192, execute) and the hand tracker (an SSD MobileNet detector
 *   with a while loop, TensorLists and NonMaxSuppressionV5, 320x320, executeAsync); ours on wasm
 *   against @tensorflow/tfjs-converter on tfjs-wasm, ours on webgpu against tfjs-webgpu on the same
 *   adapter (SwiftShader here).
 * - An ONNX model: ours on wasm against onnxruntime-web's wasm backend. No exported ONNX file ships
 *   in the packages this repository may use offline, so the file is written here: a MobileNet-v1
 *   style stack (3x3 conv, then depthwise 3x3 + pointwise 1x1 blocks with Relu, global average
 *   pool, Gemm) at 1x3x128x128 with seeded weights, as ONNX protobuf bytes both load.
 * For each: the load time (loading + first run), the median run time interleaved, and the peak
 * growth of the process's resident memory while it loads and runs once (sampled; one process, so
 * indicative only). Thread counts are printed: ours and onnxruntime-web on wasm both at --threads
 * (default 1).
 *
 * Usage: node bench/graph-infer.mjs [--runs=N] [--models=movenet,handtrack,onnx] [--backends=wasm,webgpu] [--threads=1]
 * (build first: npm run build, or tsc -p tsconfig.json)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { oursAdapter, parseArgs, ratioTable, report, timeInterleaved, useTfjsBackend } from './lib.mjs';

const args = parseArgs();
const runs = Number(args.runs ?? 5);
const threads = Number(args.threads ?? 1);
const root = fileURLToPath(new URL('..', import.meta.url));
const wanted = String(args.models ?? 'movenet,handtrack,onnx').split(',');
const backends = String(args.backends ?? 'wasm,webgpu').split(',');
const errText = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

execFileSync(process.execPath, [join(root, 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
const H = join(root, '.models', 'human');
const GRAPHS = {
  movenet: { file: join(H, 'movenet-lightning.json'), shape: [1, 192, 192, 3], dtype: 'int32', async: false },
  handtrack: { file: join(H, 'handtrack.json'), shape: [1, 320, 320, 3], dtype: 'int32', async: true },
};

let gpuAdapter = null;
if (backends.includes('webgpu')) {
  try {
    const { installNodeWebGPU } = await import('./webgpu-peers.mjs');
    gpuAdapter = await installNodeWebGPU();
  } catch (e) {
    console.error(`[bench] no WebGPU here: ${errText(e)}`);
  }
}

const wt = await import(new URL('../dist/index.js', import.meta.url).href);
const tf = await import('@tensorflow/tfjs-core');
const tfc = await import('@tensorflow/tfjs-converter');
if (wt.setWasmThreads) wt.setWasmThreads(threads);

function tfHandler(file) {
  return {
    async load() {
      const j = JSON.parse(readFileSync(file, 'utf8'));
      const all = Buffer.concat(j.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(file, '..', p)))));
      return { modelTopology: j.modelTopology, weightSpecs: j.weightsManifest.flatMap((g) => g.weights), weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), signature: j.signature, format: j.format };
    },
  };
}

const pixels = (n, scale) => Float32Array.from({ length: n }, (_, i) => Math.floor((((i * 2654435761) >>> 8) / 16777216) * scale));

/** Run `fn` while sampling RSS; returns [result, ms, peak RSS growth in MB]. */
async function measured(fn) {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 2);
  const t0 = performance.now();
  try {
    const r = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return [r, performance.now() - t0, (peak - base) / 2 ** 20];
  } finally {
    clearInterval(timer);
  }
}

for (const backend of backends) {
  if (backend === 'webgpu' && !gpuAdapter) continue;
  for (const name of wanted.filter((n) => GRAPHS[n])) {
    const spec = GRAPHS[name];
    const size = `${name} ${spec.shape.join('x')} ${backend}`;
    const x = pixels(spec.shape.reduce((a, b) => a * b, 1), 255);
    const impls = {};
    let adapter = backend;
    try {
      await wt.setBackend(backend);
      adapter = oursAdapter(wt, backend);
      const xt = wt.tensor(Int32Array.from(x), spec.shape, 'int32');
      const once = async (m) => { const ys = [].concat(spec.async ? await m.executeAsync(xt) : m.execute(xt)); await Promise.all(ys.map((t) => t.data())); wt.dispose(ys); };
      const [m, ms, mb] = await measured(async () => { const m = await wt.loadGraphModel(`file://${spec.file}`); await once(m); return m; });
      report({ bench: 'graph-load', impl: 'ours', size, ms, peakRssMB: Math.round(mb), adapter });
      impls.ours = { before: () => wt.setBackend(backend), run: () => once(m) };
    } catch (e) {
      console.error(`[bench] ours-${backend} ${name}: ${errText(e)}`);
    }
    try {
      await useTfjsBackend(tf, backend, { hasGpu: !!gpuAdapter });
      const xt = tf.tensor(Int32Array.from(x), spec.shape, 'int32');
      const once = async (m) => { const ys = [].concat(spec.async ? await m.executeAsync(xt) : m.execute(xt)); await Promise.all(ys.map((t) => t.data())); tf.dispose(ys); };
      const [m, ms, mb] = await measured(async () => { const m = await tfc.loadGraphModel(tfHandler(spec.file)); await once(m); return m; });
      report({ bench: 'graph-load', impl: `tfjs-${backend}`, size, ms, peakRssMB: Math.round(mb), adapter });
      impls[`tfjs-${backend}`] = { before: () => tf.setBackend(backend), run: () => once(m) };
    } catch (e) {
      console.error(`[bench] tfjs-${backend} ${name}: ${errText(e)}`);
    }
    const r = await timeInterleaved(impls, { warmup: 1, runs });
    for (const [impl, { ms }] of Object.entries(r)) report({ bench: 'graph-infer', impl, size, ms, adapter, threads: backend === 'wasm' ? (impl === 'ours' ? wt.getWasmThreads() : 1) : undefined });
  }
}

// ---- ONNX: a MobileNet-v1 style stack written as protobuf bytes ----
class W {
  constructor() { this.b = []; }
  varint(v) { v = BigInt(v); if (v < 0n) v += 1n << 64n; do { let byte = Number(v & 0x7fn); v >>= 7n; if (v) byte |= 0x80; this.b.push(byte); } while (v); return this; }
  key(f, wire) { return this.varint((f << 3) | wire); }
  int(f, v) { return this.key(f, 0).varint(v); }
  bytes(f, u8) { this.key(f, 2).varint(u8.length); for (const x of u8) this.b.push(x); return this; }
  str(f, s) { return this.bytes(f, new TextEncoder().encode(s)); }
  msg(f, w) { return this.bytes(f, Uint8Array.from(w.b)); }
  done() { return Uint8Array.from(this.b); }
}
let seed = 7;
const rand = (n, scale) => Float32Array.from({ length: n }, () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return (seed / 2 ** 32 - 0.5) * scale; });
function tensorProto(name, dims, data) {
  const w = new W();
  for (const d of dims) w.int(1, d);
  return w.int(2, 1).str(8, name).bytes(9, new Uint8Array(data.buffer));
}
function attrInts(name, v) { const w = new W().str(1, name); for (const x of v) w.int(8, x); return w.int(20, 7); }
function attrInt(name, v) { return new W().str(1, name).int(3, v).int(20, 2); }
function mobilenetOnnx(size = 128) {
  const g = new W();
  const inits = [];
  const nodes = [];
  let cur = 'x', ch = 3, k = 0;
  const conv = (out, kernel, stride, group) => {
    const name = `c${k++}`, cin = group === 1 ? ch : 1;
    inits.push(tensorProto(`${name}_w`, [out, cin, kernel, kernel], rand(out * cin * kernel * kernel, 2 / Math.sqrt(cin * kernel * kernel))));
    inits.push(tensorProto(`${name}_b`, [out], rand(out, 0.1)));
    const p = (kernel - 1) >> 1;
    nodes.push(new W().str(1, cur).str(1, `${name}_w`).str(1, `${name}_b`).str(2, `${name}_y`).str(4, 'Conv')
      .msg(5, attrInts('kernel_shape', [kernel, kernel])).msg(5, attrInts('strides', [stride, stride])).msg(5, attrInts('pads', [p, p, p, p])).msg(5, attrInt('group', group)));
    nodes.push(new W().str(1, `${name}_y`).str(2, `${name}_r`).str(4, 'Relu'));
    cur = `${name}_r`;
    ch = out;
  };
  conv(32, 3, 2, 1);
  for (const [out, stride] of [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [1024, 2]]) {
    conv(ch, 3, stride, ch);
    conv(out, 1, 1, 1);
  }
  nodes.push(new W().str(1, cur).str(2, 'pool').str(4, 'GlobalAveragePool'));
  nodes.push(new W().str(1, 'pool').str(2, 'flat').str(4, 'Flatten'));
  inits.push(tensorProto('fc_w', [1000, ch], rand(1000 * ch, 0.05)), tensorProto('fc_b', [1000], rand(1000, 0.1)));
  nodes.push(new W().str(1, 'flat').str(1, 'fc_w').str(1, 'fc_b').str(2, 'logits').str(4, 'Gemm').msg(5, attrInt('transB', 1)));
  for (const n of nodes) g.msg(1, n);
  g.str(2, 'mobilenet-style');
  for (const t of inits) g.msg(5, t);
  const vi = (name, dims) => { const shape = new W(); for (const d of dims) shape.msg(1, new W().int(1, d)); return new W().str(1, name).msg(2, new W().msg(1, new W().int(1, 1).msg(2, shape))); };
  g.msg(11, vi('x', [1, 3, size, size]));
  g.msg(12, vi('logits', [1, 1000]));
  return new W().int(1, 8).str(2, 'bench').msg(7, g).msg(8, new W().str(1, '').int(2, 13)).done();
}

if (wanted.includes('onnx') && backends.includes('wasm')) {
  const size = 128;
  const bytes = mobilenetOnnx(size);
  const label = `onnx mobilenet-style 1x3x${size}x${size} wasm (${threads} thread${threads > 1 ? 's' : ''} each)`;
  const x = rand(3 * size * size, 2);
  const impls = {};
  try {
    await wt.setBackend('wasm');
    const xt = wt.tensor(x, [1, 3, size, size]);
    const once = async (s) => { const out = await s.run({ x: xt }); await out.logits.data(); wt.dispose(out); };
    const [s, ms, mb] = await measured(async () => { const s = await wt.onnx.InferenceSession.create(bytes); await once(s); return s; });
    report({ bench: 'onnx-load', impl: 'ours', size: label, ms, peakRssMB: Math.round(mb), adapter: oursAdapter(wt, 'wasm') });
    impls.ours = { before: () => wt.setBackend('wasm'), run: () => once(s) };
  } catch (e) {
    console.error(`[bench] ours onnx: ${errText(e)}`);
  }
  try {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    const t = new ort.Tensor('float32', x, [1, 3, size, size]);
    const once = async (s) => { const out = await s.run({ x: t }); void out.logits.data; };
    const [s, ms, mb] = await measured(async () => { const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }); await once(s); return s; });
    report({ bench: 'onnx-load', impl: 'onnxruntime-web', size: label, ms, peakRssMB: Math.round(mb), adapter: 'wasm' });
    impls['onnxruntime-web'] = { run: () => once(s) };
  } catch (e) {
    console.error(`[bench] onnxruntime-web: ${errText(e)}`);
  }
  const r = await timeInterleaved(impls, { warmup: 1, runs });
  for (const [impl, { ms }] of Object.entries(r)) report({ bench: 'onnx-infer', impl, size: label, ms, adapter: 'wasm', threads });
}
ratioTable('ours');
