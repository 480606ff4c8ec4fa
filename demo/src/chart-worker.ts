/**
 * The MNIST page's chart worker: it owns the page's line charts (Chart.js on OffscreenCanvas) and
 * redraws them through a RedrawQueue, so the page's main thread never runs a chart redraw.
 */
import { LineChart, RedrawQueue } from './charts.js';
import type { ToCharts } from './chart-protocol.js';

const charts = new Map<number, LineChart>();
const redraw = new RedrawQueue();

self.onmessage = (e: MessageEvent<ToCharts>) => {
  const m = e.data;
  if (m.type === 'init') {
    const c = new LineChart(m.canvas, m.options);
    c.chart.resize(m.width, m.height);
    charts.set(m.id, c);
  } else if (m.type === 'resize') {
    const c = charts.get(m.id);
    if (c && m.width > 0 && m.height > 0) c.chart.resize(m.width, m.height);
  } else if (m.type === 'points') {
    for (const p of m.points) {
      const c = charts.get(p.id);
      if (!c) continue;
      c.addPoint(p.series, p.x, p.y, false);
      redraw.request(c);
    }
  } else if (m.type === 'clear') {
    for (const c of charts.values()) c.clear();
  } else if (m.type === 'flush') {
    redraw.flush();
  }
};
