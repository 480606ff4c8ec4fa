// TensorFlow.js parity, against @tensorflow/tfjs-core itself (cpu backend) in the same process:
// 1. the names: every function and namespace tfjs-core exports is ours, or on NOT_YET (names still
//    to build, kept honest: a name that lands must leave the list) or INTERNALS (with the reason);
// 2. a differential suite: each op both libraries export, called on the same seeded inputs in
//    both, with values, shapes and dtypes compared (and errors where both refuse the input).
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as wt from '../src/index.js';
import { compareDiff, diffCases, refusalCases, refusalProblem } from './tfjs-diffs.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await wt.setBackend('cpu');
});

/** tfjs-core names we have not built yet (none now). Add one only with a reason; remove it when it lands (the test checks). */
const NOT_YET: string[] = [];

/** tfjs-core exports that are its machinery rather than its API, and why we do not mirror them. */
const INTERNALS: Record<string, string> = {
  DataStorage: 'a backend\'s handle table: our backends keep their own (Backend contract)',
  ENV: 'TF.js\'s global flag registry', Environment: 'TF.js\'s flag registry class', env: 'TF.js\'s flag registry',
  KernelBackend: 'TF.js\'s backend base class: ours is the Backend interface',
  backend: 'returns TF.js\'s KernelBackend object', engine: 'TF.js\'s engine singleton',
  backend_util: 'helpers for writing TF.js backends', broadcast_util: 'kernel helper', gather_util: 'kernel helper',
  scatter_util: 'kernel helper', slice_util: 'kernel helper', kernel_impls: 'shared cpu kernel code',
  tensor_util: 'engine helper', util: 'grab-bag of internal helpers', test_util: 'TF.js\'s own test helpers',
  device_util: 'platform sniffing', setPlatform: 'platform plumbing (fetch, timers)', serialization: 'the layers registry for class serialization',
  copyRegisteredKernels: 'kernel registry', getKernel: 'kernel registry', getKernelsForBackend: 'kernel registry',
  registerKernel: 'kernel registry', unregisterKernel: 'kernel registry', getGradient: 'gradient registry',
  registerGradient: 'gradient registry: ours is closed and typed per op', unregisterGradient: 'gradient registry',
  findBackend: 'backend registry (ours: registerBackend / setBackend)', findBackendFactory: 'backend registry', removeBackend: 'backend registry',
  op: 'wraps a function as a TF.js op (naming scopes): defineOp is ours, internal',
  deprecationWarn: 'logging', disableDeprecationWarnings: 'logging', enableDebugMode: 'TF.js debug flag', enableProdMode: 'TF.js debug flag',
  Rank: 'a TypeScript enum of ranks used in TF.js\'s type signatures',
  OptimizerConstructors: 'the factory behind tf.train',
  enclosingPowerOfTwo: 'a helper of the spectral ops',
  default: 'the module namespace\'s own default export',
};

const record = tf as unknown as Record<string, unknown>;
const tfNames = Object.keys(tf).filter((k) => typeof record[k] === 'function' || (typeof record[k] === 'object' && record[k] !== null));
const ours = new Set(Object.keys(wt));

describe('tfjs-core\'s exported names', () => {
  it('are ours, except the listed not-yet-done names and internals', () => {
    const missing = tfNames.filter((n) => !ours.has(n) && !NOT_YET.includes(n) && !(n in INTERNALS));
    expect(missing, 'tfjs-core names we lack that neither list names').toEqual([]);
  });

  it('keep the lists honest: no listed name is already ours or absent from tfjs-core', () => {
    expect(NOT_YET.filter((n) => ours.has(n)), 'landed: remove from NOT_YET').toEqual([]);
    expect(NOT_YET.filter((n) => !tfNames.includes(n)), 'not a tfjs-core export').toEqual([]);
    expect(Object.keys(INTERNALS).filter((n) => !tfNames.includes(n)), 'not a tfjs-core export').toEqual([]);
    expect(new Set(NOT_YET).size).toBe(NOT_YET.length);
  });

  it('reports the count: the functions and namespaces of tfjs-core that we export', () => {
    const user = tfNames.filter((n) => !(n in INTERNALS) && !/^[A-Z][a-zA-Z0-9]*$/.test(n) || /Optimizer$/.test(n));
    const have = user.filter((n) => ours.has(n));
    console.log(`tfjs-core parity: ${have.length} of ${user.length} user-facing names (${NOT_YET.length} not yet)`);
    expect(have.length + user.filter((n) => NOT_YET.includes(n)).length).toBe(user.length);
  });
});

