#!/usr/bin/env node
/**
 * The command line: `webgpu-tensor train` trains the Keras MNIST model (dense 512 relu, dense 10
 * softmax) or, with `--model cnn` / `cnn-large`, a convolutional network, on offline digits with any backend,
 * showing a progress bar per epoch, per-epoch train and validation figures, then the test accuracy.
 * Usage errors exit with status 2, other failures with 1.
 */
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import * as wt from './index.js';
import { cnnLayers } from './examples/cnn-mnist.js';
import { predict, PredictUsageError, PREDICT_USAGE } from './cli-predict.js';

const USAGE = `Usage: webgpu-tensor train [options]
       webgpu-tensor predict --model FILE --image FILE [options]   (predict --help)
       webgpu-tensor --help | --version

Train a model on 28x28 images:
  mlp  the Keras MNIST model: dense 512 relu, dense 10 softmax (407,050 parameters; rmsprop)
  cnn  conv 3x3x16 relu, max-pool 2, conv 3x3x32 relu, max-pool 2, dense 64 relu,
       dense 10 softmax (56,714 parameters; adam): about 97% on the digits
  cnn-large  conv 5x5x32 relu, batch norm, max-pool 2, conv 5x5x64 relu, batch norm,
       max-pool 2, dense 64 relu, dense 10 softmax (118,730 parameters; adam from
       0.002, halved after every epoch): 98% on the digits, at 5x the arithmetic

Options:
  --model NAME        mlp | cnn | cnn-large   (default mlp)
  --dataset NAME      mnist | fashion-mnist | idx:DIR | csv:FILE | csv:TRAIN,TEST   (default mnist)
                        mnist:         the 10,000 MNIST digits shipped with the package, offline
                        fashion-mnist: idx files in ${wt.datasets.FASHION_MNIST_DIR}
                        idx:DIR        train-/t10k-{images-idx3,labels-idx1}-ubyte[.gz] in DIR
                        csv:FILE       label then 784 pixels (0-255) per line, split into train/test
  --backend NAME      auto | webgpu | wasm | gpujs | cpu   (default auto: the fastest that starts)
  --epochs N          passes over the training set (default 5)
  --batch-size N      examples per step (default 128 for mlp, 32 for the cnns)
  --optimizer NAME    rmsprop | adam | sgd   (default rmsprop for mlp, adam for the cnns)
  --lr X              learning rate (default 0.001; 0.01 for sgd; 0.002 for cnn-large)
  --train N           training examples (default 8000, or what the data holds)
  --test N            test examples (default 2000, or what the data holds)
  --seed N            seed of the data split, weights and shuffling (default 0)
  --validation-split X  hold out this fraction of the training examples for validation
                      (default 0: validate on the test set)
  --threads N         threads of the wasm backend (default: the machine's logical cores)
  --wasm-simd MODE    auto | plain | relaxed: the wasm backend's SIMD module (default auto:
                      relaxed SIMD where the runtime has it; plain: identical results everywhere)
  --no-progress       no progress bar (it is shown only on a terminal anyway)
  -h, --help          this message
  -v, --version       the version`;

class UsageError extends Error {}

interface TrainOptions {
  model: 'mlp' | 'cnn' | 'cnn-large';
  dataset: string;
  backend: 'auto' | wt.BackendName;
  epochs: number;
  batchSize: number;
  optimizer: 'rmsprop' | 'adam' | 'sgd';
  lr: number | undefined;
  train: number | undefined;
  test: number | undefined;
  seed: number;
  validationSplit: number;
  progress: boolean;
  threads: number | undefined;
  wasmSimd: wt.WasmSimd;
}

