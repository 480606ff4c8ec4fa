// `webgpu-tensor predict` run as users run it (node dist/cli.js), on pretrained models from npm
// packages (scripts/fetch-models.mjs): a graph classifier prints its top classes with the labels
// given, with the scores the library computes for the same pixels; the functional upscaler writes
// a PNG twice the size; bad arguments exit 2, a file that is not an image exits 1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';

const CLI = 'dist/cli.js';
const MODELS = join(import.meta.dirname, '..', '.models');
const dir = mkdtempSync(join(tmpdir(), 'wt-predict-'));
const image = join(dir, 'in.png');
const W = 50, H = 40;
const rgba = new Uint8Array(W * H * 4);

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'predict', ...args], { encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < statSync('src/cli-predict.ts').mtimeMs) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
  execFileSync(process.execPath, ['scripts/fetch-models.mjs'], { stdio: 'ignore' });
  const png = new PNG({ width: W, height: H });
  for (let i = 0; i < W * H; i++) {
    png.data[i * 4] = (i * 7) % 256; png.data[i * 4 + 1] = (i * 13) % 256; png.data[i * 4 + 2] = (i * 3) % 256; png.data[i * 4 + 3] = 255;
  }
  rgba.set(png.data);
  writeFileSync(image, PNG.sync.write(png));
}, 180_000);

describe('webgpu-tensor predict', () => {
  it('prints a graph model\'s top classes with their labels and the library\'s scores', async () => {
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'].join('\n'));
    const r = cli('--model', join(MODELS, 'human', 'emotion.json'), '--image', image, '--labels', labels, '--top', '3', '--backend', 'cpu');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`(${W}x${H}) -> input 64,64`);
    const rows = r.out.trim().split('\n').slice(-3).map((l) => l.trim().split(/\s+/));
    expect(rows).toHaveLength(3);
    await wt.setBackend('cpu');
    const m = await wt.loadGraphModel(`file://${join(MODELS, 'human', 'emotion.json')}`);
    const y = wt.tidy(() => {
      const x = wt.mean(wt.slice(wt.tensor(Float32Array.from(rgba), [1, H, W, 4]), [0, 0, 0, 0], [1, H, W, 3]), -1, true);
      return m.predict(wt.image.resizeBilinear(x, [64, 64], false, true).mul(1 / 255)) as wt.Tensor;
    });
    const p = await y.data();
    const names = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
    const top = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!).slice(0, 3);
    expect(rows.map((r) => r[0])).toEqual(top.map((i) => names[i]));
    rows.forEach((row, k) => expect(Math.abs(Number(row[1]) - p[top[k]!]!)).toBeLessThan(1e-4));
    y.dispose();
    m.dispose();
  }, 120_000);

  it('writes an image output (the 2x upscaler) as a PNG', () => {
    const out = join(dir, 'up.png');
    const r = cli('--model', join(MODELS, 'upscaler-default', 'model.json'), '--image', image, '--output', out, '--backend', 'wasm');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`output: [1, ${2 * H}, ${2 * W}, 3]`);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([2 * W, 2 * H]);
  }, 120_000);

  it('exits 2 for bad arguments and 1 for a file that is not an image', () => {
    expect(cli('--image', image).code).toBe(2);
    expect(cli('--model', 'm.json', '--image', image, '--range', '1,0').err).toMatch(/--range must be A,B with A < B, got '1,0'/);
    expect(cli('--model', 'm.json', '--image', image, '--size', '12').err).toMatch(/--size must be HxW, as 224x224, got '12'/);
    expect(cli('--help').out).toMatch(/^Usage: webgpu-tensor predict --model FILE --image FILE/);
    const notImage = join(dir, 'x.txt');
    writeFileSync(notImage, 'hello');
    const r = cli('--model', join(MODELS, 'human', 'emotion.json'), '--image', notImage, '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/predict: .*x\.txt is neither a PNG nor a JPEG image/);
  }, 60_000);
});
