/**
 * The wasm modules as shipped: the committed src/backend/wasm/*.wasm are what the C sources build
 * to (rebuilt with clang-16 into a temporary folder and compared byte for byte; under CI=true clang
 * must be there), and a Node script that uses the wasm backend's worker threads exits by itself
 * when it is done (the workers do not hold the process), running from the built dist/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const CI = process.env['CI'] === 'true';

function hasClang(): boolean {
  try {
    execFileSync('clang-16', ['--version'], { stdio: 'ignore' });
    execFileSync('wasm-ld-16', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('wasm modules', () => {
  const clang = hasClang();
  if (!clang && !CI) console.warn('wasm-build test: clang-16/wasm-ld-16 not found; the committed modules are not checked against the sources');

  it.runIf(clang || CI)('the committed .wasm files are what the C sources build to', () => {
    expect(clang, 'CI=true requires clang-16 and lld-16 (apt-get install clang-16 lld-16)').toBe(true);
    const out = mkdtempSync(join(tmpdir(), 'wt-wasm-'));
    try {
      execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--out', out], { stdio: 'pipe' });
      for (const f of ['kernels.wasm', 'kernels-threads.wasm', 'kernels-relaxed.wasm', 'kernels-threads-relaxed.wasm']) {
        const fresh = readFileSync(join(out, f));
        const committed = readFileSync(join('src/backend/wasm', f));
        expect(fresh.equals(committed), `${f}: run \`npm run build\` and commit src/backend/wasm/${f}`).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('a Node process using the wasm backend', () => {
  beforeAll(() => {
    // `npm test` builds first; a lone run of this file builds if dist/ is missing or stale.
    const newest = Math.max(...readdirSync('src/backend/wasm').map((f) => statSync(join('src/backend/wasm', f)).mtimeMs));
    if (!existsSync('dist/index.js') || statSync('dist/index.js').mtimeMs < newest) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    }
  });

  it('exits when its script is done, its worker threads notwithstanding', () => {
    const script = `
      const wt = await import('./dist/index.js');
      await wt.setBackend('wasm');
      await wt.setWasmThreads(3);
      const c = wt.matmul(wt.ones([300, 200]), wt.ones([200, 100]));
      const d = await c.data();
      console.log(JSON.stringify({ threads: wt.getWasmThreads(), first: d[0], last: d[d.length - 1], jobs: wt.memory().wasmParallelJobs }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.error, 'the process did not exit within 60 s').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { threads: number; first: number; last: number; jobs: number };
    expect(out).toMatchObject({ threads: 3, first: 200, last: 200 });
    expect(out.jobs).toBeGreaterThan(0);
  });
});
