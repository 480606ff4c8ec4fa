/**
 * The conformance suite in Chromium: every case of test/conformance/cases.ts, bundled into a page
 * beside the shipped library bundle (dist-browser), on webgpu (SwiftShader) and wasm, each case
 * against the cpu reference in the same page. (gpujs in a page compiles a WebGL program per kernel
 * shape: the whole suite takes over 15 minutes on the software rasterizer, so it runs in Node, and
 * test/browser-fallback.test.ts covers it in Chromium.) Under CI=true a missing browser or adapter fails.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES } from './conformance/cases.ts';
import { BROWSER_TESTS_ENABLED, CHROMIUM, launch, ROOT, serve, WEBGPU_ARGS, type Browser, type Server } from './browser/harness.js';
import type { PageSummary } from './browser/conformance/entry.ts';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser conformance: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

describe('the conformance suite in Chromium', () => {
  let dir = '';
  let server: Server | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    if (!BROWSER_TESTS_ENABLED) return;
    dir = mkdtempSync(join(tmpdir(), 'wt-conformance-'));
    const page = join(dir, 'conformance');
    mkdirSync(page, { recursive: true });
    // The cases and their harness only: the library comes from the page's own import of the bundle.
    await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: page,
        emptyOutDir: false,
        minify: false,
        lib: { entry: join(ROOT, 'test', 'browser', 'conformance', 'entry.ts'), formats: ['es'], fileName: () => 'conformance.js' },
      },
    });
    cpSync(join(ROOT, 'dist-browser'), page, { recursive: true });
    cpSync(join(ROOT, 'test', 'browser', 'conformance', 'index.html'), join(page, 'index.html'));
    server = await serve(dir);
    browser = await launch(WEBGPU_ARGS);
    await browser.page.goto(`${server.url}/conformance/index.html`);
    await browser.page.waitForFunction(() => (globalThis as { conformanceReady?: boolean }).conformanceReady === true, null, { timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['webgpu', 'wasm'])('every case passes on %s', async (backend) => {
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
