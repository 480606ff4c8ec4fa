// The conformance cases under Deno, against the built dist/: spawns test/deno/conformance.ts on the
// built-in WebGPU (wgpu) and on the wasm backend (3 threads on node:worker_threads), and checks that
// the backend started and every case passed. Then the differential cases against tfjs-core
// (test/tfjs-diffs.ts) under Deno: test/deno/diffs.ts on cpu, wasm and webgpu.
import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { DiffSummary } from './tfjs-diffs.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function runDeno(script: string, ...args: string[]): { r: ReturnType<typeof spawnSync>; out: string; summary: Summary } {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  const deno = `${root}node_modules/.bin/deno`;
  if (!existsSync(deno)) throw new Error('node_modules/.bin/deno is missing: npm install (deno is a devDependency)');
  // --no-remote and no update check: nothing is downloaded; dist/ imports no npm package on this path
  const r = spawnSync(deno, ['run', '-A', '--no-remote', script, ...args], {
    cwd: root, encoding: 'utf8', timeout: 300_000,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' },
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const line = out.split('\n').find((l) => l.startsWith('SUMMARY '));
  if (!line) throw new Error(`deno printed no summary (exit ${r.status}, ${r.error?.message ?? ''}):\n${out.slice(-3000)}`);
  return { r, out, summary: JSON.parse(line.slice(8)) as Summary };
}

interface Summary { adapter: Record<string, unknown> | null; error?: string; passed?: number; failed?: string[]; memory?: Record<string, unknown> }

it('every conformance case passes under Deno on its built-in WebGPU', () => {
  const { r, out, summary } = runDeno('test/deno/conformance.ts');
  if (!summary.adapter) {
    if (process.env['CI'] === 'true') throw new Error(`CI=true requires a WebGPU adapter in Deno: ${summary.error}`);
    // Without CI a machine may lack a Vulkan driver: the message must say how to get one.
    expect(summary.error).toMatch(/no WebGPU adapter in Deno.*(lavapipe|SwiftShader)/);
    return;
  }
  const failures = out.split('\n').filter((l) => l.startsWith('FAIL'));
  expect(failures).toEqual([]);
  expect(summary.failed).toEqual([]);
  expect(summary.passed).toBeGreaterThan(300);
  expect(r.status).toBe(0);
}, 320_000);

it('every conformance case passes under Deno on the wasm backend, with its worker threads', () => {
  const { r, out, summary } = runDeno('test/deno/conformance.ts', '--backend=wasm');
  expect(summary.error).toBeUndefined();
  expect(summary.adapter).toMatchObject({ backend: 'wasm', threads: 3, sharedMemory: true });
  expect(out.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(summary.failed).toEqual([]);
  expect(summary.passed).toBeGreaterThan(300);
  expect(summary.memory!['wasmParallelJobs']).toBeGreaterThan(0);
  expect(r.status).toBe(0);
}, 320_000);

/**
 * tfjs-core with its cpu backend, gradients and chained ops as one ES module Deno can load
 * (test/tfjs-bundle/tfjs.ts): its node builtins stay imports of node:util, through a `require`.
 */
async function bundleTfjs(dir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { alias: { util: 'node:util' } },
    build: {
      outDir: dir, emptyOutDir: true, minify: false,
      rollupOptions: { external: [/^node:/], output: { banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } },
      lib: { entry: join(root, 'test', 'tfjs-bundle', 'tfjs.ts'), formats: ['es'], fileName: () => 'tfjs.js' },
    },
  });
  return join(dir, 'tfjs.js');
}

it('every differential case against tfjs-core passes under Deno on cpu, wasm and webgpu', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-deno-tfjs-'));
  try {
    const { r, out } = runDeno('test/deno/diffs.ts', `--tfjs=${await bundleTfjs(dir)}`);
    const runs = (JSON.parse(out.split('\n').find((l) => l.startsWith('SUMMARY '))!.slice(8)) as { runs: (DiffSummary & { error?: string })[] }).runs;
    expect(runs.map((x) => x.backend)).toEqual(['cpu', 'wasm', 'webgpu']);
    for (const x of runs) {
      if (x.backend === 'webgpu' && x.device === null) {
        if (process.env['CI'] === 'true') throw new Error(`CI=true requires a WebGPU adapter in Deno: ${x.error}`);
        expect(x.error).toMatch(/no WebGPU adapter in Deno.*(lavapipe|SwiftShader)/);
        continue;
      }
      console.log(`Deno ${x.backend}: ${x.passed} of ${x.total} passed, ${x.refused.length} refused by design, ${x.skipped.length} skipped (${x.seconds} s)`);
      expect(x.error, x.backend).toBeUndefined();
      expect(x.failed, x.backend).toEqual([]);
      expect(x.total).toBeGreaterThan(400);
      // every case ran: compared equal, or (webgpu) refused as documented, or skipped by name with a reason
      expect(x.passed + x.refused.length + x.skipped.length, x.backend).toBe(x.total);
      for (const k of x.skipped) expect(k.reason, k.name).not.toBe('');
      if (x.backend !== 'webgpu') expect(x.refused).toEqual([]);
      else expect(x.refused.length).toBeLessThan(30);
    }
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 320_000);
