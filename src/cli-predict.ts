/**
 * `webgpu-tensor predict`: run a pretrained model (a TF.js layers or graph model.json, or an .onnx
 * file) on an image file (PNG or JPEG, decoded with pngjs / jpeg-js). The image is resized to the
 * model's input size when the model fixes one, scaled to the range the model expects, and run; a
 * class-score output prints its top classes, an image output (a super-resolution network, say) is
 * written as a PNG.
 */
import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import * as wt from './index.js';

export const PREDICT_USAGE = `Usage: webgpu-tensor predict --model FILE --image FILE [options]

Run a pretrained model on an image:
  --model FILE      a TF.js model.json (layers or graph model) or an .onnx file
  --image FILE      a PNG or JPEG image
  --range A,B       the pixel range the model expects (default 0,1; also -1,1 or 0,255)
  --size HxW        resize the image to this size first (default: the model's input size
                    when it fixes one, else the image's own size)
  --labels FILE     class names, one a line, for a class-score output
  --top N           how many classes to print (default 5)
  --output FILE     where to write an image output as PNG (default: out.png)
  --backend NAME    auto | webgpu | wasm | gpujs | cpu   (default auto)`;

/** A usage error of the predict command (exit status 2). */
export class PredictUsageError extends Error {}

interface PredictOptions {
  model: string;
  image: string;
  range: [number, number];
  size: [number, number] | undefined;
  labels: string | undefined;
  top: number;
  output: string;
  backend: 'auto' | wt.BackendName;
}

function parse(argv: string[]): PredictOptions {
  let v;
  try {
    v = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: { model: { type: 'string' }, image: { type: 'string' }, range: { type: 'string' }, size: { type: 'string' }, labels: { type: 'string' }, top: { type: 'string' }, output: { type: 'string' }, backend: { type: 'string' } },
    }).values;
  } catch (e) {
    throw new PredictUsageError((e as Error).message);
  }
  if (!v.model) throw new PredictUsageError('predict needs --model FILE');
  if (!v.image) throw new PredictUsageError('predict needs --image FILE');
  const range = (v.range ?? '0,1').split(',').map(Number);
  if (range.length !== 2 || range.some((x) => !Number.isFinite(x)) || range[0]! >= range[1]!) throw new PredictUsageError(`--range must be A,B with A < B, got '${v.range}'`);
  let size: [number, number] | undefined;
  if (v.size !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(v.size);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new PredictUsageError(`--size must be HxW, as 224x224, got '${v.size}'`);
    size = [Number(m[1]), Number(m[2])];
  }
  const top = v.top === undefined ? 5 : Number(v.top);
  if (!Number.isInteger(top) || top < 1) throw new PredictUsageError(`--top must be a positive integer, got '${v.top}'`);
  const backends = ['auto', 'webgpu', 'wasm', 'gpujs', 'cpu'];
  if (v.backend !== undefined && !backends.includes(v.backend)) throw new PredictUsageError(`--backend must be one of ${backends.join(', ')}, got '${v.backend}'`);
  return { model: v.model, image: v.image, range: [range[0]!, range[1]!], size, labels: v.labels, top, output: v.output ?? 'out.png', backend: (v.backend ?? 'auto') as PredictOptions['backend'] };
}

/** RGBA pixels of a PNG or JPEG file, by its first bytes. */
async function decode(file: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const bytes = await readFile(file).catch((e: Error) => { throw new Error(`predict: cannot read image ${file}: ${e.message}`); });
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const { PNG } = await import('pngjs');
    const png = PNG.sync.read(bytes);
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const jpeg = (await import('jpeg-js')).default;
    const img = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 512 });
    return { data: img.data, width: img.width, height: img.height };
  }
  throw new Error(`predict: ${file} is neither a PNG nor a JPEG image`);
}

