/**
 * TF.js's tf.io.browserFiles: load a model from File objects a user picked in a page (model.json
 * and its weight shards). Each weights path of the manifest must name one of the picked files (by
 * its base name, as a folder's files are picked flat), and each group's bytes must be what its
 * entries declare, before any file is read.
 */
import type { IOHandler } from './handlers.js';
import { checkManifest } from './untrusted.js';

/** The parts of a File this handler reads (File and Blob have them, in browsers and Node). */
export interface PickedFile {
  /** The file's name. */
  name: string;
  /** Its length in bytes. */
  size: number;
  /** Its bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
  /** Its text. */
  text(): Promise<string>;
}

/** An IOHandler over picked files: one .json file (model.json) and the weight files it names. */
export function browserFiles(files: readonly PickedFile[]): IOHandler {
  if (!Array.isArray(files) || files.length === 0) throw new Error('browserFiles: expected a non-empty array of Files (model.json and its weight files)');
  const jsons = files.filter((f) => f.name.endsWith('.json'));
  if (jsons.length !== 1) throw new Error(`browserFiles: expected exactly one .json file among the picked files, got ${jsons.length} (${files.map((f) => f.name).join(', ')})`);
  return {
    async load() {
      const file = jsons[0]!;
      let j: { modelTopology?: Record<string, unknown>; weightsManifest?: unknown; format?: string; generatedBy?: string; convertedBy?: string | null; signature?: unknown };
      try {
        j = JSON.parse(await file.text());
      } catch (e) {
        throw new Error(`browserFiles: ${file.name} is not valid JSON (${(e as Error).message})`);
      }
      if (!j || typeof j !== 'object' || !j.modelTopology) throw new Error(`browserFiles: ${file.name} has no modelTopology; is it a TF.js model.json?`);
      const groups = checkManifest(j.weightsManifest, file.name);
      const byName = new Map(files.map((f) => [f.name, f]));
      const picked = groups.map((g) => {
        const parts = g.paths.map((p) => {
          const base = p.split('/').pop() ?? p;
          const f = byName.get(base);
          if (!f) throw new Error(`browserFiles: ${file.name} names weights file '${p}', which was not picked (picked: ${files.map((x) => x.name).join(', ')})`);
          return f;
        });
        const bytes = parts.reduce((n, f) => n + f.size, 0);
        if (bytes !== g.bytes) throw new Error(`browserFiles: the weight files ${g.paths.join(', ')} hold ${bytes} bytes, but their manifest entries declare ${g.bytes}`);
        return parts;
      });
      const weightData: ArrayBuffer[] = [];
      for (const f of picked.flat()) weightData.push(await f.arrayBuffer());
      return { modelTopology: j.modelTopology, format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy, signature: j.signature, weightSpecs: groups.flatMap((g) => g.weights), weightData };
    },
  };
}