/**
 * The cases, one definition for Node, Deno (test/deno/diffs.ts) and Chromium (test/browser-diffs.test.ts):
 * add a case to test/tfjs-diffs.ts, where `both(name, ours, theirs, tol)` builds each one.
 */
const DIFFS = diffCases(wt, tf);

/** Our exports with a tfjs-core namesake that the cases (test/tfjs-diffs.ts) do not call, and why. */
const COMPARED_ELSEWHERE: Record<string, string> = {
  randomUniform: 'the generators differ; moments: test/tfjs-parity-api.test.ts', randomNormal: 'moments: test/tfjs-parity-api.test.ts', randomStandardNormal: 'moments: test/tfjs-parity-api.test.ts',
  truncatedNormal: 'moments: test/tfjs-parity-api.test.ts', randomUniformInt: 'moments: test/tfjs-parity-api.test.ts', dropout: 'moments: test/tfjs-parity-api.test.ts',
  variable: 'test/tfjs-parity-api.test.ts', variableGrads: 'test/tfjs-parity-api.test.ts', disposeVariables: 'test/tfjs-parity-api.test.ts', Variable: 'test/tfjs-parity-api.test.ts', buffer: 'test/tfjs-parity-api.test.ts', TensorBuffer: 'test/tfjs-parity-api.test.ts',
  memory: 'test/tfjs-parity-api.test.ts', upcastType: 'test/tfjs-parity-api.test.ts', sumOutType: 'test/tfjs-parity-api.test.ts', print: 'console output', time: 'timing', ready: 'test/tfjs-parity-api.test.ts', nextFrame: 'test/tfjs-names.test.ts',
  tidy: 'memory semantics: test/memory.test.ts', keep: 'test/memory.test.ts', dispose: 'test/memory.test.ts',
  grad: 'our grad(f)([a, b]) returns an array where TF.js takes one tensor: test/grad.test.ts', valueAndGrad: 'ours returns [value, grad], TF.js { value, grad }: test/grad.test.ts',
  setBackend: 'backends differ', getBackend: 'backends differ', registerBackend: 'backends differ',
  losses: 'namespace: meanSquaredError, computeWeightedLoss above; the rest in test/ops-tfjs-behaviour.test.ts', train: 'namespace: test/tfjs-names.test.ts',
  fused: 'namespace: matMul above, conv2d in test/ops-tfjs-behaviour.test.ts', Tensor: 'the class', Reduction: 'the enum: test/ops-tfjs-behaviour.test.ts',
  rand: 'ours is rand(shape, { seed, lo, hi }) on the seeded generator; TF.js\'s rand(shape, randFunction) calls a JavaScript function per element',
  step: 'above', leakyRelu: 'above',
  depthwiseConv2d: 'test/conv-depthwise.test.ts (values and gradients)', separableConv2d: 'test/conv-depthwise.test.ts',
  ...Object.fromEntries(['Optimizer', 'SGDOptimizer', 'MomentumOptimizer', 'RMSPropOptimizer', 'AdamOptimizer', 'AdamaxOptimizer', 'AdagradOptimizer', 'AdadeltaOptimizer']
    .map((n) => [n, 'trajectories against tfjs-core\'s optimizers: test/optimizer-classes.test.ts'])),
  randomGamma: 'the generators differ; moments: test/ops-engine.test.ts', multinomial: 'the generators differ; frequencies: test/ops-engine.test.ts',
  multiRNNCell: 'takes cell functions: test/ops-engine.test.ts', profile: 'memory and kernel logs differ by design: test/ops-engine.test.ts',
  image: 'namespace (all of tf.image): test/image.test.ts', io: 'namespace (browserFiles so far): test/io-browser-files.test.ts',
};


describe('the differential suite: each op on the same inputs in both libraries', () => {
  it.each(DIFFS.map((d) => [d.name, d] as const))('%s', async (_n, d) => {
    expect(await compareDiff(d, wt, tf)).toEqual([]);
  });

  it('covers every op we export under a tfjs-core name (or says where it is compared)', () => {
    const called = new Set(DIFFS.map((d) => d.name.split(' ')[0]!.split('.')[0]!));
    const shared = tfNames.filter((n) => ours.has(n));
    expect(shared.filter((n) => !called.has(n) && !(n in COMPARED_ELSEWHERE))).toEqual([]);
  });

  it('both refuse the same bad input', () => {
    for (const r of refusalCases(wt, tf)) expect(refusalProblem(r), r[0]).toBeNull();
  });
});
