// The conformance cases under Deno, against the built dist/: spawns test/deno/conformance.ts on the
// built-in WebGPU (wgpu) and on the wasm backend (3 threads on node:worker_threads), and checks that
// the backend started and every case passed.
import { it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function runDeno(...args: string[]): { r: ReturnType<typeof spawnSync>; out: string; summary: Summary } {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first');
  const deno = `${root}node_modules/.bin/deno`;
  if (!existsSync(deno)) throw new Error('node_modules/.bin/deno is missing: npm install (deno is a devDependency)');
  // --no-remote and no update check: nothing is downloaded; dist/ imports no npm package on this path
  const r = spawnSync(deno, ['run', '-A', '--no-remote', 'test/deno/conformance.ts', ...args], {
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
  const { r, out, summary } = runDeno();
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
  const { r, out, summary } = runDeno('--backend=wasm');
  expect(summary.error).toBeUndefined();
  expect(summary.adapter).toMatchObject({ backend: 'wasm', threads: 3, sharedMemory: true });
  expect(out.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(summary.failed).toEqual([]);
  expect(summary.passed).toBeGreaterThan(300);
  expect(summary.memory!['wasmParallelJobs']).toBeGreaterThan(0);
  expect(r.status).toBe(0);
}, 320_000);
