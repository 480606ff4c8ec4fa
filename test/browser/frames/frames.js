// Records every animation frame's length (and the page's long tasks) while the CNN trains, either
// on this main thread (?where=main) or in a dedicated worker (?where=worker); draws a spinner each
// frame so that there is something to paint. The result lands in window.framesResult.
import * as wt from './webgpu-tensor.js';
import { train } from './train-core.js';

const q = new URLSearchParams(location.search);
const cfg = { backend: q.get('backend') ?? 'wasm', threads: Number(q.get('threads') ?? 0), batch: Number(q.get('batch') ?? 64), steps: Number(q.get('steps') ?? 8) };
const where = q.get('where') ?? 'worker';
const frames = [];
const longTasks = [];
let training = false;
let last = 0;
const ctx = document.getElementById('spinner').getContext('2d');
function tick(t) {
  if (training && last) frames.push(t - last);
  last = t;
  ctx.clearRect(0, 0, 120, 120);
  ctx.beginPath();
  ctx.arc(60 + 40 * Math.cos(t / 200), 60 + 40 * Math.sin(t / 200), 8, 0, 2 * Math.PI);
  ctx.fill();
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
try {
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (training) longTasks.push(e.duration); }).observe({ type: 'longtask' });
} catch { /* no long-task timing here */ }

const status = document.getElementById('status');
let batches = 0;
// Frames count from the first batch's end: start-up (module compile, workers) is not training.
const onBatch = (loss) => { batches++; training = true; status.textContent = `batch ${batches}: loss ${loss.toFixed(4)}`; };
async function run() {
  if (where === 'main') return train(wt, cfg, onBatch);
  const w = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    w.onmessage = (e) => {
      if (e.data.loss !== undefined) onBatch(e.data.loss);
      else if (e.data.done) { w.terminate(); resolve(e.data.done); }
      else reject(new Error(e.data.error));
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(cfg);
  });
}
run().then((r) => {
  training = false;
  window.framesResult = { where, ...cfg, isolated: crossOriginIsolated, frames, longTasks, ...r };
  status.textContent = 'done';
}, (e) => {
  window.framesResult = { error: String(e && e.stack || e) };
});
