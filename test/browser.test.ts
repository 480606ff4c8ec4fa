/**
 * The browser, with WebGPU (SwiftShader under Chromium): the library bundle in a bare page passes a
 * conformance smoke test on webgpu; the benchmark page runs at small sizes with results (ours on
 * webgpu, TensorFlow.js's cpu and webgpu) that match the cpu reference; the MNIST page trains a few
 * batches and its accuracy rises. Screenshots go to test-results/ (and to docs/ for the README).
 * Under CI=true a missing browser or adapter fails.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_TESTS_ENABLED, browserSession, CHROMIUM, publishScreenshot, screenshot, smokeTolerance, WEBGPU_ARGS,
  type SmokeCase,
} from './browser/harness.js';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser tests: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

interface SmokeResult { backend: string; info: { backend: string; device: Record<string, unknown> }; cases: Record<string, SmokeCase> }
interface BenchRow { test: string; size: string; backend: string; throughput: number; speedup?: number; maxErr?: number; error?: string }
interface Point { x: number; loss: number; accuracy: number }

/** Draws a "1" on the MNIST page's pad and returns the ten probabilities it shows for it. */
async function drawOne(page: Page): Promise<number[]> {
  // the pad may sit below the fold: mouse events must land on it
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.5, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => (window.wtMnist?.drawn?.length ?? 0) === 10, null, { timeout: 20_000 });
  return (await page.evaluate(() => window.wtMnist!.drawn!)) as number[];
}

