/**
 * The wasm backend in Chromium, in a cross-origin-isolated page (COOP + COEP headers, as
 * `npm run demo` serves them): the library bundle's smoke cases pass on wasm with worker threads
 * (Blob-URL workers over the shared memory), a product big enough for the pool matches the cpu,
 * and the MNIST page trains on wasm, the backend wt.init() picks there without WebGPU. The plain
 * (not isolated) page is covered in browser-fallback.test.ts. Under CI=true a missing browser fails.
 */
import { describe, expect, it } from 'vitest';
import { BROWSER_TESTS_ENABLED, browserSession, CHROMIUM, NO_WEBGPU_ARGS, screenshot, smokeTolerance, type SmokeCase } from './browser/harness.js';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser tests: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

interface SmokeResult { backend: string; info: { backend: string; device: Record<string, unknown> }; cases: Record<string, SmokeCase> }
interface Point { x: number; loss: number; accuracy: number }

describe('in a cross-origin-isolated Chromium page', () => {
  const session = browserSession(NO_WEBGPU_ARGS, { isolated: true });
  const { fail } = session;

  it('the bundle runs the smoke cases on wasm with worker threads', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bare/index.html`);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    let r: SmokeResult;
    try {
      r = (await page.evaluate(() => (globalThis as unknown as { smoke: (b: string) => Promise<unknown> }).smoke('wasm'))) as SmokeResult;
    } catch (e) {
      return fail(`smoke test threw: ${(e as Error).message}`);
    }
    expect(r.info.device).toMatchObject({ backend: 'wasm', sharedMemory: true });
    expect(r.info.device['singleThreaded']).toBeUndefined();
    for (const [name, c] of Object.entries(r.cases)) {
      expect({ name, ...c }).toMatchObject({ name, shapesMatch: true, finite: true });
      expect(c.maxErr, name).toBeLessThan(smokeTolerance(name));
    }
    // Three threads (two Blob-URL workers) on a product the pool splits; the values match the cpu.
    const pool = await page.evaluate(async () => {
      const wt = (globalThis as unknown as { wt: typeof import('../src/index.js') }).wt;
      await wt.setBackend('wasm');
      await wt.setWasmThreads(3);
      const run = async (): Promise<number[]> => {
        const c = wt.matmul(wt.randn([150, 200], { seed: 1 }), wt.randn([200, 170], { seed: 2 }), { transposeB: false });
        return Array.from(await c.data());
      };
      const got = await run();
      const m = wt.memory();
      await wt.setBackend('cpu');
      const want = await run();
      let worst = 0;
      got.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - want[i]!) / Math.max(1, Math.abs(want[i]!))); });
      return { threads: m['wasmThreads'], jobs: m['wasmParallelJobs'], worst };
    });
    expect(pool.threads).toBe(3);
    expect(pool.jobs).toBeGreaterThan(0);
    expect(pool.worst).toBeLessThan(1e-4); // float32 sums over k = 200 against the cpu's float64
    // no page errors from the workers
    expect(browser.log.filter((l) => l.startsWith('[pageerror]') || /wasm worker/.test(l))).toEqual([]);
  });

  it('the MNIST page trains on wasm (wt.init()\'s choice without WebGPU) with threads, and accuracy rises', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/mnist.html?train=384&test=100&epochs=2&batch=128&autorun=1`);
    await page.waitForFunction(() => ['done', 'error'].includes(window.wtMnist?.state ?? ''), null, { timeout: 120_000 });
    const st = await page.evaluate(() => window.wtMnist);
    if (st?.state !== 'done') fail(`training failed: ${st?.error}`);
    expect(st!.backend).toBe('wasm');
    const val = st!.validation as Point[];
    expect(val[1]!.accuracy).toBeGreaterThan(st!.initial!.accuracy + 0.3);
    const banner = await page.locator('#banner').innerText();
    expect(banner).toMatch(/Running on wasm/);
    expect(banner).not.toMatch(/singleThreaded/);
    await screenshot(page, 'mnist-wasm-isolated');
  });
});

declare global {
  interface Window {
    wtMnist?: { state: string; backend?: string; initial?: Point; validation: Point[]; batches: Point[]; error?: string };
  }
}
