/**
 * Fisher's iris flowers (150 rows, 4 measurements in cm, 3 species of 50), from the table shipped in
 * ./iris-data.ts.
 */
import { tensor } from '../ops/creation.js';
import { IRIS_MM } from './iris-data.js';
import type { Tabular } from './synthetic.js';

/** What {@link iris} returns: the measurements, the species, and their names. */
export interface IrisData extends Tabular {
  /** 'setosa', 'versicolor', 'virginica': the name of class i. */
  classNames: string[];
  /** 'sepal length', 'sepal width', 'petal length', 'petal width': the name of column j of x. */
  featureNames: string[];
}

/**
 * The iris set, 50 setosa, then 50 versicolor, then 50 virginica: x float32 [150, 4] (sepal length,
 * sepal width, petal length, petal width in cm), y float32 [150] and labels Int32Array [150] (class
 * 0, 1 or 2), on the active backend. Async like the other datasets; it takes no input.
 */
export async function iris(): Promise<IrisData> {
  const mm = IRIS_MM.trim().split(/\s+/).map(Number);
  const rows = mm.length / 4;
  const x = Float32Array.from(mm, (v) => v / 10);
  const labels = Int32Array.from({ length: rows }, (_, i) => Math.floor(i / 50));
  return {
    x: tensor(x, [rows, 4]),
    y: tensor(Float32Array.from(labels), [rows]),
    labels,
    numClasses: 3,
    classNames: ['setosa', 'versicolor', 'virginica'],
    featureNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
  };
}
