/**
 * The browser WITHOUT WebGPU (Chromium launched without --enable-unsafe-webgpu and with the WebGPU
 * feature off), in a plain page (not cross-origin isolated): wt.init() must skip webgpu and pick
 * wasm, on one thread (no SharedArrayBuffer) and saying why; the library bundle's conformance smoke
 * test must pass there against cpu, on wasm and on gpujs (WebGL2); and the pages must say that WebGPU
 * is missing and still run (the benchmark on cpu, wasm and gpujs at small sizes). Under CI=true a
 * missing browser fails.
 */
import { describe, expect, it } from 'vitest';
import {
  BROWSER_TESTS_ENABLED, browserSession, CHROMIUM, NO_WEBGPU_ARGS, publishScreenshot, screenshot, smokeTolerance,
  type SmokeCase,
} from './browser/harness.js';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser tests: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

interface SmokeResult {
  backend: string;
  info: { backend: string; device: Record<string, unknown>; attempts: { name: string; ok: boolean; reason?: string }[] };
  cases: Record<string, SmokeCase>;
}
interface BenchRow { test: string; size: string; backend: string; ms: number; reps: number; unit: string; throughput: number; speedup?: number; maxErr?: number; error?: string }

describe('in Chromium without WebGPU', () => {
  const session = browserSession(NO_WEBGPU_ARGS);
  const { fail } = session;

  it('has no WebGPU adapter but has WebGL2', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bare/index.html`);
    const env = await page.evaluate(async () => ({
      adapter: !!(await navigator.gpu?.requestAdapter()),
      webgl2: !!document.createElement('canvas').getContext('webgl2'),
    }));
    expect(env).toEqual({ adapter: false, webgl2: true });
  });

  it('wt.init() picks wasm on one thread, saying why, and the bundle passes the smoke test against cpu', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bare/index.html`);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
    let r: SmokeResult;
    try {
      r = (await page.evaluate(() => (globalThis as unknown as { smoke: (b: string) => Promise<unknown> }).smoke('auto'))) as SmokeResult;
    } catch (e) {
      return fail(`smoke test threw: ${(e as Error).message}`);
    }
    expect(r.backend).toBe('wasm');
    expect(r.info.device).toMatchObject({ backend: 'wasm', threads: 1, sharedMemory: false });
    expect(r.info.device['singleThreaded']).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy/);
    expect(r.info.attempts[0]).toMatchObject({ name: 'webgpu', ok: false });
    expect(r.info.attempts[0]!.reason).toMatch(/adapter/i);
    expect(r.info.attempts[1]).toMatchObject({ name: 'wasm', ok: true });
    for (const [name, c] of Object.entries(r.cases)) {
      expect({ name, ...c }).toMatchObject({ name, shapesMatch: true, finite: true });
      expect(c.maxErr, name).toBeLessThan(smokeTolerance(name));
    }
    expect(Object.keys(r.cases).length).toBeGreaterThanOrEqual(10);
    // wasm needs no gpu.js: the sibling file is not fetched
    expect(browser.requests.filter((u) => u.endsWith('/gpu-js.js'))).toEqual([]);
  });

  it('gpujs on WebGL2 passes the smoke test against cpu when asked for', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bare/index.html`);
    let r: SmokeResult;
    try {
      r = (await page.evaluate(() => (globalThis as unknown as { smoke: (b: string) => Promise<unknown> }).smoke('gpujs'))) as SmokeResult;
    } catch (e) {
      return fail(`smoke test threw: ${(e as Error).message}`);
    }
    expect(r.backend).toBe('gpujs');
    expect(r.info.device.mode).toBe('webgl2');
    for (const [name, c] of Object.entries(r.cases)) {
      expect({ name, ...c }).toMatchObject({ name, shapesMatch: true, finite: true });
      expect(c.maxErr, name).toBeLessThan(smokeTolerance(name));
    }
    // The bundle loaded gpu.js from its sibling file, with no import map or script tag in the page.
    expect(browser.requests.some((u) => u.endsWith('/bare/gpu-js.js'))).toBe(true);
  });

  it('the landing page says WebGPU is missing and names the fallback', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 60_000 });
    expect(await page.locator('#error').isHidden()).toBe(true);
    const notice = await page.locator('#no-webgpu').innerText();
    expect(notice).toMatch(/No WebGPU/);
    expect(notice).toMatch(/wasm/);
    const shot = await screenshot(page, 'landing-no-webgpu');
    publishScreenshot(shot, 'screenshot-no-webgpu.png');
  });

  it('the benchmark page runs on cpu, wasm and gpujs, and both match cpu', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bench.html?sizes=32,64&elementwise=4096&softmax=32x50&mnist=0&cnn=64&backends=cpu,wasm,gpujs&mintime=5`);
    await page.waitForFunction(() => ['ready', 'error'].includes(window.wtBench?.state ?? ''), null, { timeout: 60_000 });
    expect(await page.locator('#no-webgpu').count()).toBe(1);
    await page.click('#run');
    await page.waitForFunction(() => ['done', 'error'].includes(window.wtBench?.state ?? ''), null, { timeout: 120_000 });
    const bench = await page.evaluate(() => window.wtBench);
    if (bench?.state !== 'done') fail(`benchmark failed: ${bench?.error}`);
    const rows = bench!.report!.rows as BenchRow[];
    expect(rows.length).toBe(3 * 5);
    for (const r of rows) {
      expect(r.error, `${r.test} ${r.size} ${r.backend}`).toBeUndefined();
      expect(r.throughput).toBeGreaterThan(0);
      if (r.backend !== 'cpu') expect(r.maxErr!, `${r.test} ${r.size}`).toBeLessThan(r.test === 'mnist' || r.test === 'cnn' ? 1e-3 : 1e-4);
    }
    await screenshot(page, 'bench-no-webgpu');
  });
});

declare global {
  interface Window {
    wtBench?: { state: string; report?: { rows: unknown[] }; error?: string };
  }
}
