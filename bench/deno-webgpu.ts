/**
 * The WebGPU benchmarks under Deno, on its built-in navigator.gpu (wgpu; lavapipe or SwiftShader
 * on a machine without a GPU): matmul 256 / 1024 / 2048 and the elementwise/softmax set, ours
 * (built dist/) beside the peers that run under Deno. Nothing is fetched: imports resolve from
 * node_modules, and --no-remote forbids the rest.
 * Usage: npm run build && node_modules/.bin/deno run -A --no-remote bench/deno-webgpu.ts
 *        [--quick] [--only=matmul|elementwise] [--sizes=256,1024] [--cap=ms] [--libs=ours,tfjs,jax] [--dist=DIR]
 */
// @ts-nocheck -- the shared bench modules are plain JavaScript.
import { loadLibs, useNativeWebGPU } from './webgpu-peers.mjs';
import { distUrl, measure, nextEstimates, options, parseArgs, ratioTable } from './webgpu-harness.mjs';

const args = parseArgs(Deno.args);
const opts = options(args);
const sizes = args.sizes ? String(args.sizes).split(',').map(Number) : opts.quick ? [256, 1024] : [256, 1024, 2048];
const n = Number(args.n ?? 1 << 20);
const rows = Number(args.rows ?? 1000);

const adapter = await useNativeWebGPU();
const libs = await loadLibs(opts.libs, distUrl(args));
const failed = (records) => !libs.some((l) => l.name === 'ours') || records.some((r) => r.impl === 'ours' && r.error);
let exitCode = 0;
const common = { runtime: `deno ${Deno.version.deno}`, adapter, libs, opts };

if (args.only !== 'elementwise') {
  const records = [];
  let estimates = {};
  for (const size of sizes) {
    const got = await measure({ ...common, bench: 'matmul-webgpu', op: 'matmul', size, estimates });
    records.push(...got);
    estimates = nextEstimates(got, size, sizes[sizes.indexOf(size) + 1]);
  }
  console.log(`\nmatmul, float32, square, on ${adapter} (deno, wgpu); ratios above 1: ours is faster`);
  ratioTable(records);
  if (failed(records)) exitCode = 1;
}
if (args.only !== 'matmul') {
  const records = [];
  for (const op of ['add', 'mul', 'tanh', 'chain']) records.push(...(await measure({ ...common, bench: 'elementwise-webgpu', op, size: n })));
  records.push(...(await measure({ ...common, bench: 'elementwise-webgpu', op: 'softmax', size: `${rows}x${rows}`, args: [rows, rows] })));
  console.log(`\nelementwise and softmax, float32, on ${adapter} (deno, wgpu); ratios above 1: ours is faster`);
  ratioTable(records);
  if (failed(records)) exitCode = 1;
}
// Non-zero when our backend could not start or failed a measurement.
Deno.exit(exitCode);
