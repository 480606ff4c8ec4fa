/** `wt.nextFrame()`: yield to the page (or the event loop) between steps, as TensorFlow.js's tf.nextFrame does. */

/**
 * Resolves at the next animation frame in a browser page (so a long training loop can let the page
 * repaint), and after pending I/O elsewhere (setImmediate in Node, a zero timeout in Deno and workers).
 */
export function nextFrame(): Promise<void> {
  const g = globalThis as {
    requestAnimationFrame?: (cb: () => void) => unknown;
    setImmediate?: (cb: () => void) => unknown;
    document?: unknown;
  };
  return new Promise((resolve) => {
    if (typeof g.requestAnimationFrame === 'function' && g.document !== undefined) g.requestAnimationFrame(() => resolve());
    else if (typeof g.setImmediate === 'function') g.setImmediate(() => resolve());
    else setTimeout(resolve, 0);
  });
}