function intArg(name: string, v: string | undefined, fallback: number | undefined, min: number): number | undefined {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${v}'`);
  return Number(v);
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

/** Parse argv (without node and the script); throws UsageError for anything unknown or malformed. */
function parseCommand(argv: string[]): { command: 'help' } | { command: 'version' } | { command: 'train'; opts: TrainOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        model: { type: 'string' }, dataset: { type: 'string' }, backend: { type: 'string' }, epochs: { type: 'string' },
        'batch-size': { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' },
        train: { type: 'string' }, test: { type: 'string' }, seed: { type: 'string' },
        'validation-split': { type: 'string' }, 'no-progress': { type: 'boolean' }, threads: { type: 'string' }, 'wasm-simd': { type: 'string' },
        help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { command: 'help' };
  if (v.version) return { command: 'version' };
  if (positionals.length === 0) throw new UsageError('missing command (expected: train)');
  if (positionals[0] !== 'train') throw new UsageError(`unknown command '${positionals[0]}' (expected: train)`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);

  const dataset = v.dataset ?? 'mnist';
  if (!/^(mnist|fashion-mnist|idx:.+|csv:.+)$/.test(dataset)) {
    throw new UsageError(`--dataset must be mnist, fashion-mnist, idx:DIR or csv:FILE, got '${dataset}'`);
  }
  let lr: number | undefined;
  if (v.lr !== undefined) {
    lr = Number(v.lr);
    if (v.lr.trim() === '' || !Number.isFinite(lr) || lr <= 0) throw new UsageError(`--lr must be a positive number, got '${v.lr}'`);
  }
  let validationSplit = 0;
  if (v['validation-split'] !== undefined) {
    validationSplit = Number(v['validation-split']);
    if (!(validationSplit >= 0 && validationSplit < 1)) {
      throw new UsageError(`--validation-split must be a number in [0, 1), got '${v['validation-split']}'`);
    }
  }
  const model = oneOf('model', v.model, ['mlp', 'cnn', 'cnn-large'] as const, 'mlp');
  const cnn = model !== 'mlp';
  return {
    command: 'train',
    opts: {
      model,
      dataset,
      backend: oneOf('backend', v.backend, ['auto', 'webgpu', 'wasm', 'gpujs', 'cpu'] as const, 'auto'),
      epochs: intArg('epochs', v.epochs, 5, 1)!,
      // the small CNN needs more, smaller steps than the dense model to learn in 5 epochs
      batchSize: intArg('batch-size', v['batch-size'], cnn ? 32 : 128, 1)!,
      optimizer: oneOf('optimizer', v.optimizer, ['rmsprop', 'adam', 'sgd'] as const, cnn ? 'adam' : 'rmsprop'),
      lr,
      train: intArg('train', v.train, undefined, 1),
      test: intArg('test', v.test, undefined, 1),
      seed: intArg('seed', v.seed, 0, 0)!,
      validationSplit,
      progress: !v['no-progress'],
      threads: intArg('threads', v.threads, undefined, 1),
      wasmSimd: oneOf('wasm-simd', v['wasm-simd'], ['auto', 'plain', 'relaxed'] as const, 'auto'),
    },
  };
}

/** Default sizes: 8000 / 2000, or what the source holds when the user did not ask for more. */
function sizes(o: TrainOptions, nTrain: number, nTest: number | null): { train: number; test: number } {
  if (nTest === null) {
    // One set to split: 80 / 20 by default.
    const train = o.train ?? Math.min(8000, Math.round(nTrain * 0.8));
    return { train, test: o.test ?? Math.min(2000, Math.max(0, nTrain - train)) };
  }
  return { train: o.train ?? Math.min(8000, nTrain), test: o.test ?? Math.min(2000, nTest) };
}

async function loadData(o: TrainOptions): Promise<{ data: wt.Dataset; what: string }> {
  const { dataset, seed } = o;
  // the cnns take images [n, 28, 28, 1], the mlp rows of pixels [n, 784]
  const asImages = o.model !== 'mlp';
  if (dataset === 'mnist') {
    return { data: await wt.datasets.mnist({ ...sizes(o, 10000, null), seed, asImages }), what: 'MNIST digits shipped with the package' };
  }
  if (dataset === 'fashion-mnist' || dataset.startsWith('idx:')) {
    const dir = dataset === 'fashion-mnist' ? wt.datasets.FASHION_MNIST_DIR : dataset.slice(4);
    const sets = await wt.loadIdx(dir);
    const what = dataset === 'fashion-mnist' ? `Fashion-MNIST from ${dir}` : `idx files in ${dir}`;
    return { data: wt.fromImages(sets, { ...sizes(o, sets.train.n, sets.test.n), seed, asImages }), what };
  }
  const files = dataset.slice(4).split(',');
  if (files.length > 2 || files.some((f) => f === '')) throw new UsageError(`--dataset csv: expects csv:FILE or csv:TRAIN,TEST, got '${dataset}'`);
  if (files.length === 2) {
    const [train, test] = await Promise.all(files.map((f) => wt.loadCsv(f)));
    return { data: wt.fromImages({ train: train!, test: test! }, { ...sizes(o, train!.n, test!.n), seed, asImages }), what: `CSV ${files.join(' and ')}` };
  }
  const all = await wt.loadCsv(files[0]!);
  return { data: wt.fromImages(all, { ...sizes(o, all.n, null), seed, asImages }), what: `CSV ${files[0]} (split by seed ${seed})` };
}

async function chooseBackend(o: TrainOptions): Promise<void> {
  if (o.threads !== undefined) await wt.setWasmThreads(o.threads);
  wt.setWasmSimd(o.wasmSimd);
  if (o.backend === 'auto') await wt.init();
  else await wt.setBackend(o.backend);
  const info = wt.backendInfo();
  // The adapter's identity, not its limits.
  const device = Object.entries(info.device)
    .filter(([k, v]) => k !== 'backend' && !k.startsWith('max') && v !== '')
    .map(([k, v]) => `${k}=${v}`).join(', ');
  console.log(`backend: ${info.backend}${o.backend === 'auto' ? ' (auto)' : ''}${device ? ` [${device}]` : ''}`);
  for (const a of info.attempts) if (!a.ok) console.log(`  ${a.started ? 'passed over' : 'skipped'} ${a.name}: ${a.reason}`);
}

/** The layers of the chosen model for images of the dataset's size. */
function buildLayers(kind: TrainOptions['model'], data: wt.Dataset): wt.Layer[] {
  const [h, w] = data.imageShape;
  const L = wt.layers;
  if (kind === 'mlp') {
    return [
      L.dense({ units: 512, activation: 'relu', inputShape: [h * w] }),
      L.dense({ units: data.numClasses, activation: 'softmax' }),
    ];
  }
  return cnnLayers(kind === 'cnn' ? 'small' : 'large', [h, w], data.numClasses);
}

const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);

async function train(o: TrainOptions): Promise<void> {
  await chooseBackend(o);
  const { data, what } = await loadData(o);
  const nTrain = data.xTrain.shape[0]!;
  const nTest = data.xTest.shape[0]!;
  console.log(`data: ${what}: ${nTrain} train, ${nTest} test, ${data.imageShape.join('x')} pixels, ${data.numClasses} classes`);

  const lr = o.lr ?? (o.optimizer === 'sgd' ? 0.01 : o.model === 'cnn-large' ? 0.002 : 0.001);
  // cnn-large halves its learning rate after every epoch: big steps first, finer ones as it settles
  const decay = o.model === 'cnn-large' ? 0.5 : 1;
  const model = wt.sequential({ seed: o.seed, layers: buildLayers(o.model, data) });
  model.compile({ optimizer: wt.optimizers[o.optimizer]({ learningRate: lr }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.summary();
  const valWhat = o.validationSplit > 0 ? `${(o.validationSplit * 100).toFixed(0)}% of the training examples held out` : `the ${nTest} test examples`;
  console.log(`training: ${o.epochs} epoch${o.epochs === 1 ? '' : 's'}, batch ${o.batchSize}, ${o.optimizer} lr ${lr}${decay !== 1 ? ` (halved after every epoch)` : ''}; validation on ${valWhat}`);

  const showBar = o.progress && process.stdout.isTTY === true;
  // A dependency of the package; should it be missing all the same, training goes on without a bar.
  const { SingleBar, Presets } = showBar ? await import('cli-progress').catch(() => ({ SingleBar: null, Presets: null })) : { SingleBar: null, Presets: null };
  const bar = SingleBar && Presets
    ? new SingleBar({ format: '  {bar} {value}/{total} samples | loss {loss} | {speed} samples/s', hideCursor: true, clearOnComplete: true }, Presets.shades_classic)
    : null;
  const nFit = o.validationSplit > 0 ? Math.floor(nTrain * (1 - o.validationSplit)) : nTrain;
  let epochStart = 0;
  let done = 0;

  const history = await model.fit(data.xTrain, data.yTrain, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    verbose: 0,
    ...(o.validationSplit > 0 ? { validationSplit: o.validationSplit } : { validationData: [data.xTest, data.yTest] as [wt.Tensor, wt.Tensor] }),
    callbacks: {
      onEpochBegin: () => {
        epochStart = performance.now();
        done = 0;
        bar?.start(nFit, 0, { loss: '-', speed: '-' });
      },
      // Per-batch logs cost one readback per batch, so they are asked for only when a bar is shown.
      ...(bar ? {
        onBatchEnd: (_b: number, logs?: wt.Logs) => {
          done += logs?.size ?? 0;
          const secs = (performance.now() - epochStart) / 1000;
          bar.update(done, { loss: (logs?.loss ?? NaN).toFixed(4), speed: secs > 0 ? Math.round(done / secs) : '-' });
        },
      } : {}),
      onEpochEnd: (epoch: number, logs?: wt.Logs) => {
        bar?.stop();
        model.optimizer!.learningRate *= decay;
        const secs = (performance.now() - epochStart) / 1000;
        const l = logs ?? {};
        console.log(
          `epoch ${epoch + 1}/${o.epochs}: loss ${l.loss?.toFixed(4)} - accuracy ${pct(l.accuracy)} - ` +
          `val_loss ${l.val_loss?.toFixed(4)} - val_accuracy ${pct(l.val_accuracy)} ` +
          `(${secs.toFixed(1)} s, ${Math.round(nFit / secs)} samples/s)`,
        );
      },
    },
  });
  void history;
  const { loss, accuracy } = await model.evaluate(data.xTest, data.yTest, { batchSize: 512 });
  const correct = Math.round((accuracy ?? 0) * nTest);
  console.log(`test: loss ${loss?.toFixed(4)} - accuracy ${pct(accuracy)} (${correct}/${nTest})`);
  model.dispose();
  wt.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
}

function version(): string {
  const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'predict') return runPredict(argv.slice(1));
  let cmd;
  try {
    cmd = parseCommand(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`webgpu-tensor: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (cmd.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (cmd.command === 'version') {
    console.log(version());
    return 0;
  }
  try {
    await train(cmd.opts);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`webgpu-tensor: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`webgpu-tensor: error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

/** `webgpu-tensor predict ...` (src/cli-predict.ts). */
async function runPredict(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(PREDICT_USAGE);
    return 0;
  }
  try {
    await predict(argv);
    return 0;
  } catch (e) {
    if (e instanceof PredictUsageError) {
      console.error(`webgpu-tensor: ${e.message}\n\n${PREDICT_USAGE}`);
      return 2;
    }
    console.error(`webgpu-tensor: error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

// Exit explicitly: a GPU device can keep the event loop alive after training ends.
process.exit(await main(process.argv.slice(2)));
