// The differential cases against tfjs-core (test/tfjs-diffs.ts) as a page script: tfjs-core with its
// cpu backend bundled in, our library from the shipped bundle the page imports. Bundled by
// test/browser-diffs.test.ts; the page calls globalThis.diffs(backend).
import * as tf from '../../tfjs-bundle/tfjs.ts';
import { runDiffs, type DiffSummary, type Tf, type Wt } from '../../tfjs-diffs.ts';

/** Cases that cannot run in a page, with the reason (none so far). */
export const PAGE_SKIP: Record<string, string> = {};

export async function diffs(wt: Wt, backend: string): Promise<DiffSummary> {
  await (tf as unknown as Tf).setBackend('cpu');
  return runDiffs(wt, tf as unknown as Tf, backend, { skip: PAGE_SKIP });
}
