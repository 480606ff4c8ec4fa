/**
 * Small DOM helpers shared by the demo pages: element creation, the status line, the progress bar
 * and the error box (a failed run shows its error in the page, not only in the console).
 */

/** Create an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** The element with this id, or an Error naming it (a page template and its script disagree). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`demo: element #${id} is missing from the page`);
  return e as T;
}

/** Show `message` in the page's status line; `state` is mirrored on <body data-state> for tests. */
export function setStatus(message: string, state: 'idle' | 'running' | 'done' | 'error' = 'running'): void {
  const s = document.getElementById('status');
  if (s) {
    s.textContent = message;
    s.className = `status ${state}`;
  }
  document.body.dataset.state = state;
}

/** Progress in [0, 1]; null hides the bar. */
export function setProgress(fraction: number | null): void {
  const p = document.getElementById('progress') as HTMLProgressElement | null;
  if (!p) return;
  p.hidden = fraction === null;
  if (fraction !== null) p.value = Math.max(0, Math.min(1, fraction));
}

/** Put an error in the page's error box (and the console), and mark the page as failed. */
export function showError(context: string, e: unknown): void {
  const text = e instanceof Error ? `${e.message}` : String(e);
  console.error(context, e);
  const box = document.getElementById('error');
  if (box) {
    box.hidden = false;
    box.textContent = `${context}: ${text}`;
  }
  setStatus(`${context} failed`, 'error');
}

export function clearError(): void {
  const box = document.getElementById('error');
  if (box) {
    box.hidden = true;
    box.textContent = '';
  }
}

/** A number with a sensible number of digits for a table cell. */
export function fmtNum(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a < 1e-3) return v.toExponential(1);
  return v.toPrecision(digits);
}

/** Let the browser paint before the next long synchronous stretch (cpu kernels block the page). */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** Read a query parameter as a list of numbers ("64,128") or the fallback. */
export function queryNumbers(name: string, fallback: number[]): number[] {
  const raw = new URLSearchParams(location.search).get(name);
  if (!raw) return fallback;
  const nums = raw.split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n > 0);
  return nums.length ? nums : fallback;
}

export function queryString(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}
