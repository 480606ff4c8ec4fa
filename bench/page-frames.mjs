/**
 * Is a page responsive while it trains? In headless Chromium, cross-origin isolated (COOP + COEP,
 * so the wasm backend has its worker threads), a requestAnimationFrame loop records every frame's
 * length while the CNN (conv 16, pool, conv 32, pool, dense 64, dense 10, adam) trains on wasm:
 * - `demo`: the MNIST demo page (demo/mnist.html), which trains in its dedicated worker
 *   (demo/src/train-worker.ts; the page draws the charts, progress and grid it sends);
 * - `demo-main`: the same page with ?where=main, training on its main thread (as it did before);
 * - `main`: test/browser/frames/frames.html training the same CNN on its main thread;
 * - `worker`: that page with the engine in a dedicated worker (test/browser/frames/train-worker.js).
 * Only frames from the first batch's end to the end of training count; long tasks are main-thread
 * tasks over 50 ms (PerformanceObserver 'longtask'). Goal: no frame longer than 50 ms.
 * Options: --pages=demo,demo-main,main,worker (default demo,demo-main) --batch=64
 * --threads=N (wasm threads; default one per core) --steps=8 (frames pages) --train=512 --epochs=1
 * (demo pages) --chromium=/usr/bin/chromium
 * Needs Debian's chromium (playwright-core drives it) and a built dist-browser/ (npm run build).
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { parseArgs, round } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = parseArgs();
const q = { model: 'cnn', train: Number(args.train ?? 512), test: 100, epochs: Number(args.epochs ?? 1), batch: Number(args.batch ?? 64), backend: 'wasm' };
const steps = Number(args.steps ?? 8);
// wasm threads of both pages (0: one per logical core)
const threads = Number(args.threads ?? 0);
const pages = (args.pages ?? 'demo,demo-main').split(',');

/** Frame statistics of one run: lengths in ms. */
function stats(ms, long) {
  const s = [...ms].sort((a, b) => a - b);
  return {
    frames: s.length, maxFrameMs: round(s[s.length - 1] ?? NaN), p95FrameMs: round(s[Math.floor(s.length * 0.95)] ?? NaN), medianFrameMs: round(s[s.length >> 1] ?? NaN),
    framesOver50: s.filter((x) => x > 50).length, longTasks: long.length, maxLongTaskMs: round(Math.max(0, ...long)),
  };
}

