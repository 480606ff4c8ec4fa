// A normal WebGPU run prints nothing on stderr, in Node (Dawn) and in Deno (wgpu), even where
// XDG_RUNTIME_DIR is not set; and the private runtime directory is chosen safely.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeRuntimeDir } from '../src/backend/webgpu/runtime-dir.js';

const SCRIPT = `
import * as wt from './dist/index.js';
try {
  await wt.setBackend('webgpu');
} catch (e) {
  console.log('NO-ADAPTER ' + e.message);
  process.exit(0);
}
console.log(JSON.stringify(await wt.matmul(wt.tensor([[1, 2], [3, 4]]), wt.tensor([[5], [6]])).array()));
process.exit(0);
`;

let scratch: string;
beforeAll(() => {
  if (!existsSync('dist/index.js')) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
  scratch = mkdtempSync(join(tmpdir(), 'wt-quiet-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment of a shell without a login session: no XDG_RUNTIME_DIR, temp files in `tmp`. */
function bareEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1' };
  delete env['XDG_RUNTIME_DIR'];
  return env;
}

function check(r: ReturnType<typeof spawnSync>, runtime: string): void {
  const out = String(r.stdout);
  if (out.startsWith('NO-ADAPTER')) {
    if (process.env['CI'] === 'true') throw new Error(`CI=true requires a WebGPU adapter in ${runtime}: ${out}`);
    return;
  }
  expect(out.trim()).toBe('[[17],[39]]');
  expect(String(r.stderr)).toBe('');
  expect(r.status).toBe(0);
}

describe('quiet WebGPU runs without XDG_RUNTIME_DIR', () => {
  it('Node (Dawn): the result on stdout, nothing on stderr', () => {
    const tmp = mkdtempSync(join(scratch, 'node-'));
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8', env: bareEnv(tmp), timeout: 110_000 });
    check(r, 'Node');
    // The directory a login session would have made: this user's, mode 0700.
    const st = lstatSync(join(tmp, `webgpu-tensor-runtime-${process.getuid!()}`));
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o777).toBe(0o700);
  });

  it('Deno (wgpu): the result on stdout, nothing on stderr', () => {
    const deno = 'node_modules/.bin/deno';
    if (!existsSync(deno)) throw new Error('node_modules/.bin/deno is missing: npm install (deno is a devDependency)');
    const tmp = mkdtempSync(join(scratch, 'deno-'));
    const r = spawnSync(deno, ['eval', '--ext=ts', SCRIPT], { encoding: 'utf8', env: bareEnv(tmp), timeout: 110_000 });
    check(r, 'Deno');
  });
});

describe('nodeRuntimeDir', () => {
  const withTmp = async (tmp: string, env: Record<string, string | undefined>): Promise<void> => {
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = tmp;
    try {
      await nodeRuntimeDir(env, 'linux');
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
  };
  const uid = process.getuid!();

  it('keeps a directory the user set, and does nothing off Linux', async () => {
    const env: Record<string, string | undefined> = { XDG_RUNTIME_DIR: '/run/user/1000' };
    await withTmp(scratch, env);
    expect(env['XDG_RUNTIME_DIR']).toBe('/run/user/1000');
    const mac: Record<string, string | undefined> = {};
    await nodeRuntimeDir(mac, 'darwin');
    expect(mac['XDG_RUNTIME_DIR']).toBeUndefined();
  });

  it('reuses its private directory, and replaces a relative path (which the loader rejects too)', async () => {
    const tmp = mkdtempSync(join(scratch, 'reuse-'));
    const a: Record<string, string | undefined> = {};
    const b: Record<string, string | undefined> = { XDG_RUNTIME_DIR: 'relative/dir' };
    await withTmp(tmp, a);
    await withTmp(tmp, b);
    expect(a['XDG_RUNTIME_DIR']).toBe(join(tmp, `webgpu-tensor-runtime-${uid}`));
    expect(b['XDG_RUNTIME_DIR']).toBe(a['XDG_RUNTIME_DIR']);
  });

  it('does not use a directory others can read or a planted symlink: it makes a fresh one', async () => {
    for (const plant of ['open', 'symlink'] as const) {
      const tmp = mkdtempSync(join(scratch, `${plant}-`));
      const shared = join(tmp, `webgpu-tensor-runtime-${uid}`);
      if (plant === 'open') {
        mkdirSync(shared);
        chmodSync(shared, 0o755);
      } else {
        const elsewhere = mkdtempSync(join(scratch, 'target-'));
        chmodSync(elsewhere, 0o700);
        symlinkSync(elsewhere, shared);
      }
      const env: Record<string, string | undefined> = {};
      await withTmp(tmp, env);
      const dir = env['XDG_RUNTIME_DIR']!;
      expect(dir, plant).not.toBe(shared);
      expect(dir.startsWith(join(tmp, 'webgpu-tensor-runtime-')), plant).toBe(true);
      const st = lstatSync(dir);
      expect(st.isDirectory() && !st.isSymbolicLink(), plant).toBe(true);
      expect(st.mode & 0o777, plant).toBe(0o700);
    }
  });
});
