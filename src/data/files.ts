/**
 * Reading data files in Node. `node:fs` and `node:zlib` are imported only when a file is read, so a
 * browser bundle of the library never pulls them in; gzip is recognised by its magic bytes.
 */

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The bytes of `path`, gunzipped when the file is gzip. Errors name the op and the file. */
export async function readBytes(op: string, path: string): Promise<Uint8Array> {
  if (typeof path !== 'string' || path.length === 0) throw new Error(`${op}: expected a file path, got ${String(path)}`);
  if (!isNode()) {
    throw new Error(`${op}: reading '${path}' needs Node's file system; in a browser, fetch the bytes and use the parse functions`);
  }
  const { readFile } = await import('node:fs/promises');
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (e) {
    throw new Error(`${op}: cannot read '${path}': ${(e as Error).message}`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    const { gunzip } = await import('node:zlib');
    return new Promise((resolve, reject) => {
      gunzip(raw, (err, out) => {
        if (err) reject(new Error(`${op}: '${path}' looks gzipped but does not decompress: ${err.message}`));
        else resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      });
    });
  }
  return raw;
}

/**
 * `bytes` gunzipped when they start with gzip's magic number, else as they are. Uses the
 * DecompressionStream of browsers, Deno and Node 18+; a damaged stream rejects with an Error naming `where`.
 */
export async function gunzipIfNeeded(op: string, bytes: Uint8Array, where: string): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${op}: '${where}' looks gzipped but does not decompress: ${(e as Error).message}`);
  }
}

/** The names in a directory (Node only). */
export async function listDir(op: string, dir: string): Promise<string[]> {
  if (typeof dir !== 'string' || dir.length === 0) throw new Error(`${op}: expected a directory path, got ${String(dir)}`);
  if (!isNode()) throw new Error(`${op}: listing '${dir}' needs Node's file system`);
  const { readdir } = await import('node:fs/promises');
  try {
    return await readdir(dir);
  } catch (e) {
    throw new Error(`${op}: cannot read directory '${dir}': ${(e as Error).message}`);
  }
}

export async function joinPath(dir: string, name: string): Promise<string> {
  const { join } = await import('node:path');
  return join(dir, name);
}
