/**
 * The MNIST page: train the Keras model (MLP) or a small convolutional network (CNN) in the browser
 * with live loss/accuracy charts, show test digits with their predictions after each epoch, and
 * classify what the user draws with the trained model. The model lives in a dedicated worker
 * (train-worker.ts): the wasm kernels run synchronously inside each op, so a page that trained on
 * its main thread would paint only between batches; here the page only draws what the worker sends.
 * Settings can come from the query string (?model=cnn&train=512&test=200&epochs=2&batch=128&
 * backend=webgpu&autorun=1; where=main trains on the page's main thread instead, for comparison;
 * threads=N sets the wasm threads);
 * the run's figures are also on window.wtMnist for tests.
 */
import type * as wt from '../../src/index.js';
import { probeBackends, renderBanner } from './backends.js';

import { DrawPad, paintDigit, toMnist } from './draw.js';
import { digitsUrl } from './mnist-data.js';
import { MODEL_DESCRIPTIONS, type ModelKind } from './model.js';
import { PageCharts } from './page-charts.js';
import { createTrainer } from './trainer.js';
import type { FromEngine, Point, ToEngine, TrainSettings } from './train-protocol.js';
import { byId, clearError, el, queryString, setProgress, setStatus, showError } from './ui.js';

const GRID = 40;

/** Where the model trains: a dedicated worker, or the page's main thread. */
type Where = 'worker' | 'main';

interface MnistState {
  state: string;
  backend?: wt.BackendName;
  model?: ModelKind;
  /** Where the last run trains, as its engine reports it. */
  where?: Where;
  /** Whether that thread may block in Atomics.wait (the wasm pool's caller sleeps instead of spinning). */
  callerBlocks?: boolean;
  /** The wasm backend's threads in that run. */
  threads?: number;
  /** The device facts of the backend that trains, as its engine sees them. */
  device?: Record<string, string | number | boolean>;
  initial?: Point;
  validation: Point[];
  batches: Point[];
  gridCorrect?: number;
  drawn?: number[];
  error?: string;
}

declare global {
  interface Window { wtMnist?: MnistState }
}

/** Chart 0: loss, chart 1: accuracy (drawn in a worker of their own where the browser can). */
const charts = new PageCharts([
  { canvas: byId<HTMLCanvasElement>('chart-loss'), options: { title: 'loss', xLabel: 'epoch', yLabel: 'categorical cross-entropy', yMin: 0 } },
  { canvas: byId<HTMLCanvasElement>('chart-acc'), options: { title: 'accuracy', xLabel: 'epoch', yLabel: 'accuracy', yMin: 0, yMax: 1 } },
]);
const st: MnistState = { state: 'idle', validation: [], batches: [] };
window.wtMnist = st;

/** One engine per place, made when first needed and kept (it holds the trained model). */
const engines: Partial<Record<Where, (m: ToEngine, transfer?: Transferable[]) => void>> = {};
/** The engine that trained last: the drawing pad asks it. */
let active: Where | null = null;
let gridPixels: Float32Array | null = null;
let gridLabels: Int32Array | null = null;
let run: { settings: TrainSettings; steps: number; t0: number; finish: () => void } | null = null;
let nextPredict = 0;
let lastPredict = -1;

function engine(where: Where): (m: ToEngine, transfer?: Transferable[]) => void {
  const have = engines[where];
  if (have) return have;
  let send: (m: ToEngine, transfer?: Transferable[]) => void;
  if (where === 'worker') {
    const w = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<FromEngine>) => onEngine(e.data);
    w.onerror = (e) => { e.preventDefault(); onEngine({ type: 'error', context: 'training', message: `the training worker failed: ${e.message || 'it did not start'}` }); };
    send = (m, transfer) => w.postMessage(m, transfer ?? []);
  } else {
    const handle = createTrainer((m) => onEngine(m));
    send = (m) => { void handle(m); };
  }
  engines[where] = send;
  return send;
}

function num(id: string, lo: number, hi: number): number {
  const input = byId<HTMLInputElement>(id);
  const v = Number(input.value);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`mnist: ${id} must be a whole number in ${lo}..${hi}, got '${input.value}'`);
  return v;
}

/** Draw the grid's digits once per run, each with '?' until predictions come. */
function buildGrid(): void {
  if (!gridPixels || !gridLabels) return;
  const cells: HTMLElement[] = [];
  for (let i = 0; i < GRID; i++) {
    const c = el('canvas');
    paintDigit(c, gridPixels, i * 784);
    cells.push(el('div', { class: 'digit', title: `label ${gridLabels[i]}` }, c, el('span', {}, '?')));
  }
  byId('digits').replaceChildren(...cells);
}

