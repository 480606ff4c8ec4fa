/**
 * Memory-bound throughput on WebGPU in Node: add, mul, tanh and the chain tanh(x * y + x) on 1M
 * elements, and softmax over rows of a 1000 x 1000 matrix. Ours beside tfjs-webgpu and jax-js
 * (webgpu device), same process, same Dawn adapter. GB/s counts the logical bytes read + written
 * once per element (a fusing engine runs the chain as one kernel, an eager one as three).
 * Usage: npm run build && node bench/elementwise-webgpu.mjs [--quick] [--n=1048576] [--rows=1000]
 *        [--cap=ms] [--target=ms] [--repeats=n] [--libs=ours,tfjs,jax] [--dist=DIR]
 */
import { installNodeWebGPU, loadLibs } from './webgpu-peers.mjs';
import { distUrl, measure, options, parseArgs, ratioTable } from './webgpu-harness.mjs';

const args = parseArgs(process.argv.slice(2));
const opts = options(args);
const n = Number(args.n ?? 1 << 20);
const rows = Number(args.rows ?? 1000);

const adapter = await installNodeWebGPU();
const libs = await loadLibs(opts.libs, distUrl(args));
const records = [];
const common = { bench: 'elementwise-webgpu', runtime: 'node', adapter, libs, opts };
for (const op of ['add', 'mul', 'tanh', 'chain']) records.push(...(await measure({ ...common, op, size: n })));
records.push(...(await measure({ ...common, op: 'softmax', size: `${rows}x${rows}`, args: [rows, rows] })));
console.log(`\nelementwise and softmax, float32, on ${adapter} (node, Dawn); ratios above 1: ours is faster`);
ratioTable(records);
// Non-zero when our backend could not start or failed a measurement, so run-all reports it.
if (!libs.some((l) => l.name === 'ours') || records.some((r) => r.impl === 'ours' && r.error)) process.exitCode = 1;
