/**
 * Serves the 10,000 MNIST digits the package ships (data/*.gz, two gzipped IDX files of 1.6 MB
 * together) to the demo pages under data/, the same files the library reads in Node. They are
 * written from the `mnist` devDependency by scripts/gen-mnist.mjs (run here when missing), so no
 * data file is committed and nothing is downloaded at run time.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { ensureMnist, MNIST_FILES as files } from '../../scripts/gen-mnist.mjs';

export function mnistAsset(): Plugin {
  const bytes = new Map<string, Uint8Array>();
  const get = (name: string): Uint8Array => {
    let b = bytes.get(name);
    if (!b) {
      const paths = ensureMnist();
      for (const k of ['images', 'labels'] as const) bytes.set(files[k], readFileSync(paths[k]));
      b = bytes.get(name)!;
    }
    return b;
  };
  return {
    name: 'wt-mnist-asset',
    configureServer(server) {
      for (const name of Object.values(files)) {
        server.middlewares.use(`/data/${name}`, (_req, res) => {
          // Sent as the gzip bytes they are (no Content-Encoding): the loader gunzips them itself.
          res.setHeader('Content-Type', 'application/octet-stream');
          res.end(Buffer.from(get(name)));
        });
      }
    },
    generateBundle() {
      for (const name of Object.values(files)) this.emitFile({ type: 'asset', fileName: `data/${name}`, source: get(name) });
    },
  };
}
