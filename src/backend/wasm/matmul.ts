/**
 * Planning the wasm matmul (c/matmul.c): the k-block, the row and column blocks of C that are its
 * tasks, and the scratch it needs. B is packed once per call (all batches, in parallel over panels);
 * each task packs its own rows of A per k-block into its thread's scratch. Blocks are sized for the
 * caches and split finer only when that is what it takes to give every thread work.
 */
import type { Activation, KernelAttrs } from '../backend.js';
import type { WasmContext, WasmHandle } from './context.js';

const ACT: Record<Activation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3, leakyRelu: 4, step: 5 };

/** Largest k-block: a micro-kernel's A and B slivers (MR x KC, KC x NR) stay in L1. */
export const KC_MAX = 256;
/**
 * Largest row block: its packed A (MC x KC floats, 128 KiB) stays in L2. Each row block streams all
 * of packed B once per k-block, so tall blocks mean fewer passes over B, which comes from L3 or
 * memory (see README: 2048 x 2048 on one thread went from 34-36 to 37-38 GFLOP/s with 130 rows rather than 65).
 */
export const MC_MAX = 128;
/** Tasks per thread to aim for, so a thread that starts late or is slowed costs little. */
const TASKS_PER_THREAD = 4;
/**
 * Row blocks are halved to about this many rows before columns are split to give threads work: a
 * task re-packs its rows of A for however few columns it computes (about a nanosecond per element,
 * against ~0.06 ns per multiply-add), so narrow column blocks cost more than short row blocks while
 * packed B is small enough to stay in cache.
 */
const MC_SPLIT = 64;
/** The last row blocks of a parallel job are split into up to this many column blocks... */
const TAIL_SPLIT = 4;
/** ...of at least this many panels, so packing A stays a few percent of a task. */
const TAIL_MIN_PANELS = 16;

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

export interface MatmulPlan {
  kc: number;
  mc: number;
  nc: number;
  /** the last `tailBlocks` row blocks (across batches) are split into column blocks of `tailNc` */
  tailBlocks: number;
  tailNc: number;
  parallel: boolean;
  tasks: number;
}

/**
 * Block sizes for an m x n x k product (times batch) on `threads` threads with an MR x NR
 * micro-kernel. Row blocks are as tall as MC_MAX allows, evenly sized, and span all columns. To
 * give every thread work, row blocks are first halved to about MC_SPLIT rows, then columns are split
 * (each column block re-packs its row block of A), then rows again when the columns run out. Tasks are claimed in order, so on
 * several threads the last row blocks (one per thread) are split into narrower column blocks: the
 * job ends on shorter tasks, and a thread that fell behind (preempted, or slowed by a neighbour on
 * the machine) holds the others up by a fraction of a row block, not a whole one.
 */
export function planMatmul(batch: number, m: number, n: number, k: number, threads: number, mr: number, nr: number, parallelFlops = 1 << 19): MatmulPlan {
  const kBlocks = Math.max(1, Math.ceil(k / KC_MAX));
  const kc = Math.max(1, roundUp(Math.ceil(k / kBlocks), 4));
  const parallel = threads > 1 && 2 * batch * m * n * k >= parallelFlops;
  // Even blocks: as few row blocks as MC_MAX allows, each about the same size (256 rows: 130 + 126).
  let mc = roundUp(Math.ceil(m / Math.ceil(m / MC_MAX)), mr);
  let nc = roundUp(n, nr);
  const want = parallel ? threads * TASKS_PER_THREAD : 1;
  const rowBlocks = (): number => batch * Math.ceil(m / mc);
  const tasks = (): number => rowBlocks() * Math.ceil(n / nc);
  // Rows down to about MC_SPLIT; then columns, down to blocks of 4 panels; then rows, down to 2 slivers.
  while (tasks() < want && mc > roundUp(MC_SPLIT, mr)) mc = roundUp(Math.ceil(mc / 2), mr);
  if (tasks() < want) nc = Math.max(4 * nr, roundUp(Math.ceil(n / Math.ceil(want / rowBlocks())), nr));
  while (tasks() < want && mc > 2 * mr) mc = Math.max(mr, roundUp(Math.ceil(mc / 2), mr));
  let tailBlocks = 0, tailNc = nc;
  const narrow = Math.max(TAIL_MIN_PANELS * nr, roundUp(Math.ceil(nc / TAIL_SPLIT), nr));
  if (parallel && narrow < nc) {
    tailBlocks = Math.min(rowBlocks(), threads);
    tailNc = narrow;
  }
  const total = (rowBlocks() - tailBlocks) * Math.ceil(n / nc) + tailBlocks * Math.ceil(n / tailNc);
  return { kc, mc, nc, tailBlocks, tailNc, parallel, tasks: total };
}

/**
 * C = op(A) op(B) (+ bias, activation). With `conv` (the fields of a ConvPack, see ./conv.ts), A is packed
 * from a window over an image rather than read from `a` (the implicit GEMM of c/conv.c).
 */
export function matmul(ctx: WasmContext, [a, b, bias]: readonly (WasmHandle | null | undefined)[], out: WasmHandle, at: KernelAttrs['matmul'], conv?: readonly number[]): void {
  const { batch, m, n, k, transposeA, transposeB, aBatched, bBatched } = at;
  const { mr, nr } = ctx;
  const plan = planMatmul(batch, m, n, k, ctx.threads, mr, nr, ctx.parallelFlops);
  const panels = Math.ceil(n / nr);
  const bBatches = bBatched ? batch : 1;
  const packed = ctx.scratch(4 * Math.max(1, bBatches * panels * k * nr), 'matmul (packed B)');
  const threads = plan.parallel ? ctx.threads : 1;
  // whole cache lines per thread, so no two threads write to one line of scratch
  const perThread = roundUp(plan.mc * plan.kc + mr * nr, 16);
  let scratch = 0;
  try {
    scratch = ctx.scratch(4 * threads * perThread, 'matmul (packed A)');
    const w = ctx.args()
      .p(a).p(b).p(at.bias ? bias : null).p(out)
      .i(batch).i(m).i(n).i(k)
      .i(transposeA ? 1 : k).i(transposeA ? m : 1)
      .i(transposeB ? 1 : n).i(transposeB ? k : 1)
      .i(aBatched ? m * k : 0).i(bBatched ? k * n : 0)
      .i(ACT[at.activation]).f(at.alpha)
      .i(packed).i(scratch).i(perThread)
      .i(plan.mc).i(plan.nc).i(plan.kc).i(plan.tailBlocks).i(plan.tailNc);
    if (conv) w.a(conv);
    else w.i(0);
    // packing B: about a nanosecond per element moved
    if (k > 0) ctx.exec('matmul_pack_b', w, bBatches * panels, plan.parallel ? k * nr : 0);
    ctx.execBlocks('matmul_compute', w, plan.tasks, plan.parallel);
  } finally {
    if (scratch) ctx.release(scratch);
    ctx.release(packed);
  }
}