/** Label the grid's digits with their predictions (green right, red wrong): no redraw of the digits. */
function showGridPredictions(pred: Int32Array): void {
  if (!gridLabels) return;
  const cells = byId('digits').children;
  let correct = 0;
  for (let i = 0; i < GRID && i < cells.length; i++) {
    const right = pred[i] === gridLabels[i];
    if (right) correct++;
    const cell = cells[i] as HTMLElement;
    cell.className = `digit ${right ? 'right' : 'wrong'}`;
    cell.lastElementChild!.textContent = `${pred[i]}`;
  }
  st.gridCorrect = correct;
  byId('grid-score').textContent = `${correct}/${GRID} right`;
}

function showProbabilities(p: number[] | null): void {
  const probs = byId('probs');
  if (!p) {
    probs.replaceChildren(el('p', { class: 'muted' }, 'Train the model first (or while it trains) to see predictions.'));
    return;
  }
  st.drawn = p;
  const best = p.indexOf(Math.max(...p));
  probs.replaceChildren(...p.map((v, d) =>
    el('div', { class: `bar${d === best ? ' top' : ''}` }, el('span', {}, String(d)),
      el('div', { class: 'fill', style: `width:${(v * 100).toFixed(1)}%` }), el('span', {}, `${(v * 100).toFixed(1)}%`))));
}

/** A point on both charts (they redraw a few times a second, not on every message). */
function addPoint(series: string, p: Point): void {
  charts.addPoint(0, series, p.x, p.loss);
  charts.addPoint(1, series, p.x, p.accuracy);
}

/** The page's side of the engine's messages: charts, progress, grid, probabilities. */
function onEngine(m: FromEngine): void {
  const r = run;
  switch (m.type) {
    case 'status': setStatus(m.text); break;
    case 'grid':
      gridPixels = m.pixels;
      gridLabels = m.labels;
      buildGrid();
      break;
    case 'initial':
      st.initial = m.point;
      addPoint('validation', m.point);
      break;
    case 'gridPredictions': showGridPredictions(m.predictions); break;
    case 'fitStart':
      if (!r) break;
      r.steps = m.steps;
      r.t0 = performance.now();
      st.where = m.thread;
      st.callerBlocks = m.callerBlocks;
      if (m.threads !== undefined) st.threads = m.threads;
      st.device = m.device;
      byId<HTMLButtonElement>('stop-btn').disabled = false;
      setStatus(`training the ${r.settings.kind.toUpperCase()} on ${r.settings.backend}${m.threads ? ` (${m.threads} threads)` : ''} ${st.where === 'worker' ? 'in a worker' : 'on the main thread'}…`);
      break;
    case 'batch': {
      if (!r) break;
      const { epochs, batchSize, backend } = r.settings;
      st.batches.push(m.point);
      addPoint('train', m.point);
      const doneSteps = m.epoch * r.steps + m.batch + 1;
      setProgress(doneSteps / (epochs * r.steps));
      const rate = (doneSteps * batchSize) / ((performance.now() - r.t0) / 1000);
      setStatus(`epoch ${m.epoch + 1}/${epochs}, batch ${m.batch + 1}/${r.steps}: loss ${m.point.loss.toFixed(4)}, accuracy ${m.point.accuracy.toFixed(3)} (${rate.toFixed(0)} samples/s on ${backend})`);
      break;
    }
    case 'epoch':
      st.validation.push(m.point);
      addPoint('validation', m.point);
      break;
    case 'done': {
      if (!r) break;
      charts.flush();
      const last = st.validation[st.validation.length - 1];
      const secs = (performance.now() - r.t0) / 1000;
      setStatus(`${r.settings.kind.toUpperCase()} done on ${r.settings.backend} in ${secs.toFixed(1)} s: validation accuracy ${last ? last.accuracy.toFixed(3) : '?'} (from ${st.initial ? st.initial.accuracy.toFixed(3) : '?'} untrained)`, 'done');
      st.state = 'done';
      r.finish();
      break;
    }
    case 'error':
      showError(m.context, new Error(m.message));
      if (m.context === 'training') {
        charts.flush();
        st.state = 'error';
        st.error = m.message;
        r?.finish();
      }
      break;
    case 'predicted':
      // a stroke drawn while an older prediction was on its way: only the newest is shown
      if (m.id === lastPredict) showProbabilities(m.probabilities);
      break;
  }
}

/** Send the drawing to the engine that holds the model; it answers with the ten probabilities. */
function classifyDrawing(pad: DrawPad): void {
  const px = toMnist(pad.canvas);
  const preview = byId<HTMLCanvasElement>('preview');
  if (!px) {
    paintDigit(preview, new Float32Array(784));
    byId('probs').replaceChildren();
    return;
  }
  paintDigit(preview, px);
  if (!active) {
    showProbabilities(null);
    return;
  }
  lastPredict = nextPredict++;
  engine(active)({ type: 'predict', id: lastPredict, pixels: px }, [px.buffer]);
}

