/**
 * Node start-up: milliseconds from `import('webgpu-tensor')` to the first op's result read back,
 * with `wt.init()` choosing the backend, in a fresh process each time (the module caches of one
 * process would hide the cost). Beside it, in the same run and interleaved, the start-up that
 * starts Dawn first and only then ranks its adapter below wasm (what init did before it read the
 * Vulkan driver files; `setBackend('webgpu')` then `setBackend('wasm')`).
 * Options: --runs=N (default 7; --quick: 3).
 * Prints one JSON line per mode and a ratio line; the goal on a machine without a GPU is <= 300 ms.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuAdapter, median, parseArgs, report, round } from './lib.mjs';

const args = parseArgs();
const runs = Number(args.runs ?? (args.quick ? 3 : 7));
const dist = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')).href;

const child = (mode) => `
const t0 = performance.now();
const wt = await import(${JSON.stringify(dist)});
const t1 = performance.now();
let name;
if (${JSON.stringify(mode)} === 'init') name = await wt.init();
else {
  try { await wt.setBackend('webgpu'); } catch {}
  await wt.setBackend('wasm');
  name = 'wasm';
}
const t2 = performance.now();
const d = await wt.add(wt.tensor([1, 2]), wt.tensor([3, 4])).data();
const t3 = performance.now();
if (d[0] !== 4 || d[1] !== 6) throw new Error('wrong sum ' + d);
console.log(JSON.stringify({ backend: name, importMs: t1 - t0, initMs: t2 - t1, firstOpMs: t3 - t2, totalMs: t3 - t0, attempts: wt.backendInfo().attempts }));
process.exit(0);
`;

const modes = ['init', 'dawn-first'];
const samples = Object.fromEntries(modes.map((m) => [m, []]));
for (let r = 0; r < runs; r++) {
  for (const mode of modes) {
    const p = spawnSync(process.execPath, ['--input-type=module', '-e', child(mode)], { encoding: 'utf8', env: process.env });
    const line = p.stdout.trim().split('\n').pop();
    if (p.status !== 0 || !line?.startsWith('{')) throw new Error(`${mode}: exit ${p.status}: ${p.stderr.slice(-2000)}`);
    samples[mode].push(JSON.parse(line));
  }
}
const adapter = cpuAdapter();
const med = (mode, k) => round(median(samples[mode].map((s) => s[k])));
for (const mode of modes) {
  const s = samples[mode];
  report({
    bench: 'init-node', impl: mode === 'init' ? 'ours' : 'dawn-first', backend: s[0].backend, runs,
    ms: med(mode, 'totalMs'), importMs: med(mode, 'importMs'), initMs: med(mode, 'initMs'), firstOpMs: med(mode, 'firstOpMs'),
    skipped: s[0].attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.reason}`), adapter,
  });
}
const ours = med('init', 'totalMs');
console.log(`\nimport -> first op with wt.init(): ${ours} ms (goal <= 300), Dawn first: ${med('dawn-first', 'totalMs')} ms, ratio ${round(med('dawn-first', 'totalMs') / ours)}x`);