/** A model of any format behind one predict. */
interface Runner {
  /** The input's [height, width] when the model fixes them. */
  size: [number, number] | undefined;
  channels: number;
  run(x: wt.Tensor): wt.Tensor;
  dispose(): void;
}

async function loadRunner(file: string): Promise<Runner> {
  if (file.endsWith('.onnx')) {
    const m = await wt.loadGraphModel(`file://${file}`);
    return graphRunner(m);
  }
  const j = JSON.parse(await readFile(file, 'utf8').catch((e: Error) => { throw new Error(`predict: cannot read model ${file}: ${e.message}`); })) as { format?: string; modelTopology?: { node?: unknown } };
  if (j.format === 'graph-model' || Array.isArray(j.modelTopology?.node)) return graphRunner(await wt.loadGraphModel(`file://${file}`));
  const m = await wt.loadLayersModel(`file://${file}`);
  const shape = m.inputs[0]!.shape;
  return {
    size: shape[1] && shape[2] ? [shape[1], shape[2]] : undefined,
    channels: shape[3] ?? 3,
    run: (x) => m.predict(x) as wt.Tensor,
    dispose: () => m.dispose(),
  };
}

function graphRunner(m: Awaited<ReturnType<typeof wt.loadGraphModel>>): Runner {
  const shape = m.inputs[0]?.shape ?? [];
  const fixed = (d: number | undefined): d is number => d !== undefined && d > 0;
  return {
    size: fixed(shape[1]) && fixed(shape[2]) ? [shape[1], shape[2]] : undefined,
    channels: fixed(shape[3]) ? shape[3] : 3,
    run: (x) => { const y = m.execute(x); return Array.isArray(y) ? y[0]! : y as wt.Tensor; },
    dispose: () => m.dispose(),
  };
}

/** Run the predict command: load, run, print the top classes or write the output image. */
export async function predict(argv: string[]): Promise<void> {
  const o = parse(argv);
  if (o.backend === 'auto') await wt.init();
  else await wt.setBackend(o.backend);
  const img = await decode(o.image);
  const runner = await loadRunner(o.model);
  const [lo, hi] = o.range;
  const y = wt.tidy(() => {
    const rgba = wt.tensor(Float32Array.from(img.data), [1, img.height, img.width, 4]);
    let x = wt.slice(rgba, [0, 0, 0, 0], [1, img.height, img.width, runner.channels === 1 ? 3 : runner.channels]);
    if (runner.channels === 1) x = wt.mean(x, -1, true);
    const size = o.size ?? runner.size;
    if (size && (size[0] !== img.height || size[1] !== img.width)) x = wt.image.resizeBilinear(x, size, false, true);
    return runner.run(x.mul((hi - lo) / 255).add(lo));
  });
  console.log(`model: ${o.model}\nimage: ${o.image} (${img.width}x${img.height}) -> input ${o.size ?? runner.size ?? [img.height, img.width]}\noutput: [${y.shape.join(', ')}]`);
  if (y.rank === 4) {
    const [, h, w, c] = y.shape as [number, number, number, number];
    const v = await y.data();
    const { PNG } = await import('pngjs');
    const png = new PNG({ width: w, height: h });
    for (let i = 0; i < h * w; i++) {
      for (let k = 0; k < 4; k++) {
        const src = k < 3 ? v[i * c + Math.min(k, c - 1)]! : hi;
        png.data[i * 4 + k] = Math.max(0, Math.min(255, Math.round(((src - lo) / (hi - lo)) * 255)));
      }
    }
    await writeFile(o.output, PNG.sync.write(png));
    console.log(`wrote ${o.output} (${w}x${h})`);
  } else {
    const scores = await y.data();
    const labels = o.labels ? (await readFile(o.labels, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '') : [];
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!).slice(0, o.top);
    for (const i of order) console.log(`  ${(labels[i] ?? `class ${i}`).padEnd(24)} ${scores[i]!.toFixed(4)}`);
  }
  y.dispose();
  runner.dispose();
}
