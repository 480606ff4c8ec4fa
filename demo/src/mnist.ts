/**
 * The MNIST page: train the Keras model (MLP) or a small convolutional network (CNN) in the browser
 * with live loss/accuracy charts, show test digits with their predictions after each epoch, and
 * classify what the user draws with the trained model. Settings can come from the query string
 * (?model=cnn&train=512&test=200&epochs=2&batch=128&backend=webgpu&autorun=1); the run's figures are
 * also on window.wtMnist for tests.
 */
import * as wt from '../../src/index.js';
import type { Dataset } from '../../src/data/images.js';
import { probeBackends, renderBanner } from './backends.js';
import { LineChart } from './charts.js';
import { DrawPad, paintDigit, toMnist } from './draw.js';
import { digitsUrl } from './mnist-data.js';
import { buildMnistModel, MODEL_DESCRIPTIONS, type ModelKind } from './model.js';
import { byId, clearError, el, nextFrame, queryString, setProgress, setStatus, showError } from './ui.js';

const GRID = 40;

interface Point { x: number; loss: number; accuracy: number }
interface MnistState {
  state: string;
  backend?: wt.BackendName;
  model?: ModelKind;
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

const lossChart = new LineChart(byId<HTMLCanvasElement>('chart-loss'), { title: 'loss', xLabel: 'epoch', yLabel: 'categorical cross-entropy', yMin: 0 });
const accChart = new LineChart(byId<HTMLCanvasElement>('chart-acc'), { title: 'accuracy', xLabel: 'epoch', yLabel: 'accuracy', yMin: 0, yMax: 1 });
let model: wt.Sequential | null = null;
let gridPixels: Float32Array | null = null;
let gridLabels: Int32Array | null = null;
const st: MnistState = { state: 'idle', validation: [], batches: [] };
window.wtMnist = st;

function num(id: string, lo: number, hi: number): number {
  const input = byId<HTMLInputElement>(id);
  const v = Number(input.value);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`mnist: ${id} must be a whole number in ${lo}..${hi}, got '${input.value}'`);
  return v;
}

const acc = (logs: Record<string, number> | undefined): number => logs?.accuracy ?? logs?.acc ?? NaN;

/** Predict the grid's digits and draw them with the predicted labels (green right, red wrong). */
async function renderGrid(): Promise<void> {
  if (!gridPixels || !gridLabels) return;
  const box = byId('digits');
  let pred: Int32Array | Float32Array | Uint8Array | null = null;
  if (model) {
    const t = wt.tidy(() => wt.argMax(model!.predict(wt.tensor(gridPixels!, [GRID, 784])), 1));
    pred = (await t.data()) as Int32Array;
    t.dispose();
  }
  box.replaceChildren();
  let correct = 0;
  for (let i = 0; i < GRID; i++) {
    const c = el('canvas');
    paintDigit(c, gridPixels, i * 784);
    const p = pred ? pred[i]! : -1;
    if (p === gridLabels[i]) correct++;
    const label = pred ? `${p}` : '?';
    box.append(el('div', { class: `digit ${pred ? (p === gridLabels[i] ? 'right' : 'wrong') : ''}`, title: `label ${gridLabels[i]}` }, c, el('span', {}, label)));
  }
  if (pred) {
    st.gridCorrect = correct;
    byId('grid-score').textContent = `${correct}/${GRID} right`;
  }
}

/** Classify the drawing and show the ten probabilities. */
async function classifyDrawing(pad: DrawPad): Promise<void> {
  const px = toMnist(pad.canvas);
  const preview = byId<HTMLCanvasElement>('preview');
  const probs = byId('probs');
  if (!px) {
    paintDigit(preview, new Float32Array(784));
    probs.replaceChildren();
    return;
  }
  paintDigit(preview, px);
  if (!model) {
    probs.replaceChildren(el('p', { class: 'muted' }, 'Train the model first (or while it trains) to see predictions.'));
    return;
  }
  const t = wt.tidy(() => model!.predict(wt.tensor(px, [1, 784])));
  const p = Array.from(await t.data());
  t.dispose();
  st.drawn = p;
  const best = p.indexOf(Math.max(...p));
  probs.replaceChildren(...p.map((v, d) =>
    el('div', { class: `bar${d === best ? ' top' : ''}` }, el('span', {}, String(d)),
      el('div', { class: 'fill', style: `width:${(v * 100).toFixed(1)}%` }), el('span', {}, `${(v * 100).toFixed(1)}%`))));
}

