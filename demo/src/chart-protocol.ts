/**
 * The messages from the MNIST page to its chart worker (chart-worker.ts), which draws the loss and
 * accuracy charts on canvases the page handed over (OffscreenCanvas), so that Chart.js's redraws,
 * 10-90 ms each on a busy CPU, do not run on the page's main thread.
 */
import type { LineOptions } from './charts.js';

/** Page → chart worker. */
export type ToCharts =
  /** Take over `canvas`, `width` x `height` CSS pixels, as chart number `id`. */
  | { type: 'init'; id: number; canvas: OffscreenCanvas; options: LineOptions; width: number; height: number }
  | { type: 'resize'; id: number; width: number; height: number }
  /** Points for the charts (redrawn a few times a second, not per point). */
  | { type: 'points'; points: { id: number; series: string; x: number; y: number }[] }
  /** Remove every series (a new run). */
  | { type: 'clear' }
  /** Redraw everything pending now (the run is over). */
  | { type: 'flush' };
