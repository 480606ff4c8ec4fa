/**
 * `wt.browser`, as TensorFlow.js has it: images to int32 tensors (fromPixels, fromPixelsAsync) and
 * tensors to RGBA bytes or a canvas (toPixels, draw). `{ data, width, height }` objects (RGBA bytes,
 * as ImageData holds them) work anywhere; canvas, image, video and ImageBitmap elements in pages.
 */
import type { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { fromData } from './core.js';

/** RGBA bytes with their size: ImageData, or any object of this shape (TF.js's PixelData). */
export interface PixelData {
  /** width * height * 4 bytes, RGBA, row by row. */
  data: Uint8Array | Uint8ClampedArray;
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
}

/**
 * A canvas (HTMLCanvasElement or OffscreenCanvas), typed by its shape so that programs built
 * without the DOM library (Node, Deno) type-check against ours.
 */
export interface CanvasLike {
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
  /** The canvas's drawing context of `kind`. */
  getContext(kind: '2d'): unknown;
}

/** An image, video or ImageBitmap element, typed by its shape (as CanvasLike). */
export interface ImageElementLike {
  /** Pixels per row (an image, a bitmap). */
  width?: number;
  /** Rows (an image, a bitmap). */
  height?: number;
  /** Pixels per row of a video's frame. */
  videoWidth?: number;
  /** Rows of a video's frame. */
  videoHeight?: number;
}

/** What fromPixels reads: pixel data anywhere (ImageData included); in pages also canvas, image, video and bitmap elements. */
export type PixelSource = PixelData | CanvasLike | ImageElementLike;

const has = (name: string): boolean => typeof (globalThis as Record<string, unknown>)[name] === 'function';
const isA = (x: unknown, name: string): boolean => has(name) && x instanceof ((globalThis as unknown as Record<string, new () => unknown>)[name]!);

/** A 2-D context of `w` x `h` (a fresh canvas in pages, an OffscreenCanvas in workers). */
function context2d(w: number, h: number): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D {
  let ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;
  if (has('OffscreenCanvas')) ctx = new OffscreenCanvas(w, h).getContext('2d');
  else if (typeof document !== 'undefined') {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    ctx = c.getContext('2d');
  }
  if (!ctx) throw new Error('fromPixels: reading an image element needs a canvas (a page or a worker with OffscreenCanvas); pass { data, width, height } elsewhere');
  return ctx;
}

/** The RGBA bytes of any PixelSource. */
function rgba(op: string, pixels: PixelSource): PixelData {
  if (pixels === null || typeof pixels !== 'object') throw new Error(`${op}: expected pixel data, ImageData or an image, canvas or video element, got ${pixels === null ? 'null' : typeof pixels}`);
  const p = pixels as Partial<PixelData>;
  if (p.data !== undefined && typeof p.width === 'number' && typeof p.height === 'number') {
    if (!(p.data instanceof Uint8Array || p.data instanceof Uint8ClampedArray)) throw new Error(`${op}: pixel data must be a Uint8Array or Uint8ClampedArray, got ${Object.prototype.toString.call(p.data)}`);
    if (!(Number.isInteger(p.width) && Number.isInteger(p.height) && p.width >= 0 && p.height >= 0) || p.data.length !== p.width * p.height * 4) {
      throw new Error(`${op}: pixel data of ${p.width} x ${p.height} needs ${p.width * p.height * 4} RGBA bytes, got ${p.data.length}`);
    }
    return p as PixelData;
  }
  if (isA(pixels, 'HTMLCanvasElement') || isA(pixels, 'OffscreenCanvas')) {
    const c = pixels as HTMLCanvasElement | OffscreenCanvas;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (ctx) return ctx.getImageData(0, 0, c.width, c.height);
  }
  const video = isA(pixels, 'HTMLVideoElement');
  const w = video ? (pixels as HTMLVideoElement).videoWidth : (pixels as HTMLImageElement).width;
  const h = video ? (pixels as HTMLVideoElement).videoHeight : (pixels as HTMLImageElement).height;
  if (!(isA(pixels, 'HTMLImageElement') || video || isA(pixels, 'ImageBitmap') || isA(pixels, 'HTMLCanvasElement') || isA(pixels, 'OffscreenCanvas'))) {
    throw new Error(`${op}: expected pixel data ({ data, width, height }), ImageData, or a canvas, image, video or ImageBitmap, got ${Object.prototype.toString.call(pixels)}`);
  }
  if (!(w > 0 && h > 0)) throw new Error(`${op}: the image has no size yet (${w} x ${h}); wait until it has loaded`);
  const ctx = context2d(w, h);
  ctx.drawImage(pixels as CanvasImageSource, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

/** An int32 [height, width, numChannels] tensor of an image's first numChannels channels (1 to 4, default 3: RGB). */
function fromPixels(pixels: PixelSource, numChannels = 3): Tensor {
  if (!(Number.isInteger(numChannels) && numChannels >= 1 && numChannels <= 4)) throw new Error(`fromPixels: numChannels must be 1, 2, 3 or 4, got ${String(numChannels)}`);
  const { data, width, height } = rgba('fromPixels', pixels);
  const n = width * height;
  const out = new Int32Array(n * numChannels);
  for (let i = 0; i < n; i++) for (let c = 0; c < numChannels; c++) out[i * numChannels + c] = data[i * 4 + c]!;
  return fromData(out, [height, width, numChannels], 'int32', undefined, 'fromPixels');
}

/** fromPixels, as a promise (TensorFlow.js's fromPixelsAsync; an ImageBitmap is read the same way). */
async function fromPixelsAsync(pixels: PixelSource, numChannels = 3): Promise<Tensor> {
  return fromPixels(pixels, numChannels);
}

/** RGBA bytes of a [h, w] or [h, w, 1|3|4] tensor: float32 in [0, 1] is scaled by 255, int32 must lie in [0, 255]. */
function bytesOf(op: string, img: Tensor, values: ArrayLike<number>): Uint8ClampedArray {
  const [h, w, c = 1] = img.shape as number[];
  const scale = img.dtype === 'float32' ? 255 : 1;
  const out = new Uint8ClampedArray(h! * w! * 4);
  for (let i = 0; i < h! * w!; i++) {
    const px = [0, 0, 0, 255];
    for (let k = 0; k < c; k++) {
      const v = values[i * c + k]!;
      if (img.dtype === 'float32' ? !(v >= 0 && v <= 1) : !(v >= 0 && v <= 255)) {
        throw new Error(`${op}: ${img.dtype} values must lie in ${img.dtype === 'float32' ? '[0, 1]' : '[0, 255]'}, got ${v} at element ${i * c + k}`);
      }
      px[k] = Math.round(v * scale);
    }
    if (c === 1) px[1] = px[2] = px[0]!;
    out.set(px, i * 4);
  }
  return out;
}

function checkImage(op: string, img: Tensor): void {
  const c = img.rank === 3 ? img.shape[2]! : 1;
  if ((img.rank !== 2 && img.rank !== 3) || ![1, 3, 4].includes(c)) throw new Error(`${op}: expected a [height, width] or [height, width, 1|3|4] tensor, got ${fmt(img.shape)}`);
  if (img.dtype !== 'float32' && img.dtype !== 'int32') throw new Error(`${op}: expected a float32 or int32 tensor, got ${img.dtype}`);
}

function paint(op: string, bytes: Uint8ClampedArray, w: number, h: number, target: CanvasLike): void {
  const canvas = target as unknown as HTMLCanvasElement | OffscreenCanvas;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error(`${op}: the canvas has no 2d context`);
  ctx.putImageData(new ImageData(bytes as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
}

/**
 * The RGBA bytes of an image tensor ([h, w] grey, or [h, w, 1|3|4]; float32 in [0, 1], int32 in
 * [0, 255]), drawn onto `canvas` too when one is given (TensorFlow.js's toPixels).
 */
async function toPixels(img: Tensor, canvas?: CanvasLike): Promise<Uint8ClampedArray> {
  checkImage('toPixels', img);
  const bytes = bytesOf('toPixels', img, await img.data());
  if (canvas) paint('toPixels', bytes, img.shape[1]!, img.shape[0]!, canvas);
  return bytes;
}

/**
 * Draw an image tensor onto a canvas now (TensorFlow.js's draw), on backends that read
 * synchronously (cpu, wasm); elsewhere it throws, naming `await wt.browser.toPixels(img, canvas)`.
 */
function draw(img: Tensor, canvas: CanvasLike): void {
  checkImage('draw', img);
  if (!img.backend.readSync) throw new Error(`draw: the ${img.backend.name} backend reads its buffers asynchronously; use \`await wt.browser.toPixels(img, canvas)\``);
  if (!canvas) throw new Error('draw: expected a canvas to draw on');
  paint('draw', bytesOf('draw', img, img.dataSync()), img.shape[1]!, img.shape[0]!, canvas);
}

/** TensorFlow.js's tf.browser: fromPixels, fromPixelsAsync, toPixels, draw. */
export const browser = {
  /** An int32 [height, width, numChannels] tensor of an image's first numChannels channels (1 to 4, default 3). */
  fromPixels,
  /** fromPixels, as a promise. */
  fromPixelsAsync,
  /** The RGBA bytes of an image tensor, drawn onto a canvas too when one is given. */
  toPixels,
  /** Draw an image tensor onto a canvas now (cpu, wasm). */
  draw,
};
