/**
 * The benchmark page: probe the backends, read the settings (form or query string: ?sizes=64,128
 * &elementwise=65536&softmax=64x100&mnist=256&cnn=128&backends=cpu,webgpu&tfjs=1&autorun=1), run, and show the
 * results as a table, charts and a JSON download. The last run is also on window.wtBench for tests.
 */
import type { BackendName } from '../../src/index.js';
import * as wt from '../../src/index.js';
import { type BenchConfig, type BenchRow, type PeerRunner, runBench } from './bench-run.js';
import { probeBackends, renderBanner, type BackendStatus } from './backends.js';
import { BarChart, COLORS, LineChart } from './charts.js';
import { loadDigits, slice } from './mnist-data.js';
import { byId, clearError, el, fmtNum, nextFrame, queryNumbers, queryString, setProgress, setStatus, showError } from './ui.js';

interface BenchReport {
  date: string;
  userAgent: string;
  config: BenchConfig;
  backends: BackendStatus[];
  rows: BenchRow[];
}

declare global {
  interface Window { wtBench?: { state: string; report?: BenchReport; error?: string } }
}

let statuses: BackendStatus[] = [];
let report: BenchReport | null = null;
const matmulChart = new LineChart(byId<HTMLCanvasElement>('chart-matmul'), { title: 'matmul (n x n)', xLabel: 'n', yLabel: 'GFLOP/s', logX: true });
const mnistChart = new BarChart(byId<HTMLCanvasElement>('chart-mnist'), 'MNIST training epoch (dense model and CNN)', 'samples/s');
const elemChart = new BarChart(byId<HTMLCanvasElement>('chart-elementwise'), 'elementwise add and softmax', 'Melem/s');

function input(id: string): HTMLInputElement {
  return byId<HTMLInputElement>(id);
}

/** Query parameters override the form's defaults (the tests use them). */
function applyQuery(): void {
  for (const id of ['sizes', 'elementwise', 'softmax', 'mnist', 'cnn']) {
    const v = queryString(id);
    if (v !== null) input(id).value = v;
  }
}

function readConfig(): BenchConfig {
  const backends = statuses.filter((s) => s.ok && (byId<HTMLInputElement>(`use-${s.name}`).checked)).map((s) => s.name);
  if (backends.length === 0) throw new Error('benchmark: choose at least one backend');
  const sizes = input('sizes').value.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
    throw new Error(`benchmark: matmul sizes must be integers in 1..4096, got '${input('sizes').value}'`);
  }
  const sm = input('softmax').value.toLowerCase().split('x').map((s) => Number(s.trim()));
  if (sm.length !== 2 || sm.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new Error(`benchmark: softmax size must look like 1024x1000, got '${input('softmax').value}'`);
  }
  const elementwise = Number(input('elementwise').value);
  const mnist = Number(input('mnist').value);
  const cnn = Number(input('cnn').value);
  if (!Number.isInteger(elementwise) || elementwise < 0) throw new Error(`benchmark: add elements must be a whole number, got '${input('elementwise').value}'`);
  if (!Number.isInteger(mnist) || mnist < 0 || mnist > 8000) throw new Error(`benchmark: MNIST samples must be in 0..8000, got '${input('mnist').value}'`);
  if (!Number.isInteger(cnn) || cnn < 0 || cnn > 8000) throw new Error(`benchmark: CNN samples must be in 0..8000, got '${input('cnn').value}'`);
  return {
    backends, peers: [], matmulSizes: sizes, elementwise, softmax: [sm[0]!, sm[1]!], mnistSamples: mnist, cnnSamples: cnn,
    batchSize: queryNumbers('batch', [128])[0]!, minTimeMs: queryNumbers('mintime', [250])[0]!,
  };
}

function renderDevices(): void {
  const box = byId('devices');
  box.replaceChildren();
  for (const s of statuses) {
    const dl = el('dl', { class: 'facts' });
    if (s.ok) {
      for (const [k, v] of Object.entries(s.device)) if (v !== '' && k !== 'backend') dl.append(el('dt', {}, k), el('dd', {}, String(v)));
    }
    else dl.append(el('dt', {}, 'unavailable'), el('dd', {}, s.reason ?? ''));
    box.append(el('h3', { class: 'muted' }, s.name), dl);
  }
}

/** Re-read each backend's facts after a run (counters such as gpu.js's cpu fallbacks change). */
async function refreshDevices(): Promise<void> {
  for (const s of statuses) {
    if (!s.ok) continue;
    await wt.setBackend(s.name);
    s.device = wt.backendInfo().device;
  }
  renderDevices();
}

function addRow(r: BenchRow): void {
  const body = byId('results').querySelector('tbody')!;
  const errCell = r.maxErr === undefined ? '' : fmtNum(r.maxErr, 2);
  const errClass = r.maxErr === undefined ? '' : r.maxErr < 1e-3 ? 'good' : 'bad';
  const tr = el('tr', { 'data-test': r.test, 'data-backend': r.backend },
    el('td', {}, r.test), el('td', {}, r.size), el('td', {}, r.backend),
    el('td', {}, r.error ? '' : String(r.reps)),
    el('td', {}, r.error ? '' : fmtNum(r.ms)),
    el('td', {}, r.error ? '' : `${fmtNum(r.throughput)} ${r.unit}`),
    el('td', {}, r.speedup === undefined ? '' : `${fmtNum(r.speedup, 2)}x`),
    el('td', { class: errClass }, errCell));
  if (r.error) {
    tr.children[5]!.textContent = 'failed';
    tr.children[5]!.className = 'bad';
    tr.title = r.error;
  }
  body.append(tr);
}