/** Every backend trains in the worker (gpujs too: gpu.js draws on an OffscreenCanvas there). */
function whereFor(): Where {
  return queryString('where') === 'main' || typeof Worker === 'undefined' ? 'main' : 'worker';
}

function showWhere(backend: wt.BackendName): void {
  const where = whereFor();
  byId('where').textContent = where === 'worker'
    ? `The model trains in a dedicated worker on ${backend}: this page only draws what it sends, so it stays responsive while it trains.`
    : `The model trains on this page's main thread on ${backend}: the page repaints only between batches.`;
}

async function train(): Promise<void> {
  const trainBtn = byId<HTMLButtonElement>('train-btn');
  const stopBtn = byId<HTMLButtonElement>('stop-btn');
  trainBtn.disabled = true;
  clearError();
  charts.clear();
  st.state = 'running';
  st.validation = [];
  st.batches = [];
  delete st.error;
  delete st.initial;
  try {
    const nTrain = num('train', 1, 9000);
    const nTest = num('test', GRID, 10000 - nTrain);
    const settings: TrainSettings = {
      backend: byId<HTMLSelectElement>('backend').value as wt.BackendName,
      kind: byId<HTMLSelectElement>('model').value as ModelKind,
      nTrain, nTest, epochs: num('epochs', 1, 100), batchSize: num('batch', 1, 4096), url: digitsUrl(), grid: GRID,
      threads: Number(queryString('threads') ?? 0) || 0,
    };
    const where = whereFor();
    st.backend = settings.backend;
    st.model = settings.kind;
    st.where = where;
    delete st.callerBlocks;
    delete st.threads;
    delete st.device;
    showWhere(settings.backend);
    setStatus(`starting ${settings.backend} ${where === 'worker' ? 'in a worker' : 'on the main thread'}…`);
    active = where;
    await new Promise<void>((resolve) => {
      run = { settings, steps: 1, t0: performance.now(), finish: resolve };
      engine(where)({ type: 'train', settings });
    });
  } catch (e) {
    showError('training', e);
    st.state = 'error';
    st.error = e instanceof Error ? e.message : String(e);
  } finally {
    run = null;
    setProgress(null);
    trainBtn.disabled = false;
    stopBtn.disabled = true;
  }
}

async function main(): Promise<void> {
  setStatus('starting backends…', 'idle');
  const { chosen, statuses } = await probeBackends();
  renderBanner(byId('banner'), chosen, statuses);
  const select = byId<HTMLSelectElement>('backend');
  for (const s of statuses) {
    const o = el('option', { value: s.name }, s.ok ? (s.name === chosen ? `${s.name} (auto)` : s.name) : `${s.name} (unavailable)`);
    o.disabled = !s.ok;
    select.append(o);
  }
  const want = queryString('backend');
  select.value = want && statuses.some((s) => s.ok && s.name === want) ? want : chosen;
  select.addEventListener('change', () => showWhere(select.value as wt.BackendName));
  showWhere(select.value as wt.BackendName);
  for (const id of ['train', 'test', 'epochs', 'batch']) {
    const v = queryString(id);
    if (v !== null) byId<HTMLInputElement>(id).value = v;
  }
  const modelSelect = byId<HTMLSelectElement>('model');
  const showModel = (): void => { byId('model-desc').textContent = MODEL_DESCRIPTIONS[modelSelect.value as ModelKind]; };
  if (queryString('model') === 'cnn' || queryString('model') === 'mlp') modelSelect.value = queryString('model')!;
  modelSelect.addEventListener('change', showModel);
  showModel();
  const pad = new DrawPad(byId<HTMLCanvasElement>('pad'), () => classifyDrawing(pad));
  paintDigit(byId<HTMLCanvasElement>('preview'), new Float32Array(784));
  byId('clear-btn').addEventListener('click', () => { pad.clear(); classifyDrawing(pad); });
  byId('train-btn').addEventListener('click', () => void train());
  byId('stop-btn').addEventListener('click', () => { if (active) engine(active)({ type: 'stop' }); });
  byId<HTMLButtonElement>('train-btn').disabled = false;
  st.state = 'ready';
  setStatus(`ready: wt.init() chose ${chosen}`, 'idle');
  if (queryString('autorun') === '1') await train();
}

main().catch((e) => {
  showError('setup', e);
  st.state = 'error';
  st.error = e instanceof Error ? e.message : String(e);
});
