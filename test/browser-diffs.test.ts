/**
 * The differential cases against tfjs-core (test/tfjs-diffs.ts) in Chromium: bundled into a page
 * with tfjs-core and its cpu backend, beside the shipped library bundle (dist-browser), our side run
 * on cpu, wasm and webgpu (SwiftShader), TF.js's on its cpu backend in the same page. Under CI=true
 * a missing browser fails.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as wt from '../src/index.js';
import { diffCases, refusalCases, webgpuRefusals } from './tfjs-diffs.ts';
import { BROWSER_TESTS_ENABLED, CHROMIUM, launch, ROOT, serve, WEBGPU_ARGS, type Browser, type Server } from './browser/harness.js';
import type { DiffSummary } from './tfjs-diffs.ts';
import { PAGE_SKIP } from './browser/diffs/entry.ts';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser diffs: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

// What the page must run: every case and refusal, less those skipped in a page by name.
const DIFFS = diffCases(wt, tf);
const TOTAL = DIFFS.length + refusalCases(wt, tf).length;

describe('the differential suite against tfjs-core in Chromium', () => {
  let dir = '';
  let server: Server | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    if (!BROWSER_TESTS_ENABLED) return;
    dir = mkdtempSync(join(tmpdir(), 'wt-diffs-'));
    const page = join(dir, 'diffs');
    mkdirSync(page, { recursive: true });
    // The cases, the comparison and tfjs-core: our library comes from the page's own import of the bundle.
    await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: page,
        emptyOutDir: false,
        minify: false,
        lib: { entry: join(ROOT, 'test', 'browser', 'diffs', 'entry.ts'), formats: ['es'], fileName: () => 'diffs.js' },
      },
    });
    cpSync(join(ROOT, 'dist-browser'), page, { recursive: true });
    cpSync(join(ROOT, 'test', 'browser', 'diffs', 'index.html'), join(page, 'index.html'));
    server = await serve(dir);
    browser = await launch(WEBGPU_ARGS);
    await browser.page.goto(`${server.url}/diffs/index.html`);
    await browser.page.waitForFunction(() => (globalThis as { diffsReady?: boolean }).diffsReady === true, null, { timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['cpu', 'wasm', 'webgpu'])('every case agrees with tfjs-core on %s', async (backend) => {
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