function updateCharts(rows: BenchRow[]): void {
  matmulChart.clear();
  for (const r of rows) if (r.test === 'matmul' && !r.error) matmulChart.addPoint(r.backend, r.n, r.throughput, false);
  matmulChart.chart.update();
  const mn = rows.filter((r) => (r.test === 'mnist' || r.test === 'cnn') && !r.error);
  mnistChart.set(mn.map((r) => `${r.test === 'cnn' ? 'CNN' : 'dense'} ${r.backend}`), mn.map((r) => r.throughput), mn.map((r) => COLORS[r.backend] ?? '#7c3aed'));
  const el2 = rows.filter((r) => (r.test === 'add' || r.test === 'softmax') && !r.error);
  elemChart.set(el2.map((r) => `${r.test} ${r.backend}`), el2.map((r) => r.throughput),
    el2.map((r) => COLORS[r.backend] ?? '#7c3aed'));
}

async function run(): Promise<void> {
  const runBtn = byId<HTMLButtonElement>('run');
  runBtn.disabled = true;
  byId<HTMLButtonElement>('download').disabled = true;
  clearError();
  byId('results').querySelector('tbody')!.replaceChildren();
  window.wtBench = { state: 'running' };
  try {
    const config = readConfig();
    setStatus('running…');
    setProgress(0);
    const rows: BenchRow[] = [];
    let peerRunner: PeerRunner | undefined;
    const mnistData = async () => {
      const d = await loadDigits();
      const n = Math.max(config.mnistSamples, config.cnnSamples ?? 0);
      const s = slice(d, 0, n);
      return { x: s.x, y: s.y, n };
    };
    if (byId<HTMLInputElement>('use-tfjs').checked) {
      setStatus('loading TensorFlow.js…');
      const tfjs = await import('./bench-tfjs.js');
      config.peers = await tfjs.tfjsBackends();
      peerRunner = tfjs.runTfjs;
    }
    await runBench(config, mnistData, async (row, p) => {
      rows.push(row);
      addRow(row);
      updateCharts(rows);
      setProgress(p.done / p.total);
      setStatus(`${p.done}/${p.total}: ${p.label}${row.error ? ` failed: ${row.error}` : ''}`);
      await nextFrame();
    }, peerRunner);
    report = { date: new Date().toISOString(), userAgent: navigator.userAgent, config, backends: statuses, rows };
    const failed = rows.filter((r) => r.error);
    if (failed.length) {
      showError('benchmark', new Error(failed.map((r) => `${r.test} ${r.size} on ${r.backend}: ${r.error}`).join('\n')));
      window.wtBench = { state: 'error', report, error: failed[0]!.error };
    } else {
      setStatus(`done: ${rows.length} measurements`, 'done');
      window.wtBench = { state: 'done', report };
    }
    byId<HTMLButtonElement>('download').disabled = false;
    await refreshDevices();
  } catch (e) {
    showError('benchmark', e);
    window.wtBench = { state: 'error', error: e instanceof Error ? e.message : String(e) };
  } finally {
    setProgress(null);
    runBtn.disabled = false;
    await wt.init().catch(() => undefined);
  }
}

function download(): void {
  if (!report) return;
  const blob = new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: `webgpu-tensor-bench-${Date.now()}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

async function main(): Promise<void> {
  applyQuery();
  setStatus('starting backends…', 'idle');
  const probed = await probeBackends();
  statuses = probed.statuses;
  renderBanner(byId('banner'), probed.chosen, statuses);
  renderDevices();
  const wanted = (queryString('backends')?.split(',') ?? ['cpu', 'webgpu', 'wasm', 'gpujs']) as BackendName[];
  const checks = byId('backend-checks');
  for (const s of statuses) {
    const box = el('input', { type: 'checkbox', id: `use-${s.name}` });
    box.checked = s.ok && wanted.includes(s.name);
    box.disabled = !s.ok;
    checks.append(el('label', { class: 'checks', title: s.reason ?? '' }, box, s.ok ? s.name : `${s.name} (unavailable)`));
  }
  const tfjsBox = el('input', { type: 'checkbox', id: 'use-tfjs' });
  tfjsBox.checked = queryString('tfjs') === '1';
  checks.append(el('label', { class: 'checks', title: 'matmul, add and softmax on TensorFlow.js 4.22 (cpu, webgpu) beside ours' }, tfjsBox, 'TensorFlow.js'));
  byId('run').addEventListener('click', () => void run());
  byId('download').addEventListener('click', download);
  byId<HTMLButtonElement>('run').disabled = false;
  setStatus(`ready: wt.init() chose ${probed.chosen}`, 'idle');
  window.wtBench = { state: 'ready' };
  if (queryString('autorun') === '1') await run();
}

main().catch((e) => {
  showError('benchmark setup', e);
  window.wtBench = { state: 'error', error: e instanceof Error ? e.message : String(e) };
});
