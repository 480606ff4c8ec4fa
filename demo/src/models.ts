/**
 * The models page: run a pretrained model the user picks (TF.js layers or graph model files through
 * wt.browserFiles, or an .onnx file's bytes) on an image they pick, on the backend they choose. The
 * run's figures are also on window.wtModels for tests.
 */
import * as wt from '../../src/index.js';
import { probeBackends, renderBanner } from './backends.js';
import { byId, clearError, el, setStatus, showError } from './ui.js';

interface ModelsState { state: string; backend?: string; outputShape?: number[]; scores?: number[]; ms?: number; error?: string }
declare global {
  interface Window { wtModels?: ModelsState }
}
const st: ModelsState = { state: 'idle' };
window.wtModels = st;

/** Any of the three kinds of model, behind one run. */
interface Loaded { size?: [number, number]; channels: number; run(x: wt.Tensor): wt.Tensor; dispose(): void }

async function load(files: File[]): Promise<Loaded> {
  const onnx = files.find((f) => f.name.endsWith('.onnx'));
  if (onnx) {
    const m = await wt.loadGraphModel(new Uint8Array(await onnx.arrayBuffer()));
    const s = m.inputs[0]?.shape ?? [];
    const fixed = (d: unknown): d is number => typeof d === 'number' && d > 0;
    // ONNX image models are NCHW: the page feeds NHWC pixels and transposes them.
    return { size: fixed(s[2]) && fixed(s[3]) ? [s[2], s[3]] : undefined, channels: fixed(s[1]) ? s[1] : 3, run: (x) => m.predict(wt.transpose(x, [0, 3, 1, 2])) as wt.Tensor, dispose: () => m.dispose() };
  }
  const json = files.find((f) => f.name.endsWith('.json'));
  if (!json) throw new Error('models: pick a model.json (with its weight files) or an .onnx file');
  const j = JSON.parse(await json.text()) as { format?: string; modelTopology?: { node?: unknown } };
  const handler = wt.browserFiles(files);
  if (j.format === 'graph-model' || Array.isArray(j.modelTopology?.node)) {
    const m = await wt.loadGraphModel(handler);
    const s = m.inputs[0]?.shape ?? [];
    return { size: s[1]! > 0 && s[2]! > 0 ? [s[1]!, s[2]!] : undefined, channels: s[3]! > 0 ? s[3]! : 3, run: (x) => { const y = m.execute(x); return Array.isArray(y) ? y[0]! : y; }, dispose: () => m.dispose() };
  }
  const m = await wt.loadLayersModel(handler);
  const s = m.inputs[0]!.shape;
  return { size: s[1] && s[2] ? [s[1], s[2]] : undefined, channels: s[3] ?? 3, run: (x) => m.predict(x) as wt.Tensor, dispose: () => m.dispose() };
}

async function pixelsOf(file: File): Promise<ImageData> {
  const bmp = await createImageBitmap(file);
  const c = byId<HTMLCanvasElement>('input-canvas');
  c.width = bmp.width;
  c.height = bmp.height;
  const ctx = c.getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  return ctx.getImageData(0, 0, bmp.width, bmp.height);
}

async function run(): Promise<void> {
  clearError();
  st.state = 'running';
  try {
    const files = Array.from(byId<HTMLInputElement>('model-files').files ?? []);
    const image = byId<HTMLInputElement>('image-file').files?.[0];
    if (!files.length || !image) throw new Error('models: pick the model files and an image first');
    const backend = byId<HTMLSelectElement>('backend').value as wt.BackendName;
    await wt.setBackend(backend);
    st.backend = backend;
    setStatus(`loading the model on ${backend}…`);
    const model = await load(files);
    const img = await pixelsOf(image);
    const [lo, hi] = byId<HTMLSelectElement>('range').value.split(',').map(Number) as [number, number];
    setStatus('running…');
    const t0 = performance.now();
    const y = wt.tidy(() => {
      let x = wt.slice(wt.tensor(Float32Array.from(img.data), [1, img.height, img.width, 4]), [0, 0, 0, 0], [1, img.height, img.width, 3]);
      if (model.channels === 1) x = wt.mean(x, -1, true);
      if (model.size) x = wt.image.resizeBilinear(x, model.size, false, true);
      return model.run(x.mul((hi - lo) / 255).add(lo));
    });
    const values = await y.data();
    st.ms = performance.now() - t0;
    st.outputShape = [...y.shape];
    const out = byId<HTMLCanvasElement>('output-canvas');
    const box = byId('scores');
    box.replaceChildren();
    if (y.rank === 4) {
      const [, h, w, c] = y.shape as number[];
      out.width = w!;
      out.height = h!;
      const data = new ImageData(w!, h!);
      for (let i = 0; i < w! * h!; i++) {
        for (let k = 0; k < 3; k++) data.data[i * 4 + k] = Math.round(((values[i * c! + Math.min(k, c! - 1)]! - lo) / (hi - lo)) * 255);
        data.data[i * 4 + 3] = 255;
      }
      out.getContext('2d')!.putImageData(data, 0, 0);
      out.hidden = false;
    } else {
      out.hidden = true;
      st.scores = Array.from(values);
      const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]!).slice(0, 5);
      for (const i of order) box.append(el('div', { class: 'score' }, `class ${i}: ${values[i]!.toFixed(4)}`));
    }
    y.dispose();
    model.dispose();
    st.state = 'done';
    setStatus(`done: output [${st.outputShape.join(', ')}] in ${st.ms.toFixed(0)} ms on ${backend}`, 'done');
  } catch (e) {
    st.state = 'error';
    st.error = e instanceof Error ? e.message : String(e);
    showError('run', e);
    setStatus('failed', 'error');
  }
}

const { chosen, statuses } = await probeBackends();
renderBanner(byId('banner'), chosen, statuses);
const select = byId<HTMLSelectElement>('backend');
for (const s of statuses.filter((x) => x.ok)) select.append(el('option', { value: s.name, ...(s.name === chosen ? { selected: '' } : {}) }, s.name));
const btn = byId<HTMLButtonElement>('run-btn');
btn.disabled = false;
btn.addEventListener('click', () => void run());
