// The conformance cases under Deno, on its built-in WebGPU (wgpu), against the built dist/.
// Run: npm run build && node_modules/.bin/deno run -A --no-remote test/deno/conformance.ts
// Prints one line per case and a final `SUMMARY {json}` line; exits 1 on any failure and 2 when
// there is no WebGPU adapter (on Linux without a GPU: lavapipe from mesa-vulkan-drivers, or SwiftShader).
import * as wt from '../../dist/index.js';
import { CASES, type Wt } from '../conformance/cases.ts';
import { runCase } from '../conformance/harness.ts';

declare const Deno: { exit(code: number): never; args: string[] };

const lib = wt as unknown as Wt;
const filter = Deno.args[0] ? new RegExp(Deno.args[0]) : null;
try {
  await lib.setBackend('webgpu');
} catch (e) {
  console.log(`NOADAPTER ${(e as Error).message}`);
  console.log(`SUMMARY ${JSON.stringify({ adapter: null, error: (e as Error).message })}`);
  Deno.exit(2);
}
const device = lib.backendInfo().device;
console.log(`adapter: ${device['vendor']} ${device['architecture']} ${device['description']} (${device['runtime']})`);
const failed: string[] = [];
let passed = 0;
const t0 = performance.now();
for (const c of CASES) {
  if (filter && !filter.test(c.name)) continue;
  let line: string;
  try {
    const r = await runCase(lib, c, 'webgpu');
    if (r.ok) passed++;
    else failed.push(c.name);
    line = `${r.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${r.message}`;
  } catch (e) {
    failed.push(c.name);
    line = `FAIL ${c.name}: threw ${(e as Error).message}`;
  }
  console.log(line);
}
const summary = { adapter: device, passed, failed, seconds: Math.round((performance.now() - t0) / 100) / 10 };
console.log(`SUMMARY ${JSON.stringify(summary)}`);
Deno.exit(failed.length ? 1 : 0);
