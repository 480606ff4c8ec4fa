/**
 * Small helpers the examples share: run-as-script detection, backend choice from the command line,
 * feature standardisation and accuracy. Examples import the library relatively ('../index.js');
 * in your own project that line is `import * as wt from 'webgpu-tensor'`.
 */
import * as wt from '../index.js';

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  const arg = typeof process !== 'undefined' ? process.argv[1] : undefined;
  if (!arg) return false;
  const path = decodeURIComponent(new URL(metaUrl).pathname);
  return path === arg || path === `${arg}.js`;
}

/** `--backend NAME` from the command line (or WT_BACKEND), else the best one available. */
export async function chooseBackend(): Promise<string> {
  const i = process.argv.indexOf('--backend');
  const name = i >= 0 ? process.argv[i + 1] : process.env.WT_BACKEND;
  if (name && name !== 'auto') {
    await wt.setBackend(name as wt.BackendName);
    return name;
  }
  return wt.init();
}

/** Columns scaled to mean 0 and (population) standard deviation 1, as the material standardises. */
export function standardize(x: wt.Tensor): wt.Tensor {
  return wt.tidy(() => {
    const mu = x.mean(0);
    const sd = x.sub(mu).square().mean(0).sqrt();
    return x.sub(mu).div(sd);
  });
}

/** Fraction of equal entries between two label arrays. */
export function accuracy(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (pred.length !== truth.length) throw new Error(`accuracy: ${pred.length} predictions for ${truth.length} labels`);
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === truth[i]) ok++;
  return ok / pred.length;
}

/** Replace the tensors held in `state` by new ones, disposing the old: the manual-update idiom. */
export function assign<T extends Record<string, wt.Tensor>>(state: T, next: T): void {
  for (const k of Object.keys(next) as (keyof T)[]) {
    const old = state[k] as wt.Tensor;
    if (old !== next[k]) old.dispose();
    state[k] = next[k];
  }
}
