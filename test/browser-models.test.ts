/**
 * The models page in Chromium: the user picks nsfwjs's quantized MobileNet-v2 (model.json and its
 * shard, fetched by scripts/fetch-models.mjs) and a PNG; the page loads it through wt.browserFiles,
 * resizes the image and lists class scores that match what the library computes in Node for the same
 * pixels. Under CI=true a missing browser fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as wt from '../src/index.js';
import { BROWSER_TESTS_ENABLED, browserSession, CHROMIUM, screenshot } from './browser/harness.js';

if (!BROWSER_TESTS_ENABLED) console.warn(`browser tests: no Chromium at ${CHROMIUM}; nothing to test outside CI`);

const MODEL = join(import.meta.dirname, '..', '.models', 'nsfw-mobilenet-v2');

beforeAll(() => {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'fetch-models.mjs')], { stdio: 'ignore' });
}, 120_000);

/** A 96x80 PNG of smooth colour gradients (lossless, so page and Node see the same pixels). */
function makePng(): { file: string; rgba: Uint8Array; width: number; height: number } {
  const width = 96, height = 80;
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data[i] = (x * 255) / (width - 1);
      png.data[i + 1] = (y * 255) / (height - 1);
      png.data[i + 2] = 128 + 100 * Math.sin(x / 7 + y / 9);
      png.data[i + 3] = 255;
    }
  }
  const file = join(mkdtempSync(join(tmpdir(), 'wt-models-')), 'gradient.png');
  writeFileSync(file, PNG.sync.write(png));
  const back = PNG.sync.read(PNG.sync.write(png));
  return { file, rgba: new Uint8Array(back.data), width, height };
}

describe.runIf(BROWSER_TESTS_ENABLED)('the models page in Chromium', () => {
  const session = browserSession([]);

  it('runs a picked pretrained classifier on a picked image, with the scores the library gives in Node', async () => {
    const page = session.browser!.page;
    await page.goto(`${session.server!.url}/models.html`);
    await page.waitForFunction(() => !(document.getElementById('run-btn') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    const img = makePng();
    await page.setInputFiles('#model-files', [join(MODEL, 'model.json'), join(MODEL, 'group1-shard1of1.bin')]);
    await page.setInputFiles('#image-file', img.file);
    await page.selectOption('#backend', 'wasm');
    await page.click('#run-btn');
    await page.waitForFunction(() => ['done', 'error'].includes(window.wtModels?.state ?? ''), null, { timeout: 120_000 });
    const st = (await page.evaluate(() => window.wtModels))!;
    if (st.state !== 'done') session.fail(`the page failed: ${st.error}`);
    expect(st.outputShape).toEqual([1, 5]);

    await wt.setBackend('cpu');
    const m = await wt.loadLayersModel(`file://${join(MODEL, 'model.json')}`);
    const want = wt.tidy(() => {
      const x = wt.slice(wt.tensor(Float32Array.from(img.rgba), [1, img.height, img.width, 4]), [0, 0, 0, 0], [1, img.height, img.width, 3]);
      return m.predict(wt.image.resizeBilinear(x, [224, 224], false, true).mul(1 / 255)) as wt.Tensor;
    });
    const w = await want.data();
    want.dispose();
    m.dispose();
    expect(st.scores!.length).toBe(5);
    st.scores!.forEach((v, i) => expect(Math.abs(v - w[i]!)).toBeLessThan(1e-4));
    expect(await page.locator('#scores .score').count()).toBe(5);
    await screenshot(page, 'models-page');
  }, 240_000);
});

declare global {
  interface Window {
    wtModels?: { state: string; error?: string; scores?: number[]; outputShape?: number[] };
  }
}