describe('in Chromium with WebGPU', () => {
  const session = browserSession(WEBGPU_ARGS);
  const { fail } = session;

  it('the bundle runs a conformance smoke test on webgpu in a bare page', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bare/index.html`);
    const adapter = await page.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
    if (!adapter) fail('no WebGPU adapter in Chromium (flags: ' + WEBGPU_ARGS.join(' ') + ')');
    const r = await page.evaluate(() => (globalThis as unknown as { smoke: (b: string) => Promise<unknown> }).smoke('webgpu')) as SmokeResult;
    expect(r.backend).toBe('webgpu');
    expect(r.info.backend).toBe('webgpu');
    for (const [name, c] of Object.entries(r.cases)) {
      expect({ name, ...c }).toMatchObject({ name, shapesMatch: true, finite: true });
      expect(c.maxErr, name).toBeLessThan(smokeTolerance(name));
    }
    expect(Object.keys(r.cases).length).toBeGreaterThanOrEqual(10);
    // gpu.js is fetched only for the fallback, never when WebGPU runs.
    expect(browser.requests.filter((u) => u.endsWith('/gpu-js.js'))).toEqual([]);
  });

  it('wt.init() passes the software adapter (SwiftShader) over for wasm, and says so', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bare/index.html`);
    const info = await page.evaluate(async () => {
      const wt = (globalThis as unknown as { wt: typeof import('../src/index.js') }).wt;
      await wt.init();
      return wt.backendInfo();
    });
    expect(info.backend).toBe('wasm');
    expect(info.attempts[0]).toMatchObject({ name: 'webgpu', ok: false, started: true });
    expect(info.attempts[0]!.reason).toMatch(/software WebGPU adapter .* slower than wasm/);
    expect(info.attempts[1]).toMatchObject({ name: 'wasm', ok: true });
  });

  it('the benchmark page runs small sizes on cpu, webgpu and TensorFlow.js, and all match cpu', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/bench.html?sizes=32,64&elementwise=4096&softmax=64x100&mnist=128&cnn=64&backends=cpu,webgpu&tfjs=1&mintime=5`);
    await page.waitForFunction(() => ['ready', 'error'].includes(window.wtBench?.state ?? ''), null, { timeout: 60_000 });
    if ((await page.evaluate(() => window.wtBench?.state)) === 'error') fail(`bench setup failed: ${await page.evaluate(() => window.wtBench?.error)}`);
    expect(await page.locator('#no-webgpu').count()).toBe(0);
    await page.click('#run');
    await page.waitForFunction(() => ['done', 'error'].includes(window.wtBench?.state ?? ''), null, { timeout: 120_000 });
    const bench = await page.evaluate(() => window.wtBench);
    if (bench?.state !== 'done') fail(`benchmark failed: ${bench?.error}`);
    const rows = bench!.report!.rows as BenchRow[];
    // cpu and webgpu: 2 matmuls, add, softmax, MNIST epoch, CNN epoch; TensorFlow.js cpu and webgpu: the four op rows.
    expect(rows.map((r) => r.backend).sort()).toEqual([
      ...Array(6).fill('cpu'), ...Array(4).fill('tfjs-cpu'), ...Array(4).fill('tfjs-webgpu'), ...Array(6).fill('webgpu'),
    ]);
    for (const r of rows) {
      expect(r.error, `${r.test} ${r.size} ${r.backend}`).toBeUndefined();
      expect(r.throughput).toBeGreaterThan(0);
      if (r.backend !== 'cpu') {
        expect(r.speedup).toBeGreaterThan(0);
        // The training epoch's loss differs by float rounding over a few steps; kernels' outputs by much less.
        expect(r.maxErr!, `${r.test} ${r.size}`).toBeLessThan(r.test === 'mnist' || r.test === 'cnn' ? 1e-3 : 1e-4);
      }
    }
    expect(await page.locator('#results tbody tr').count()).toBe(rows.length);
    expect(await page.locator('#devices').innerText()).toMatch(/webgpu/);
    const shot = await screenshot(page, 'bench-webgpu');
    publishScreenshot(shot, 'screenshot-bench.png');
  });

  it('the MNIST page trains a few batches on webgpu and its accuracy rises', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/mnist.html?train=384&test=100&epochs=2&batch=128&backend=webgpu&autorun=1`);
    await page.waitForFunction(() => ['done', 'error'].includes(window.wtMnist?.state ?? ''), null, { timeout: 120_000 });
    const st = await page.evaluate(() => window.wtMnist);
    if (st?.state !== 'done') fail(`training failed: ${st?.error}`);
    expect(st!.backend).toBe('webgpu');
    expect(st!.batches.length).toBe(6);
    const val = st!.validation as Point[];
    expect(val.length).toBe(2);
    expect(val[1]!.accuracy).toBeGreaterThan(st!.initial!.accuracy + 0.3);
    expect(val[1]!.loss).toBeLessThan(st!.initial!.loss);
    expect(st!.gridCorrect).toBeGreaterThan(20);
    expect(await page.locator('#digits canvas').count()).toBe(40);
    // Draw a "1" on the pad: the ten probabilities appear and sum to 1.
    const drawn = await drawOne(page);
    expect(drawn.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    const shot = await screenshot(page, 'mnist-webgpu');
    publishScreenshot(shot, 'screenshot-mnist.png');
  });

  it('the MNIST page trains the CNN on webgpu and the drawing pad classifies with it', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.goto(`${server.url}/mnist.html?model=cnn&train=640&test=100&epochs=2&batch=32&backend=webgpu&autorun=1`);
    await page.waitForFunction(() => ['done', 'error'].includes(window.wtMnist?.state ?? ''), null, { timeout: 120_000 });
    const st = await page.evaluate(() => window.wtMnist);
    if (st?.state !== 'done') fail(`training failed: ${st?.error}`);
    expect(st!.model).toBe('cnn');
    expect(await page.locator('#model-desc').innerText()).toMatch(/conv 3x3x16/);
    expect(st!.batches.length).toBe(40);
    const val = st!.validation as Point[];
    expect(val[1]!.accuracy).toBeGreaterThan(st!.initial!.accuracy + 0.3);
    const drawn = await drawOne(page);
    expect(drawn.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    await screenshot(page, 'mnist-cnn-webgpu');
  });

  it('the pages still fit a narrow screen', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/mnist.html`);
    await page.waitForFunction(() => window.wtMnist?.state === 'ready', null, { timeout: 60_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(page, 'mnist-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

declare global {
  interface Window {
    wtBench?: { state: string; report?: { rows: unknown[] }; error?: string };
    wtMnist?: { state: string; backend?: string; model?: string; initial?: Point; validation: Point[]; batches: Point[]; gridCorrect?: number; drawn?: number[]; error?: string };
  }
}
