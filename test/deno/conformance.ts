// The conformance cases under Deno, against the built dist/: on its built-in WebGPU (wgpu) by
// default, or on another backend (`--backend=wasm`: the wasm backend with 3 threads, which must
// have run jobs on its worker pool).
// Run: npm run build && node_modules/.bin/deno run -A --no-remote test/deno/conformance.ts [--backend=NAME] [filter]
// Prints one line per case and a final `SUMMARY {json}` line; exits 1 on any failure and 2 when
// the backend cannot start (webgpu on Linux without a GPU needs lavapipe from mesa-vulkan-drivers, or SwiftShader).
import * as wt from '../../dist/index.js';
import { CASES, type Wt } from '../conformance/cases.ts';
import { runCase } from '../conformance/harness.ts';

declare const Deno: { exit(code: number): never; args: string[] };

const lib = wt as unknown as Wt;
const backend = (Deno.args.find((a) => a.startsWith('--backend='))?.slice(10) ?? 'webgpu') as 'webgpu';
const pattern = Deno.args.find((a) => !a.startsWith('--'));
const filter = pattern ? new RegExp(pattern) : null;
try {
  await lib.setBackend(backend);
  if (backend === ('wasm' as string)) await wt.setWasmThreads(3);
} catch (e) {
  console.log(`NOADAPTER ${(e as Error).message}`);
  console.log(`SUMMARY ${JSON.stringify({ adapter: null, error: (e as Error).message })}`);
  Deno.exit(2);
}
const device = lib.backendInfo().device;
console.log(`device: ${backend} ${JSON.stringify(device)}`);
const failed: string[] = [];
let passed = 0;
const t0 = performance.now();
const cases = [...CASES];
if (backend === ('wasm' as string)) {
  // Big enough to be split across the pool: the same values as the cpu, from three threads.
  cases.push({ name: 'matmul 200x300x250 on the pool', tol: 1e-4, fn: (w) => w.matmul(w.randn([200, 300], { seed: 1 }), w.randn([300, 250], { seed: 2 })) });
  cases.push({ name: 'softmax 600x500 on the pool', tol: 1e-5, fn: (w) => w.softmax(w.randn([600, 500], { seed: 3 })) });
}
for (const c of cases) {
  if (filter && !filter.test(c.name)) continue;
  let line: string;
  try {
    const r = await runCase(lib, c, backend);
    if (r.ok) passed++;
    else failed.push(c.name);
    line = `${r.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${r.message}`;
  } catch (e) {
    failed.push(c.name);
    line = `FAIL ${c.name}: threw ${(e as Error).message}`;
  }
  console.log(line);
}
await lib.setBackend(backend);
const summary = { adapter: device, passed, failed, memory: lib.memory(), seconds: Math.round((performance.now() - t0) / 100) / 10 };
console.log(`SUMMARY ${JSON.stringify(summary)}`);
Deno.exit(failed.length ? 1 : 0);
