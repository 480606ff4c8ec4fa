/**
 * The MNIST page trains in a dedicated worker (demo/src/train-worker.ts), in a cross-origin-isolated
 * Chromium page without WebGPU: the page says where it trains, the CNN on wasm (with the pool's
 * threads) gives the same losses there as the same page training on its main thread (?where=main),
 * the drawing pad's digit is classified by the worker's model, the Stop button stops the worker's
 * run, and gpujs trains in the worker too (WebGL on an OffscreenCanvas), following the cpu's losses. Frame lengths are measured by bench/page-frames.mjs, not here.
 * Under CI=true a missing browser fails.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BROWSER_TESTS_ENABLED, browserSession, CHROMIUM, NO_WEBGPU_ARGS } from './browser/harness.js';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser tests: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

interface Point { x: number; loss: number; accuracy: number }
interface Mnist { state: string; backend?: string; model?: string; where?: string; callerBlocks?: boolean; device?: Record<string, unknown>; initial?: Point; validation: Point[]; batches: Point[]; gridCorrect?: number; drawn?: number[]; error?: string }

/** |got - want| within the parity tests' float32 tolerance for a training loss. */
function expectClose(got: number[], want: number[], what: string, rel = 1e-3): void {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${what} ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(1e-4 + rel * Math.abs(w)));
}

describe('the MNIST page trains in a worker', () => {
  const session = browserSession(NO_WEBGPU_ARGS, { isolated: true });
  const { fail } = session;

  async function train(page: Page, query: string): Promise<Mnist> {
    const { server } = session;
    await page.goto(`${server!.url}/mnist.html?${query}&autorun=1`);
    await page.waitForFunction(() => ['done', 'error'].includes(window.wtMnist?.state ?? ''), null, { timeout: 180_000, polling: 200 });
    const st = (await page.evaluate(() => window.wtMnist)) as Mnist;
    if (st.state !== 'done') fail(`training (${query}) failed: ${st.error}`);
    return st;
  }

  it('the CNN on wasm: in the worker, with the main thread\'s losses, and the pad asks the worker', async () => {
    const { browser } = session;
    if (!browser) return;
    const { page } = browser;
    const q = 'model=cnn&train=192&test=60&epochs=2&batch=32&backend=wasm';
    const main = await train(page, `${q}&where=main`);
    expect(main.where).toBe('main');
    expect(main.callerBlocks).toBe(false);
    const worker = await train(page, q);
    expect(worker.where).toBe('worker'); // as the engine itself found: no document there
    expect(worker.callerBlocks).toBe(true);
    expect(worker.backend).toBe('wasm');
    expect(await page.locator('#where').innerText()).toMatch(/dedicated worker on wasm/);
    expect(await page.locator('#status').innerText()).toMatch(/CNN done on wasm/);
    expect(worker.batches).toHaveLength(12);
    expectClose(worker.batches.map((b) => b.loss), main.batches.map((b) => b.loss), 'batch loss');
    expectClose(worker.validation.map((v) => v.loss), main.validation.map((v) => v.loss), 'validation loss');
    expectClose([worker.initial!.loss], [main.initial!.loss], 'initial loss');
    expect(worker.batches.map((b) => b.x)).toEqual(main.batches.map((b) => b.x));
    expect(worker.gridCorrect).toBe(main.gridCorrect);
    expect(await page.locator('#digits canvas').count()).toBe(40);
    // a "1" on the pad: the worker's model answers with ten probabilities that sum to 1
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => (window.wtMnist?.drawn?.length ?? 0) === 10, null, { timeout: 20_000 });
    const drawn = (await page.evaluate(() => window.wtMnist!.drawn!)) as number[];
    expect(drawn.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(browser.log.filter((l) => l.startsWith('[pageerror]') || /wasm worker/.test(l))).toEqual([]);
  });

  it('the Stop button reaches the worker between batches', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    // 20 epochs of 16 batches: far more than run before the click lands
    await page.goto(`${server.url}/mnist.html?model=cnn&train=512&test=40&epochs=20&batch=32&backend=wasm&autorun=1`);
    await page.waitForFunction(() => (window.wtMnist?.batches.length ?? 0) >= 2, null, { timeout: 120_000, polling: 100 });
    await page.click('#stop-btn');
    await page.waitForFunction(() => ['done', 'error'].includes(window.wtMnist?.state ?? ''), null, { timeout: 120_000, polling: 200 });
    const st = (await page.evaluate(() => window.wtMnist)) as Mnist;
    expect(st.state).toBe('done');
    expect(st.where).toBe('worker');
    expect(st.batches.length).toBeGreaterThanOrEqual(2);
    expect(st.batches.length).toBeLessThan(20 * 16);
    expect(await page.locator('#stop-btn').isDisabled()).toBe(true);
  });

  it('gpujs trains in the worker too, with the cpu\'s losses', async () => {
    const { browser } = session;
    if (!browser) return;
    const { page } = browser;
    const q = 'model=mlp&train=256&test=40&epochs=1&batch=64';
    const cpu = await train(page, `${q}&backend=cpu`);
    const gpujs = await train(page, `${q}&backend=gpujs`);
    expect(gpujs.backend).toBe('gpujs');
    expect(gpujs.where).toBe('worker');
    // gpu.js draws on an OffscreenCanvas there: WebGL, not its CPU mode
    expect(gpujs.device).toMatchObject({ backend: 'gpujs', deviceResident: true });
    expect(String(gpujs.device!['mode'])).toMatch(/^webgl/);
    expect(cpu.where).toBe('worker');
    expect(gpujs.batches).toHaveLength(4);
    expectClose(gpujs.batches.map((b) => b.loss), cpu.batches.map((b) => b.loss), 'batch loss');
  });
});

declare global {
  interface Window { wtMnist?: Mnist }
}
