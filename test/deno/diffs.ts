// The differential cases against TensorFlow.js (test/tfjs-diffs.ts) under Deno, with our built dist/
// on each backend named by --backends (default cpu,wasm,webgpu; wasm with 3 threads) and tfjs-core on
// its cpu backend, from the bundle of test/tfjs-bundle/tfjs.ts that test/deno.test.ts builds and
// passes as --tfjs=FILE. A backend that cannot start here (webgpu without an adapter) is reported,
// not run. Run by hand: npm run build, bundle test/tfjs-bundle/tfjs.ts as bundleTfjs in
// test/deno.test.ts does, then
// node_modules/.bin/deno run -A --no-remote test/deno/diffs.ts --tfjs=FILE [--backends=cpu,wasm] [--verbose]
// Prints a line per failure (every case with --verbose) and a final `SUMMARY {json}` line; exits 1
// on any failure.
import * as lib from '../../dist/index.js';
import { runDiffs, type DiffSummary, type Tf, type Wt } from '../tfjs-diffs.ts';

declare const Deno: { exit(code: number): never; args: string[] };

/** Cases that cannot run under Deno, with the reason (none so far). */
export const DENO_SKIP: Record<string, string> = {};

const arg = (name: string): string | undefined => Deno.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const file = arg('tfjs');
if (!file) {
  console.log(`SUMMARY ${JSON.stringify({ error: 'no --tfjs=FILE: the bundle of test/tfjs-bundle/tfjs.ts' })}`);
  Deno.exit(2);
}
const tf = (await import(new URL(`file://${file}`).href)) as Tf;
await tf.setBackend('cpu');
const wt = lib as unknown as Wt;
const verbose = Deno.args.includes('--verbose');
const runs: (DiffSummary | { backend: string; device: null; error: string })[] = [];
let failures = 0;
for (const backend of (arg('backends') ?? 'cpu,wasm,webgpu').split(',')) {
  try {
    await wt.setBackend(backend as 'cpu');
    if (backend === 'wasm') await lib.setWasmThreads(3);
  } catch (e) {
    console.log(`NOBACKEND ${backend}: ${(e as Error).message}`);
    runs.push({ backend, device: null, error: (e as Error).message });
    continue;
  }
  const r = await runDiffs(wt, tf, backend, {
    skip: DENO_SKIP,
    log: (l) => { if (verbose || l.startsWith('FAIL')) console.log(`${backend}: ${l}`); },
  });
  failures += r.failed.length;
  console.log(`${backend}: ${r.passed} of ${r.total} passed, ${r.refused.length} refused by design, ${r.skipped.length} skipped, ${r.failed.length} failed in ${r.seconds} s`);
  runs.push(r);
}
console.log(`SUMMARY ${JSON.stringify({ runs })}`);
Deno.exit(failures ? 1 : 0);
