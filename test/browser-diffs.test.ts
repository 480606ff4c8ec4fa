/**
 * The differential cases against tfjs-core (test/tfjs-diffs.ts) in Chromium: bundled into a page
 * with tfjs-core and its cpu backend, beside the shipped library bundle (dist-browser), our side run
 * on cpu, wasm and webgpu (SwiftShader), TF.js's on its cpu backend in the same page. Under CI=true
 * a missing browser fails.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as wt from '../src/index.js';
import { diffCases, refusalCases, webgpuRefusals } from './tfjs-diffs.ts';
import { BROWSER_TESTS_ENABLED, bundledPage, CHROMIUM } from './browser/harness.js';
import type { DiffSummary } from './tfjs-diffs.ts';
import { PAGE_SKIP } from './browser/diffs/entry.ts';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser diffs: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

// What the page must run: every case and refusal, less those skipped in a page by name.
const DIFFS = diffCases(wt, tf);
const TOTAL = DIFFS.length + refusalCases(wt, tf).length;

describe('the differential suite against tfjs-core in Chromium', () => {
  const session = bundledPage('diffs', 'diffsReady');

  it.each(['cpu', 'wasm', 'webgpu'])('every case agrees with tfjs-core on %s', async (backend) => {
    const { browser } = session;
    if (!browser) return;
    const r = (await browser.page.evaluate(
      (b) => (globalThis as unknown as { diffs: (b: string) => Promise<unknown> }).diffs(b), backend,
    )) as DiffSummary;
    console.log(`Chromium ${backend}: ${r.passed} of ${r.total} passed, ${r.refused.length} refused by design, ${r.skipped.length} skipped in ${r.seconds} s (${JSON.stringify(r.device)})`);
    expect(r.failed, `${backend}: ${browser.log.slice(-10).join('\n')}`).toEqual([]);
    expect(r.total).toBe(TOTAL);
    expect(r.skipped.map((s) => s.name).sort()).toEqual(Object.keys(PAGE_SKIP).sort());
    const refused = backend === 'webgpu' ? Object.keys(webgpuRefusals(DIFFS)) : [];
    expect(r.refused.sort()).toEqual(refused.sort());
    // the count that ran and agreed
    expect(r.passed).toBe(TOTAL - refused.length - r.skipped.length);
  }, 600_000);
});
