/**
 * The published package, as a new user meets it: a copy of the repository's files (a clean clone)
 * is packed with `npm pack` (prepack builds it), the tarball is installed offline from npm's cache
 * into an empty project, a strict TypeScript consumer is type-checked against the shipped .d.ts and
 * run, and the installed CLI trains on the shipped digits. Without the optional `webgpu` package the
 * webgpu backend must say how to install it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work = '';
let tarball = '';
let packed: { files: { path: string }[]; size: number; unpackedSize: number } | null = null;
let project = '';

/** Bytes under a directory. */
function du(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? du(p) : e.isFile() ? statSync(p).size : 0;
  }
  return n;
}

function run(cmd: string, args: string[], cwd: string, timeout = 180_000): { code: number | null; out: string; err: string } {
  const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env });
  return { code: r.status, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wt-package-'));
  // A clean clone: the files git knows (committed or not, minus ignored ones), with no dist/ or data/;
  // node_modules is linked, as `npm ci` would have filled it.
  const clone = join(work, 'clone');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0').filter((f) => f && existsSync(join(root, f)));
  for (const f of files) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    cpSync(join(root, f), join(clone, f));
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const pack = run(npm, ['pack', '--json', '--pack-destination', work], clone, 300_000);
  if (pack.code !== 0) throw new Error(`npm pack failed (${pack.code}):\n${pack.err.slice(-3000)}`);
  const json = pack.out.slice(pack.out.indexOf('['));
  packed = (JSON.parse(json) as { filename: string; files: { path: string }[]; size: number; unpackedSize: number }[])[0]!;
  tarball = join(work, (packed as unknown as { filename: string }).filename);

  project = join(work, 'project');
  mkdirSync(project);
  const name = (packed as unknown as { filename: string }).filename;
  cpSync(tarball, join(project, name));
  const spec = `file:${name}`;
  const pkg = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { 'webgpu-tensor': spec } }, null, 2));
  // Offline, npm cannot look up version ranges (the registry's package documents are not cached),
  // so the project gets the lock a registry install would write: the package itself, and its
  // run-time dependencies at the versions this repository's lock pins (their tarballs are in npm's
  // cache after `npm ci`). Everything then comes from the tarball and the cache.
  const ours = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const packages: Record<string, Record<string, unknown>> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { 'webgpu-tensor': spec } },
    'node_modules/webgpu-tensor': {
      version: pkg.version, resolved: spec, integrity: (packed as unknown as { integrity: string }).integrity, license: pkg['license'],
      dependencies: pkg['dependencies'], bin: pkg['bin'], engines: pkg['engines'], peerDependencies: pkg['peerDependencies'], peerDependenciesMeta: pkg['peerDependenciesMeta'],
    },
  };
  for (const [k, v] of Object.entries(ours.packages)) if (k && !v['dev'] && !v['devOptional']) packages[k] = v;
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
  const install = run(npm, ['install', '--offline', '--no-audit', '--no-fund'], project);
  if (install.code !== 0) throw new Error(`npm install --offline of the tarball failed (${install.code}):\n${install.err.slice(-3000)}`);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('was built by prepack and holds what users need: dist, dist-browser, data, README, LICENSE; no source maps, no sources', () => {
    const paths = packed!.files.map((f) => f.path);
    for (const p of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist-browser/webgpu-tensor.js',
      'dist-browser/webgpu-tensor.d.ts', 'dist-browser/gpu-js.js', 'data/mnist-10k-images-idx3-ubyte.gz', 'data/mnist-10k-labels-idx1-ubyte.gz']) {
      expect(paths, p).toContain(p);
    }
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    expect(paths.filter((p) => /^(src|test|bench|demo|scripts|shaders|node_modules)\//.test(p))).toEqual([]);
    console.log(`[package] ${paths.length} files, ${(packed!.size / 1e6).toFixed(2)} MB packed, ${(packed!.unpackedSize / 1e6).toFixed(2)} MB unpacked`);
  });

  it('installs offline with its one dependency, and not the optional peers (webgpu, gpu.js)', () => {
    const nm = join(project, 'node_modules');
    expect(existsSync(join(nm, 'webgpu-tensor', 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(nm, 'webgpu'))).toBe(false);
    expect(existsSync(join(nm, 'gpu.js'))).toBe(false);
    // The CLI's progress bar resolves from the installed package.
    const req = createRequire(join(nm, 'webgpu-tensor', 'dist', 'cli.js'));
    expect(req.resolve('cli-progress')).toContain(join('node_modules', 'cli-progress'));
    console.log(`[package] installed: webgpu-tensor ${(du(join(nm, 'webgpu-tensor')) / 1e6).toFixed(2)} MB, node_modules ${(du(nm) / 1e6).toFixed(2)} MB`);
  });

  it('type-checks a strict TypeScript consumer against the shipped .d.ts (no DOM or WebGPU types needed) and runs it', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', types: [],
        strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, skipLibCheck: false, outDir: 'out',
      },
      files: ['main.ts'],
    }, null, 2));
    writeFileSync(join(project, 'main.ts'), `
import * as wt from 'webgpu-tensor';
declare const console: { log(...args: unknown[]): void };

async function main(): Promise<void> {
  await wt.setBackend('cpu');
  const out: Record<string, unknown> = {};
  const a: wt.Tensor = wt.tensor2d([[1, 2], [3, 4]]);
  out['matmul'] = await wt.matmul(a, wt.eye(2)).add(wt.tensor1d([10, 20])).array();
  const [value, grad] = wt.valueAndGrad((t: wt.Tensor) => t.square().sum())(a);
  out['grad'] = [await value.data(), await grad.data()].map((x) => Array.from(x));

  const d = await wt.datasets.mnist({ train: 256, test: 64, seed: 1 });
  const model = wt.sequential([
    wt.layers.dense({ units: 32, activation: 'relu', inputShape: [784] }),
    wt.layers.dense({ units: 10, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: wt.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const h: wt.History = await model.fit(d.xTrain, d.yTrain, { epochs: 2, batchSize: 64, verbose: 0, seed: 1 });
  out['fitLoss'] = h.history['loss'];
  const batches = wt.data.generator(function* (): Generator<wt.TensorBatch> {
    for (let i = 0; i < 4; i++) yield { xs: wt.slice(d.xTrain, [i * 64, 0], [64, 784]), ys: wt.slice(d.yTrain, [i * 64, 0], [64, 10]) };
  });
  const hd = await model.fitDataset(batches, { epochs: 1, verbose: 0 });
  out['fitDatasetLoss'] = hd.history['loss'];
  out['evaluate'] = await model.evaluate(d.xTest, d.yTest);
  const iris: wt.IrisData = await wt.datasets.iris();
  out['iris'] = iris.x.shape;
  out['losses'] = Object.keys(wt.losses).sort();
  try {
    await wt.setBackend('webgpu');
    out['webgpu'] = 'started';
  } catch (e) {
    out['webgpu'] = (e as Error).message;
  }
  console.log(JSON.stringify(out));
}

await main();
`);
    const tsc = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], project);
    expect(tsc.out + tsc.err).toBe('');
    expect(tsc.code).toBe(0);
    const r = run(process.execPath, ['out/main.js'], project);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(out['matmul']).toEqual([[11, 22], [13, 24]]);
    expect(out['grad']).toEqual([[30], [2, 4, 6, 8]]);
    const loss = out['fitLoss'] as number[];
    expect(loss).toHaveLength(2);
    expect(loss[1]!).toBeLessThan(loss[0]!);
    expect((out['fitDatasetLoss'] as number[])[0]!).toBeLessThan(loss[0]!);
    expect((out['evaluate'] as { accuracy: number }).accuracy).toBeGreaterThan(0.5);
    expect(out['iris']).toEqual([150, 4]);
    expect(out['losses']).toEqual(['Reduction', 'absoluteDifference', 'binaryCrossentropy', 'categoricalCrossentropy', 'computeWeightedLoss', 'hingeLoss', 'huberLoss', 'logLoss', 'meanSquaredError', 'mse', 'sparseCategoricalCrossentropy']);
    expect(out['webgpu']).toMatch(/in Node the optional package 'webgpu' \(Dawn\) is needed: npm install webgpu/);
  });

  it('the installed CLI trains on the shipped digits with its progress bar, and says how to install webgpu when asked for it', () => {
    const bin = join(project, 'node_modules', '.bin', 'webgpu-tensor');
    const r = run(bin, ['train', '--epochs', '1', '--train', '1000', '--test', '200', '--backend', 'cpu'], project);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/data: MNIST digits shipped with the package: 1000 train, 200 test/);
    const acc = /test: loss [\d.]+ - accuracy ([\d.]+)%/.exec(r.out);
    expect(acc, r.out).not.toBeNull();
    expect(Number(acc![1])).toBeGreaterThan(70);
    // On a terminal it shows its progress bar (cli-progress, the package's one dependency); `script`
    // (util-linux) gives the run a pseudo-terminal.
    if (existsSync('/usr/bin/script')) {
      const tty = run('/usr/bin/script', ['-qec', `'${bin}' train --epochs 1 --train 600 --test 50 --backend cpu`, '/dev/null'], project);
      expect(tty.code, tty.err).toBe(0);
      expect(tty.out).toMatch(/600\/600 samples \| loss [\d.]+ \| \d+ samples\/s/);
    } else if (process.env['CI'] === 'true') {
      throw new Error("CI=true: /usr/bin/script (util-linux) is needed to run the CLI on a terminal");
    }
    const auto = run(bin, ['train', '--epochs', '1', '--train', '200', '--test', '50'], project);
    expect(auto.code).toBe(0);
    // The wasm backend ships inside the package (no optional dependency), so auto trains on it.
    expect(auto.out).toMatch(/backend: wasm \(auto\) \[description=WebAssembly SIMD/);
    // On this GPU-less machine wt.init() does not start Dawn: the Vulkan drivers are software only.
    expect(auto.out).toMatch(/skipped webgpu: not started: the software Vulkan driver/);
    const gpu = run(bin, ['train', '--epochs', '1', '--backend', 'webgpu'], project);
    expect(gpu.code).toBe(1);
    expect(gpu.err).toMatch(/webgpu-tensor: error: webgpu backend: in Node the optional package 'webgpu' \(Dawn\) is needed: npm install webgpu/);
  });
});
