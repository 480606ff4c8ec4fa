// The command line, run as users run it: `node dist/cli.js ...` (built first by `npm test`, or here).
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = 'dist/cli.js';

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  // `npm test` builds first; a lone run of this file builds if dist/ is missing or older than the source.
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < statSync('src/cli.ts').mtimeMs) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
  }
});

describe('webgpu-tensor CLI', () => {
  it('--help prints the usage and exits 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: webgpu-tensor train \[options\]/);
    for (const flag of ['--model', '--dataset', '--backend', '--threads', '--wasm-simd', '--epochs', '--batch-size', '--optimizer', '--lr', '--train', '--test', '--seed']) {
      expect(r.out).toContain(flag);
    }
    expect(cli('-v').out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('usage errors exit 2 with the message and the usage', () => {
    const cases: [string[], RegExp][] = [
      [['train', '--bogus'], /Unknown option '--bogus'/],
      [['train', '--epochs', 'x'], /--epochs must be an integer >= 1, got 'x'/],
      [['train', '--epochs', '0'], /--epochs must be an integer >= 1, got '0'/],
      [['train', '--batch-size', '2.5'], /--batch-size must be an integer >= 1, got '2.5'/],
      [['train', '--backend', 'tpu'], /--backend must be one of auto, webgpu, wasm, gpujs, cpu, got 'tpu'/],
      [['train', '--threads', '0'], /--threads must be an integer >= 1, got '0'/],
      [['train', '--wasm-simd', 'fast'], /--wasm-simd must be one of auto, plain, relaxed, got 'fast'/],
      [['train', '--optimizer', 'lbfgs'], /--optimizer must be one of rmsprop, adam, sgd, got 'lbfgs'/],
      [['train', '--lr=-1'], /--lr must be a positive number, got '-1'/],
      [['train', '--lr', 'fast'], /--lr must be a positive number, got 'fast'/],
      [['train', '--dataset', 'cifar'], /--dataset must be mnist, fashion-mnist, idx:DIR or csv:FILE, got 'cifar'/],
      [['train', '--validation-split', '1'], /--validation-split must be a number in \[0, 1\)/],
      [['train', '--epochs'], /argument missing/],
      [['train', '--model', 'rnn'], /--model must be one of mlp, cnn, cnn-large, got 'rnn'/],
      [['fly'], /unknown command 'fly'/],
      [[], /missing command/],
    ];
    for (const [args, msg] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).toContain('Usage: webgpu-tensor train');
    }
  });

  it('a short cpu run prints the backend, the summary, epoch and test accuracy lines', () => {
    const r = cli('train', '--epochs', '1', '--train', '1000', '--test', '200', '--backend', 'cpu');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^backend: cpu/m);
    expect(r.out).toMatch(/data: MNIST digits .*: 1000 train, 200 test, 28x28 pixels, 10 classes/);
    expect(r.out).toMatch(/Total params: 407,050/);
    const epoch = /epoch 1\/1: loss (\d+\.\d+) - accuracy (\d+\.\d+)% - val_loss (\d+\.\d+) - val_accuracy (\d+\.\d+)%/.exec(r.out);
    expect(epoch).not.toBeNull();
    const test = /test: loss (\d+\.\d+) - accuracy (\d+\.\d+)% \((\d+)\/200\)/.exec(r.out);
    expect(test).not.toBeNull();
    expect(Number(test![2])).toBeGreaterThan(70);
    expect(Number(test![3])).toBe(Math.round(Number(test![2]) * 2));
    // Validation ran on the test set, so both agree.
    expect(test![2]).toBe(epoch![4]);
  });

  it('auto picks the fastest backend that starts (wasm on a machine without a GPU) and says what it passed over', () => {
    const r = cli('train', '--epochs', '1', '--train', '1000', '--test', '200', '--threads', '2', '--wasm-simd', 'plain');
    expect(r.code, r.err).toBe(0);
    const chosen = /^backend: (\w+) \(auto\)/m.exec(r.out)?.[1];
    // A hardware WebGPU adapter would rank first; every other machine trains on wasm.
    if (chosen === 'webgpu') expect(r.out).not.toMatch(/passed over webgpu/);
    else {
      expect(chosen).toBe('wasm');
      expect(r.out).toMatch(/description=WebAssembly SIMD, 2 threads/);
      expect(r.out).toMatch(/simdModule=plain/);
      expect(r.out).toMatch(/^ {2}(passed over webgpu: it runs on a software WebGPU adapter .* slower than wasm|skipped webgpu: )/m);
    }
    expect(Number(/test: loss \S+ - accuracy (\d+\.\d+)%/.exec(r.out)![1])).toBeGreaterThan(70);
  });

  it('--model cnn trains the convolutional network on images (adam by default)', () => {
    const r = cli('train', '--model', 'cnn', '--epochs', '2', '--train', '640', '--test', '200', '--batch-size', '32', '--backend', 'cpu');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/conv2d \(Conv2D\) +\(None, 26, 26, 16\) +160/);
    expect(r.out).toMatch(/max_pooling2d_1 \(MaxPooling2.*\(None, 5, 5, 32\) +0/);
    expect(r.out).toMatch(/Total params: 56,714/);
    expect(r.out).toMatch(/training: 2 epochs, batch 32, adam lr 0.001/);
    const test = /test: loss \S+ - accuracy (\d+\.\d+)% \((\d+)\/200\)/.exec(r.out);
    expect(Number(test![1])).toBeGreaterThan(50);
  });

  it('--model cnn-large: 5x5 convolutions with batch normalization, a learning rate halved every epoch', () => {
    const r = cli('train', '--model', 'cnn-large', '--epochs', '2', '--train', '640', '--test', '200', '--backend', 'wasm');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/conv2d \(Conv2D\) +\(None, 24, 24, 32\) +832/);
    expect(r.out).toMatch(/batch_normalization \(BatchNor.*\(None, 24, 24, 32\) +128/);
    expect(r.out).toMatch(/Total params: 118,730/);
    expect(r.out).toMatch(/training: 2 epochs, batch 32, adam lr 0.002 \(halved after every epoch\)/);
    expect(r.out).toMatch(/test: loss \S+ - accuracy \d+\.\d+% \(\d+\/200\)/);
  });

  it('trains on Fashion-MNIST from the idx files', () => {
    const r = cli('train', '--dataset', 'fashion-mnist', '--epochs', '1', '--train', '500', '--test', '100', '--backend', 'cpu', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/data: Fashion-MNIST from \/usr\/share\/datasets\/fashion-mnist: 500 train, 100 test/);
    const test = /test: loss \S+ - accuracy (\d+\.\d+)% \((\d+)\/100\)/.exec(r.out);
    expect(Number(test![1])).toBeGreaterThan(30); // ten classes: chance is 10%
  });

  it('trains from a CSV file and reports unreadable data as an error (exit 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-cli-'));
    try {
      // 60 images of two kinds: a bright top half (label 3) or a bright bottom half (label 8).
      const lines = Array.from({ length: 60 }, (_, i) => {
        const label = i % 2 ? 3 : 8;
        const px = Array.from({ length: 784 }, (_, j) => ((j < 392) === (label === 3) ? 200 + (i % 50) : i % 7));
        return [label, ...px].join(',');
      });
      const file = join(dir, 'digits.csv');
      writeFileSync(file, lines.join('\n'));
      const r = cli('train', '--dataset', `csv:${file}`, '--epochs', '2', '--batch-size', '16', '--backend', 'cpu', '--optimizer', 'adam');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/48 train, 12 test/);
      expect(r.out).toMatch(/test: loss \S+ - accuracy 100\.00% \(12\/12\)/);

      writeFileSync(join(dir, 'bad.csv'), '3,1,2,3\n');
      const bad = cli('train', '--dataset', `csv:${join(dir, 'bad.csv')}`, '--backend', 'cpu');
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/error: .*bad\.csv: line 1 has 3 pixel values, expected 784 \(28x28\) after the label/);
      const none = cli('train', '--dataset', `idx:${join(dir, 'nothing')}`, '--backend', 'cpu');
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/error: loadIdx: cannot read directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
