/**
 * Chart.js wrappers for the demo pages: a line chart whose series grow as results arrive, and a
 * bar chart of one figure per backend. Animations are off so live updates stay cheap.
 */
import Chart from 'chart.js/auto';

export const COLORS: Record<string, string> = {
  webgpu: '#2563eb',
  gpujs: '#16a34a',
  cpu: '#dc2626',
  'tfjs-webgpu': '#7c3aed',
  'tfjs-cpu': '#f59e0b',
  train: '#2563eb',
  validation: '#f59e0b',
};

const palette = ['#2563eb', '#f59e0b', '#16a34a', '#dc2626', '#7c3aed'];

export interface LineOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  yMin?: number;
  yMax?: number;
  /**
   * For an OffscreenCanvas (a chart drawn in a worker): the page's devicePixelRatio. Such a chart
   * is not responsive; its owner calls `resize` with the element's CSS size.
   */
  pixelRatio?: number;
}

/** A line chart with numeric x; add points with `addPoint(series, x, y)`. */
export class LineChart {
  readonly chart: Chart<'line', { x: number; y: number }[]>;

  constructor(canvas: HTMLCanvasElement | OffscreenCanvas, opts: LineOptions) {
    const offscreen = typeof HTMLCanvasElement === 'undefined' || !(canvas instanceof HTMLCanvasElement);
    // Chart.js draws on an OffscreenCanvas through its basic platform (no DOM events, no resizing).
    this.chart = new Chart(canvas as HTMLCanvasElement, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: !offscreen,
        ...(offscreen ? { devicePixelRatio: opts.pixelRatio ?? 1, events: [] } : {}),
        maintainAspectRatio: false,
        parsing: false,
        plugins: { title: { display: true, text: opts.title }, legend: { position: 'bottom' } },
        scales: {
          x: {
            type: opts.logX ? 'logarithmic' : 'linear',
            title: { display: true, text: opts.xLabel },
            // On a log axis, label the sizes that were measured rather than Chart.js's 1-2-5 steps.
            ...(opts.logX ? {
              afterBuildTicks: (axis: { ticks: { value: number }[] }) => {
                const xs = this.xValues();
                if (xs.length) axis.ticks = xs.map((value) => ({ value }));
              },
              ticks: { callback: (v: number | string) => String(v) },
            } : {}),
          },
          y: {
            type: opts.logY ? 'logarithmic' : 'linear',
            title: { display: true, text: opts.yLabel },
            ...(opts.yMin !== undefined ? { min: opts.yMin } : {}),
            ...(opts.yMax !== undefined ? { max: opts.yMax } : {}),
          },
        },
      },
    });
  }

  private xValues(): number[] {
    const xs = new Set<number>();
    // Chart.js builds ticks once inside its constructor, before this.chart is set.
    const chart = this.chart as LineChart['chart'] | undefined;
    if (!chart) return [];
    for (const d of chart.data.datasets) for (const p of d.data) xs.add(p.x);
    return [...xs].sort((a, b) => a - b);
  }

  addPoint(series: string, x: number, y: number, update = true): void {
    let ds = this.chart.data.datasets.find((d) => d.label === series);
    if (!ds) {
      const color = COLORS[series] ?? palette[this.chart.data.datasets.length % palette.length]!;
      ds = { label: series, data: [], borderColor: color, backgroundColor: color, pointRadius: 2, borderWidth: 2 };
      this.chart.data.datasets.push(ds);
    }
    ds.data.push({ x, y });
    if (update) this.chart.update();
  }

  clear(): void {
    this.chart.data.datasets = [];
    this.chart.update();
  }
}

/**
 * Redraws charts whose points came in without an update, at most one chart per animation frame and
 * each at most every `intervalMs`: a Chart.js redraw costs the page's main thread 10-90 ms on a busy
 * CPU, so redrawing both charts on every batch's message would make frames longer than 50 ms.
 */
export class RedrawQueue {
  private readonly dirty = new Set<LineChart>();
  private readonly last = new Map<LineChart, number>();
  private scheduled = false;

  constructor(private readonly intervalMs = 250) {}

  /** Redraw `chart` soon (once, however often this is called before it happens). */
  request(chart: LineChart): void {
    this.dirty.add(chart);
    this.schedule();
  }

  /** Redraw every pending chart now (at the end of a run, so its final state shows at once). */
  flush(): void {
    for (const c of this.dirty) this.draw(c);
    this.dirty.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.dirty.size === 0) return;
    this.scheduled = true;
    // a dedicated worker has requestAnimationFrame in Chromium and Firefox; elsewhere, a 16 ms timer
    const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (cb: () => void) => setTimeout(cb, 16);
    frame(() => {
      this.scheduled = false;
      const now = performance.now();
      // the chart that has waited longest, if its interval is over
      const due = [...this.dirty].sort((a, b) => (this.last.get(a) ?? 0) - (this.last.get(b) ?? 0))[0];
      if (due && now - (this.last.get(due) ?? -Infinity) >= this.intervalMs) {
        this.dirty.delete(due);
        this.draw(due);
        this.schedule();
      } else {
        setTimeout(() => this.schedule(), this.intervalMs - (now - (this.last.get(due!) ?? 0)));
      }
    });
  }

  private draw(c: LineChart): void {
    c.chart.update();
    this.last.set(c, performance.now());
  }
}

/** A bar chart: one bar per label, one dataset. */
export class BarChart {
  readonly chart: Chart<'bar', number[], string>;

  constructor(canvas: HTMLCanvasElement, title: string, yLabel: string, horizontal = false) {
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: yLabel, data: [], backgroundColor: [] }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? 'y' : 'x',
        plugins: { title: { display: true, text: title }, legend: { display: false } },
        scales: { [horizontal ? 'x' : 'y']: { beginAtZero: true, title: { display: true, text: yLabel } } },
      },
    });
  }

  set(labels: string[], values: number[], colors?: string[]): void {
    this.chart.data.labels = labels;
    const ds = this.chart.data.datasets[0]!;
    ds.data = values;
    ds.backgroundColor = colors ?? labels.map((l, i) => COLORS[l] ?? palette[i % palette.length]!);
    this.chart.update();
  }
}
