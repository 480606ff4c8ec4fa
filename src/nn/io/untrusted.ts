/**
 * Model files are untrusted input: a model.json from the internet must not read the user's other
 * files (or hosts) into weights that may later be saved and shared, nor make the engine allocate
 * absurd sizes. These checks run before any weight file is read and before any tensor exists.
 */
import { fmt } from '../../shape.js';
import type { WeightSpec } from './artifacts.js';

/** One manifest group, checked: the files to read in order and the bytes they must hold together. */
export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
  bytes: number;
}

/** Bytes per stored element: 4 for float32 and int32, 1 or 2 when quantized (uint8, uint16, float16). */
export function elementBytes(s: WeightSpec): number {
  const q = s.quantization?.dtype;
  return q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4;
}

/** Bytes a spec's weight takes in the file. */
export function specBytes(s: WeightSpec): number {
  return s.shape.reduce((a, b) => a * b, 1) * elementBytes(s);
}

/**
 * Check one weight spec from a file: a string name, a shape of non-negative safe integers whose
 * size is a safe integer, dtype float32 or int32, and a quantization (if any) as the TensorFlow.js
 * converter writes it: uint8 or uint16 with finite min and scale, or float16. Throws an Error naming `where`.
 */
export function checkWeightSpec(s: unknown, where: string): WeightSpec {
  const spec = s as WeightSpec;
  if (!spec || typeof spec !== 'object' || typeof spec.name !== 'string') throw new Error(`loadModel: ${where} lists a weight without a name`);
  if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new Error(`loadModel: weight ${spec.name} in ${where} has shape ${JSON.stringify(spec.shape)} (expected an array of non-negative integers below 2^53)`);
  }
  if (!Number.isSafeInteger(specBytes(spec))) throw new Error(`loadModel: weight ${spec.name} in ${where} has shape ${fmt(spec.shape)}, which holds more than 2^53 bytes`);
  const q = (spec as { quantization?: unknown }).quantization as WeightSpec['quantization'] | undefined;
  if (q !== undefined && q !== null) {
    if (typeof q !== 'object' || !['uint8', 'uint16', 'float16'].includes(q.dtype)) {
      throw new Error(`loadModel: weight ${spec.name} in ${where} is quantized as ${JSON.stringify((q as { dtype?: unknown } | null)?.dtype)} (expected uint8, uint16 or float16)`);
    }
    if (q.dtype !== 'float16' && (!Number.isFinite(q.min) || !Number.isFinite(q.scale))) {
      throw new Error(`loadModel: weight ${spec.name} in ${where} is quantized as ${q.dtype} without finite min and scale (got min ${String(q.min)}, scale ${String(q.scale)})`);
    }
  }
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') throw new Error(`loadModel: weight ${spec.name} has dtype ${String(spec.dtype)} (expected float32 or int32)`);
  return spec;
}

/** model.json's weightsManifest, checked: each group's paths are strings, each spec is sane. */
export function checkManifest(manifest: unknown, where: string): WeightGroup[] {
  if (manifest === undefined) return [];
  if (!Array.isArray(manifest)) throw new Error(`loadModel: ${where} has a weightsManifest that is not an array`);
  return manifest.map((g: { paths?: unknown; weights?: unknown }, i) => {
    if (!g || !Array.isArray(g.paths) || !Array.isArray(g.weights) || g.paths.some((p) => typeof p !== 'string')) {
      throw new Error(`loadModel: group ${i} of the weightsManifest in ${where} needs paths (strings) and weights (an array)`);
    }
    const weights = g.weights.map((s) => checkWeightSpec(s, where));
    return { paths: g.paths as string[], weights, bytes: weights.reduce((n, s) => n + specBytes(s), 0) };
  });
}

/** Who reads a path, for Errors: the layers / graph-model loader's weights, or an ONNX file's external data. */
export interface PathReader {
  /** The Error prefix ('loadModel', 'onnx'). */
  op: string;
  /** What the path is ('weights path', 'external data path'). */
  what: string;
}

const WEIGHTS: PathReader = { op: 'loadModel', what: 'weights path' };

/** The Error for a weights path that may not be read. */
function refused(p: string, where: string, why: string, r: PathReader = WEIGHTS): Error {
  return new Error(`${r.op}: ${r.what} '${p}' in ${where} is refused: ${why}`);
}

/** A scheme ('http:', 'file:', 'data:') or a Windows drive ('C:') at the start of a path. */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** What every weights path must be, whatever the source: a plain relative path. */
function checkRelative(p: string, where: string, r: PathReader): void {
  if (p === '') throw refused(p, where, 'it is empty', r);
  if (p.includes('\0')) throw refused(p, where, 'it contains a NUL character', r);
  if (SCHEME.test(p)) throw refused(p, where, `it names a scheme or drive; ${r.what}s must be relative to the model's folder`, r);
  if (p.startsWith('/') || p.startsWith('\\')) throw refused(p, where, `it is absolute; ${r.what}s must be relative to the model's folder`, r);
}

type Path = typeof import('node:path');
type Fs = typeof import('node:fs/promises');

/**
 * The file a weights path names, confined to the model's folder `dir`: relative, no `..` escape,
 * and (after following symbolic links) still inside the folder's real path. Throws a clear Error.
 */
export async function confineFile(fs: Fs, path: Path, dir: string, p: string, where: string, r: PathReader = WEIGHTS): Promise<string> {
  checkRelative(p, where, r);
  if (path.isAbsolute(p)) throw refused(p, where, `it is absolute; ${r.what}s must be relative to the model's folder`, r);
  const inside = (root: string, file: string): boolean => {
    const rel = path.relative(root, file);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  };
  const file = path.resolve(dir, p);
  if (!inside(path.resolve(dir), file)) throw refused(p, where, "it leaves the model's folder", r);
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch {
    throw new Error(`${r.op}: ${r.what === WEIGHTS.what ? 'weight file' : 'external data file'} ${p} named in ${where} cannot be read`);
  }
  if (!inside(await fs.realpath(dir), real)) throw refused(p, where, "it is a link to a file outside the model's folder", r);
  return real;
}

/**
 * The URL a weights path names, confined under the model's base URL (the folder of model.json):
 * relative, same origin, no `..` escape, no encoded separators a server might decode.
 */
export function confineUrl(modelUrl: string, p: string, where: string, r: PathReader = WEIGHTS): URL {
  checkRelative(p, where, r);
  if (/%(2f|5c)/i.test(p)) throw refused(p, where, 'it contains an encoded path separator', r);
  const base = new URL('.', modelUrl);
  const url = new URL(p, base);
  if (!isUnder(base, url)) throw refused(p, where, `it leaves the model's base URL ${base.href}`, r);
  return url;
}

/** Whether `url` lies under the folder URL `base` (same origin, path inside). */
export function isUnder(base: URL, url: URL): boolean {
  return url.origin === base.origin && url.pathname.startsWith(base.pathname) && url.pathname !== base.pathname;
}
