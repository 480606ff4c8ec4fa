/**
 * The MNIST page's charts, drawn in a worker where the browser can hand a canvas over
 * (transferControlToOffscreen; chart-worker.ts), else on the page through a RedrawQueue. The page
 * calls the same methods either way; the charts redraw a few times a second, not per point.
 */
import { LineChart, RedrawQueue, type LineOptions } from './charts.js';
import type { ToCharts } from './chart-protocol.js';

/** A set of line charts that grow as points arrive. */
export class PageCharts {
  private readonly worker: Worker | null = null;
  private readonly local: LineChart[] = [];
  private readonly redraw = new RedrawQueue();

  constructor(specs: { canvas: HTMLCanvasElement; options: LineOptions }[]) {
    const offscreen = typeof Worker !== 'undefined' && specs.every((s) => typeof s.canvas.transferControlToOffscreen === 'function');
    if (!offscreen) {
      this.local = specs.map((s) => new LineChart(s.canvas, s.options));
      return;
    }
    const w = new Worker(new URL('./chart-worker.ts', import.meta.url), { type: 'module' });
    this.worker = w;
    const send = (m: ToCharts, transfer: Transferable[] = []): void => w.postMessage(m, transfer);
    specs.forEach((s, id) => {
      const { width, height } = s.canvas.getBoundingClientRect();
      const canvas = s.canvas.transferControlToOffscreen();
      send({ type: 'init', id, canvas, options: { ...s.options, pixelRatio: devicePixelRatio }, width, height }, [canvas]);
      // the canvas fills its box (style.css): follow the box as the page resizes
      const box = s.canvas.parentElement ?? s.canvas;
      new ResizeObserver(() => {
        const r = box.getBoundingClientRect();
        send({ type: 'resize', id, width: r.width, height: r.height });
      }).observe(box);
    });
  }

  /** Add a point to series `series` of chart `id` (its index in the constructor's list). */
  addPoint(id: number, series: string, x: number, y: number): void {
    if (this.worker) {
      this.worker.postMessage({ type: 'points', points: [{ id, series, x, y }] } satisfies ToCharts);
      return;
    }
    const c = this.local[id];
    if (!c) throw new Error(`charts: no chart ${id} (there are ${this.local.length})`);
    c.addPoint(series, x, y, false);
    this.redraw.request(c);
  }

  /** Remove every series from every chart. */
  clear(): void {
    if (this.worker) this.worker.postMessage({ type: 'clear' } satisfies ToCharts);
    else for (const c of this.local) c.clear();
  }

  /** Draw the pending points now. */
  flush(): void {
    if (this.worker) this.worker.postMessage({ type: 'flush' } satisfies ToCharts);
    else this.redraw.flush();
  }
}
