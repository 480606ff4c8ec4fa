/**
 * Helpers for the tests that run in real Chromium: launch Debian's chromium through playwright-core
 * (with or without WebGPU), build the demo pages and serve a folder with vite preview on a free port.
 * Under CI=true a missing browser is an Error; elsewhere the tests have nothing to do.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const RESULTS_DIR = join(ROOT, 'test-results');

const BASE_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** WebGPU on SwiftShader (Vulkan): what gives navigator.gpu an adapter on a machine without a GPU. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];

/** No WebGPU: without --enable-unsafe-webgpu and with the feature off, requestAdapter() answers null here. */
export const NO_WEBGPU_ARGS = ['--disable-features=WebGPU'];

export function browserAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Whether the browser tests run: always under CI (where a missing browser then fails), else if Chromium is there. */
export const BROWSER_TESTS_ENABLED = IN_CI || browserAvailable();

/** Kernels agree with cpu to float rounding; seeded normals pass through log/cos, which GPUs evaluate less exactly. */
export const smokeTolerance = (name: string): number => (name === 'randomSeeded' ? 1e-3 : 1e-4);

/** One case of test/browser/smoke.js: the largest difference from cpu, and whether shapes and values are sane. */
export interface SmokeCase { maxErr: number; shapesMatch: boolean; finite: boolean }

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console lines and page errors, for failure messages. */
  log: string[];
  /** URLs the page requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Launch a fresh Chromium (own profile folder) with the given extra flags. */
export async function launch(extraArgs: readonly string[]): Promise<Browser> {
  if (!browserAvailable()) throw new Error(`browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'wt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreDefaultArgs: ['--headless'],
    args: [...BASE_ARGS, ...extraArgs],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const log: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  return {
    context,
    page,
    log,
    requests,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Build the demo pages (vite.config.ts) into a fresh temporary folder and return it. */
export async function buildDemo(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'wt-demo-'));
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** Copy the library bundle (dist-browser) and the bare test page into `dir`/bare. */
export function addBarePage(dir: string): void {
  const bundle = join(ROOT, 'dist-browser', 'webgpu-tensor.js');
  if (!existsSync(bundle)) throw new Error(`browser tests: ${bundle} is missing (run npm run build)`);
  const bare = join(dir, 'bare');
  mkdirSync(bare, { recursive: true });
  cpSync(join(ROOT, 'dist-browser'), bare, { recursive: true });
  cpSync(join(ROOT, 'test', 'browser', 'bare.html'), join(bare, 'index.html'));
  cpSync(join(ROOT, 'test', 'browser', 'smoke.js'), join(bare, 'smoke.js'));
}

export interface Server {
  url: string;
  close(): Promise<void>;
}

/** COOP + COEP: the page is cross-origin isolated, so it has SharedArrayBuffer (wasm threads). */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Serve a built folder with vite preview on localhost and a free port (cross-origin isolated when `isolated`). */
export async function serve(dir: string, isolated = false): Promise<Server> {
  const server: PreviewServer = await preview({
    configFile: false,
    // The root only anchors the config; preview serves build.outDir.
    root: ROOT,
    logLevel: 'warn',
    build: { outDir: dir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false, headers: isolated ? ISOLATION_HEADERS : {} },
  });
  const addr = server.httpServer.address() as AddressInfo;
  return {
    // localhost is a secure context, which WebGPU needs.
    url: `http://localhost:${addr.port}`,
    close: () => server.close(),
  };
}

/** Save a full-page screenshot to test-results/NAME.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Copy a screenshot of a passing run to docs/ for the README, when the docs copy is missing or
 * WT_UPDATE_SCREENSHOTS=1 (so an ordinary test run does not rewrite tracked files).
 */
export function publishScreenshot(path: string, docsName: string): void {
  const target = join(ROOT, 'docs', docsName);
  if (existsSync(target) && process.env.WT_UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(dirname(target), { recursive: true });
  cpSync(path, target);
}

/** Copy the library bundle and the frames page (test/browser/frames/: the CNN trained on the main thread or in a worker) into `dir`/frames. */
export function addFramesPage(dir: string): void {
  const frames = join(dir, 'frames');
  mkdirSync(frames, { recursive: true });
  cpSync(join(ROOT, 'dist-browser'), frames, { recursive: true });
  cpSync(join(ROOT, 'test', 'browser', 'frames'), frames, { recursive: true });
}

/** The served pages and the browser of a describe block; null until set up (or when the tests are off). */
export interface Session {
  browser: Browser | null;
  server: Server | null;
  /** Throw `what` with the end of the page's log, for a failure that an assertion would explain badly. */
  fail(what: string): never;
}

/**
 * Call inside a describe block: before its tests, build the demo pages (unless `demo` is false), add
 * the bare page (and the frames page with `frames`), serve them (cross-origin isolated when
 * `isolated`) and launch Chromium with `args`; after them, close and remove everything.
 */
export function browserSession(args: readonly string[], { isolated = false, demo = true, frames = false } = {}): Session {
  let dir = '';
  const session: Session = {
    browser: null,
    server: null,
    fail(what: string): never {
      throw new Error(`${what}\n--- page log ---\n${session.browser?.log.slice(-30).join('\n')}`);
    },
  };
  beforeAll(async () => {
    if (!BROWSER_TESTS_ENABLED) return;
    dir = demo ? await buildDemo() : mkdtempSync(join(tmpdir(), 'wt-pages-'));
    addBarePage(dir);
    if (frames) addFramesPage(dir);
    session.server = await serve(dir, isolated);
    session.browser = await launch(args);
  }, 120_000);
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return session;
}

/**
 * Call inside a describe block: bundle test/browser/NAME/entry.ts (vite, library mode, to NAME.js)
 * into a page folder beside the shipped bundle (dist-browser) and test/browser/NAME/index.html,
 * serve it, open it in Chromium with WebGPU and wait until the page sets `globalThis[readyFlag]`;
 * after the block's tests, close and remove everything. `browser` stays null when the browser
 * tests are off.
 */
export function bundledPage(name: string, readyFlag: string): { browser: Browser | null } {
  const session: { browser: Browser | null } = { browser: null };
  let dir = '';
  let server: Server | null = null;
  beforeAll(async () => {
    if (!BROWSER_TESTS_ENABLED) return;
    dir = mkdtempSync(join(tmpdir(), `wt-${name}-`));
    const page = join(dir, name);
    mkdirSync(page, { recursive: true });
    // The page's own code only: the library comes from its import of the bundle.
    await build({
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: page,
        emptyOutDir: false,
        minify: false,
        lib: { entry: join(ROOT, 'test', 'browser', name, 'entry.ts'), formats: ['es'], fileName: () => `${name}.js` },
      },
    });
    cpSync(join(ROOT, 'dist-browser'), page, { recursive: true });
    cpSync(join(ROOT, 'test', 'browser', name, 'index.html'), join(page, 'index.html'));
    server = await serve(dir);
    session.browser = await launch(WEBGPU_ARGS);
    await session.browser.page.goto(`${server.url}/${name}/index.html`);
    await session.browser.page.waitForFunction((flag) => (globalThis as Record<string, unknown>)[flag] === true, readyFlag, { timeout: 30_000 });
  }, 180_000);
  afterAll(async () => {
    await session.browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return session;
}
