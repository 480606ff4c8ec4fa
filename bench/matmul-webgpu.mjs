/**
 * Matmul GFLOP/s on WebGPU in Node: ours beside tfjs-webgpu and jax-js (webgpu device), same
 * process, same Dawn adapter (SwiftShader unless VK_ICD_FILENAMES names another driver).
 * Usage: npm run build && node bench/matmul-webgpu.mjs [--quick] [--sizes=256,1024] [--cap=ms]
 *        [--target=ms] [--repeats=n] [--libs=ours,tfjs,jax] [--dist=DIR]
 * --quick skips 2048 (minutes per library on a software driver) and shortens the samples.
 */
import { installNodeWebGPU, loadLibs } from './webgpu-peers.mjs';
import { distUrl, measure, nextEstimates, options, parseArgs, ratioTable } from './webgpu-harness.mjs';

const args = parseArgs(process.argv.slice(2));
const opts = options(args);
const sizes = args.sizes ? String(args.sizes).split(',').map(Number) : opts.quick ? [256, 1024] : [256, 1024, 2048];

const adapter = await installNodeWebGPU();
const libs = await loadLibs(opts.libs, distUrl(args));
const records = [];
let estimates = {};
for (const size of sizes) {
  const got = await measure({ bench: 'matmul-webgpu', runtime: 'node', adapter, libs, op: 'matmul', size, opts, estimates });
  records.push(...got);
  estimates = nextEstimates(got, size, sizes[sizes.indexOf(size) + 1]);
}
console.log(`\nmatmul, float32, square, on ${adapter} (node, Dawn); ratios above 1: ours is faster`);
ratioTable(records);
// Non-zero when our backend could not start or failed a measurement, so run-all reports it.
if (!libs.some((l) => l.name === 'ours') || records.some((r) => r.impl === 'ours' && r.error)) process.exitCode = 1;
