/**
 * The engine in a dedicated worker of a cross-origin-isolated page: the way to keep a page
 * responsive while it trains on wasm (the kernels run synchronously inside each op, so on the main
 * thread every batch holds the page; in a worker only the worker waits, and it may block in
 * Atomics.wait instead of spinning). test/browser/frames/ trains the demo's CNN there on wasm with
 * the pool's worker threads started from the worker; its losses must equal, bit for bit, those of
 * the same training on the page's main thread, and follow the cpu reference's. Frame lengths are
 * measured by bench/page-frames.mjs, not here. Under CI=true a missing browser fails.
 */
import { describe, expect, it } from 'vitest';
import { BROWSER_TESTS_ENABLED, browserSession, CHROMIUM, NO_WEBGPU_ARGS } from './browser/harness.js';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser tests: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

interface FramesResult {
  error?: string;
  where: string;
  isolated: boolean;
  losses: number[];
  info: Record<string, unknown>;
  jobs: number;
  canBlock: boolean;
}

describe('the engine in a worker of a cross-origin-isolated page', () => {
  const session = browserSession(NO_WEBGPU_ARGS, { isolated: true, demo: false, frames: true });

  it('trains the CNN on wasm with pool threads, blocking, with the main thread\'s losses and the cpu\'s', async () => {
    const { browser, server } = session;
    if (!browser || !server) return;
    const { page } = browser;
    const run = async (where: string, backend: string): Promise<FramesResult> => {
      await page.goto(`${server.url}/frames/frames.html?where=${where}&backend=${backend}&threads=2&batch=16&steps=4`);
      await page.waitForFunction(() => (globalThis as { framesResult?: unknown }).framesResult, null, { timeout: 120_000, polling: 200 });
      const r = (await page.evaluate(() => (globalThis as unknown as { framesResult: FramesResult }).framesResult));
      if (r.error) session.fail(`${where} on ${backend}: ${r.error}`);
      return r;
    };
    const worker = await run('worker', 'wasm');
    expect(worker.isolated).toBe(true);
    expect(worker.info).toMatchObject({ backend: 'wasm', threads: 2, sharedMemory: true });
    expect(worker.jobs).toBeGreaterThan(0); // the pool's threads, started from the worker, did work
    expect(worker.canBlock).toBe(true); // so the pool's caller sleeps in Atomics.wait there
    expect(worker.losses).toHaveLength(4);
    const main = await run('main', 'wasm');
    expect(main.canBlock).toBe(false); // the main thread may not block: the pool spins there
    expect(main.losses).toEqual(worker.losses);
    const cpu = await run('worker', 'cpu');
    cpu.losses.forEach((want, i) => {
      expect(Math.abs(worker.losses[i]! - want), `batch ${i}: wasm ${worker.losses[i]} vs cpu ${want}`).toBeLessThanOrEqual(1e-4 + 1e-3 * want);
    });
    expect(browser.log.filter((l) => l.startsWith('[pageerror]') || /wasm worker/.test(l))).toEqual([]);
  });
});