async function train(): Promise<void> {
  const trainBtn = byId<HTMLButtonElement>('train-btn');
  const stopBtn = byId<HTMLButtonElement>('stop-btn');
  trainBtn.disabled = true;
  clearError();
  lossChart.clear();
  accChart.clear();
  st.state = 'running';
  st.validation = [];
  st.batches = [];
  delete st.error;
  let data: Dataset | null = null;
  try {
    const nTrain = num('train', 1, 9000);
    const nTest = num('test', GRID, 10000 - nTrain);
    const epochs = num('epochs', 1, 100);
    const batchSize = num('batch', 1, 4096);
    const backend = byId<HTMLSelectElement>('backend').value as wt.BackendName;
    const kind = byId<HTMLSelectElement>('model').value as ModelKind;
    await wt.setBackend(backend);
    st.backend = backend;
    st.model = kind;
    setStatus(`loading ${nTrain + nTest} digits…`);
    data = await wt.datasets.mnist({ url: digitsUrl(), train: nTrain, test: nTest, seed: 0 });
    const gx = wt.slice(data.xTest, [0, 0], [GRID, 784]);
    gridPixels = (await gx.data()) as Float32Array;
    gx.dispose();
    gridLabels = data.labelsTest.slice(0, GRID);
    model?.dispose();
    model = buildMnistModel(1, kind);
    const initial = await model.evaluate(data.xTest, data.yTest, { batchSize });
    const start = { x: 0, loss: initial.loss ?? NaN, accuracy: acc(initial) };
    st.initial = start;
    lossChart.addPoint('validation', 0, start.loss);
    accChart.addPoint('validation', 0, start.accuracy);
    await renderGrid();
    const steps = Math.ceil(nTrain / batchSize);
    let epochNow = 0;
    stopBtn.disabled = false;
    const t0 = performance.now();
    setStatus(`training the ${kind.toUpperCase()} on ${backend}…`);
    await model.fit(data.xTrain, data.yTrain, {
      epochs, batchSize, validationData: [data.xTest, data.yTest], verbose: 0, seed: 2,
      callbacks: {
        onEpochBegin: (e) => { epochNow = e; },
        onBatchEnd: async (b, logs) => {
          const x = epochNow + (b + 1) / steps;
          const p = { x, loss: logs?.loss ?? NaN, accuracy: acc(logs) };
          st.batches.push(p);
          lossChart.addPoint('train', x, p.loss);
          accChart.addPoint('train', x, p.accuracy);
          const done = (epochNow * steps + b + 1) / (epochs * steps);
          setProgress(done);
          const rate = ((epochNow * steps + b + 1) * batchSize) / ((performance.now() - t0) / 1000);
          setStatus(`epoch ${epochNow + 1}/${epochs}, batch ${b + 1}/${steps}: loss ${p.loss.toFixed(4)}, accuracy ${p.accuracy.toFixed(3)} (${rate.toFixed(0)} samples/s on ${backend})`);
          await nextFrame();
        },
        onEpochEnd: async (e, logs) => {
          const p = { x: e + 1, loss: logs?.val_loss ?? NaN, accuracy: logs?.val_accuracy ?? logs?.val_acc ?? NaN };
          st.validation.push(p);
          lossChart.addPoint('validation', p.x, p.loss);
          accChart.addPoint('validation', p.x, p.accuracy);
          await renderGrid();
        },
      },
    });
    const last = st.validation[st.validation.length - 1];
    const secs = (performance.now() - t0) / 1000;
    setStatus(`${kind.toUpperCase()} done on ${backend} in ${secs.toFixed(1)} s: validation accuracy ${last ? last.accuracy.toFixed(3) : '?'} (from ${start.accuracy.toFixed(3)} untrained)`, 'done');
    st.state = 'done';
  } catch (e) {
    showError('training', e);
    st.state = 'error';
    st.error = e instanceof Error ? e.message : String(e);
  } finally {
    if (data) wt.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
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
  for (const id of ['train', 'test', 'epochs', 'batch']) {
    const v = queryString(id);
    if (v !== null) byId<HTMLInputElement>(id).value = v;
  }
  const modelSelect = byId<HTMLSelectElement>('model');
  const showModel = (): void => { byId('model-desc').textContent = MODEL_DESCRIPTIONS[modelSelect.value as ModelKind]; };
  if (queryString('model') === 'cnn' || queryString('model') === 'mlp') modelSelect.value = queryString('model')!;
  modelSelect.addEventListener('change', showModel);
  showModel();
  const pad = new DrawPad(byId<HTMLCanvasElement>('pad'), () => void classifyDrawing(pad).catch((e) => showError('prediction', e)));
  paintDigit(byId<HTMLCanvasElement>('preview'), new Float32Array(784));
  byId('clear-btn').addEventListener('click', () => { pad.clear(); void classifyDrawing(pad); });
  byId('train-btn').addEventListener('click', () => void train());
  byId('stop-btn').addEventListener('click', () => { if (model) model.stopTraining = true; });
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
