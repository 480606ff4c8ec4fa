/**
 * The conformance suite in Chromium: every case of test/conformance/cases.ts, bundled into a page
 * beside the shipped library bundle (dist-browser), on webgpu (SwiftShader) and wasm, each case
 * against the cpu reference in the same page. (gpujs in a page compiles a WebGL program per kernel
 * shape: the whole suite takes over 15 minutes on the software rasterizer, so it runs in Node, and
 * test/browser-fallback.test.ts covers it in Chromium.) Under CI=true a missing browser or adapter fails.
 */
import { describe, expect, it } from 'vitest';
import { CASES } from './conformance/cases.ts';
import { BROWSER_TESTS_ENABLED, bundledPage, CHROMIUM } from './browser/harness.js';
import type { PageSummary } from './browser/conformance/entry.ts';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser conformance: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

describe('the conformance suite in Chromium', () => {
  const session = bundledPage('conformance', 'conformanceReady');

  it.each(['webgpu', 'wasm'])('every case passes on %s', async (backend) => {
    const { browser } = session;
    if (!browser) return;
    const r = (await browser.page.evaluate(
      (b) => (globalThis as unknown as { conformance: (b: string) => Promise<unknown> }).conformance(b), backend,
    )) as PageSummary;
    console.log(`Chromium ${backend}: ${r.passed} of ${r.total} cases in ${r.seconds} s (${JSON.stringify(r.device)})`);
    expect(r.failed, `${backend}: ${browser.log.slice(-10).join('\n')}`).toEqual([]);
    expect(r.total).toBe(CASES.length);
    expect(r.passed).toBe(CASES.length);
    // every case's tensors were freed (the harness disposes what each case returned)
    expect(r.numTensors).toBe(0);
  }, 600_000);
});