const out = mkdtempSync(join(tmpdir(), 'wt-frames-'));
const profile = mkdtempSync(join(tmpdir(), 'wt-frames-profile-'));
let server, context;
try {
  if (pages.some((p) => p.startsWith('demo'))) await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  // the bench page beside the library bundle
  cpSync(join(root, 'dist-browser'), join(out, 'frames'), { recursive: true });
  for (const f of readdirSync(join(root, 'test', 'browser', 'frames'))) cpSync(join(root, 'test', 'browser', 'frames', f), join(out, 'frames', f));
  server = await preview({
    configFile: false, root, logLevel: 'warn', build: { outDir: out },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false, headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  });
  const url = `http://localhost:${server.httpServer.address().port}`;
  context = await chromium.launchPersistentContext(profile, {
    executablePath: args.chromium ?? '/usr/bin/chromium', headless: true, ignoreDefaultArgs: ['--headless'],
    args: ['--headless=new', '--no-sandbox', '--disable-gpu-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--disable-features=WebGPU'],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.addInitScript(() => {
    const frames = [];
    const long = [];
    globalThis.__frames = frames;
    globalThis.__longTasks = long;
    let last = 0;
    const tick = (t) => {
      const s = globalThis.wtMnist;
      if (last) frames.push({ t, ms: t - last, batches: s?.batches?.length ?? 0, state: s?.state ?? '' });
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push({ t: e.startTime, ms: e.duration }); }).observe({ type: 'longtask', buffered: true });
    } catch { /* no long-task timing in this browser */ }
    // which scripts the long frames ran (Long Animation Frames: Chromium 123+)
    const loaf = [];
    globalThis.__loaf = loaf;
    try {
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) {
          loaf.push({ t: e.startTime, ms: e.duration, blockingMs: e.blockingDuration, scripts: e.scripts.map((x) => ({ ms: x.duration, what: `${x.invokerType} ${x.invoker}`.slice(0, 80) })) });
        }
      }).observe({ type: 'long-animation-frame', buffered: true });
    } catch { /* no long-animation-frame timing in this browser */ }
  });
  const results = [];
  for (const which of pages) {
    const t0 = Date.now();
    let rec;
    if (which.startsWith('demo')) {
      const where = which === 'demo-main' ? '&where=main' : '';
      await page.goto(`${url}/mnist.html?model=${q.model}&train=${q.train}&test=${q.test}&epochs=${q.epochs}&batch=${q.batch}&backend=${q.backend}&autorun=1${where}${threads ? `&threads=${threads}` : ''}`);
      await page.waitForFunction(() => ['done', 'error'].includes(globalThis.wtMnist?.state ?? ''), null, { timeout: 600_000, polling: 500 });
      const r = await page.evaluate(() => ({ st: globalThis.wtMnist, frames: globalThis.__frames, long: globalThis.__longTasks, loaf: globalThis.__loaf, isolated: globalThis.crossOriginIsolated }));
      if (r.st.state !== 'done') throw new Error(`demo: training failed: ${r.st.error}`);
      // from the frame that saw the first batch end to the last frame before 'done'
      const first = r.frames.findIndex((f) => f.batches > 0);
      const end = r.frames.findIndex((f) => f.state === 'done');
      const during = r.frames.slice(first, end === -1 ? undefined : end);
      const tStart = during[0]?.t ?? 0, tEnd = during[during.length - 1]?.t ?? 0;
      const long = r.long.filter((l) => l.t >= tStart - 1000 && l.t <= tEnd).map((l) => l.ms);
      // the scripts that ran in long frames during training, longest first
      const scripts = r.loaf.filter((l) => l.t >= tStart - 1000 && l.t <= tEnd).flatMap((l) => l.scripts)
        .sort((a, b) => b.ms - a.ms).slice(0, 5).map((x) => `${round(x.ms)} ms ${x.what}`);
      rec = {
        page: 'demo', where: r.st.where, threads: r.st.threads, isolated: r.isolated, batch: q.batch, batches: r.st.batches.length, epochs: q.epochs, callerBlocks: r.st.callerBlocks,
        ...stats(during.map((f) => f.ms), long), trainSeconds: round((tEnd - tStart) / 1000), longFrameScripts: scripts,
        // each frame over 50 ms: its length and how many batches had ended when it began
        longFrames: during.filter((f) => f.ms > 50).map((f) => `${round(f.ms)} ms after batch ${f.batches}`), losses: r.st.batches.map((b) => round(b.loss, 6)),
      };
    } else {
      await page.goto(`${url}/frames/frames.html?where=${which}&backend=wasm&threads=${threads}&batch=${q.batch}&steps=${steps}`);
      await page.waitForFunction(() => globalThis.framesResult, null, { timeout: 600_000, polling: 500 });
      const r = await page.evaluate(() => globalThis.framesResult);
      if (r.error) throw new Error(`${which}: ${r.error}`);
      rec = { page: 'frames', where: which, isolated: r.isolated, batch: r.batch, batches: r.losses.length, ...stats(r.frames, r.longTasks), trainSeconds: round(r.seconds), threads: r.info.threads, poolJobs: r.jobs, callerBlocks: r.canBlock, losses: r.losses.map((l) => round(l, 6)) };
    }
    rec = { bench: 'page-frames', ...rec, wallSeconds: round((Date.now() - t0) / 1000) };
    results.push(rec);
    console.log(JSON.stringify(rec));
  }
  console.log('');
  for (const r of results) console.log(`${r.page}, training on the ${r.where} thread, batch ${r.batch}: longest frame ${r.maxFrameMs} ms (goal <= 50), median ${r.medianFrameMs} ms, ${r.framesOver50} of ${r.frames} frames over 50 ms`);
  for (const p of ['demo', 'frames']) {
    const main = results.find((r) => r.where === 'main' && r.page === p), worker = results.find((r) => r.where === 'worker' && r.page === p);
    if (main && worker) console.log(`${p} page: same losses on the main thread and in the worker: ${JSON.stringify(main.losses) === JSON.stringify(worker.losses)}`);
  }
} finally {
  await context?.close().catch(() => undefined);
  await server?.close();
  rmSync(out, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
