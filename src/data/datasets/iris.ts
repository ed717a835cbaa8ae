/**
 * The iris table (Fisher, 1936), as scikit-learn ships it: 150 flowers × 4 measurements in cm, 3 species
 * (50 each, in order). Embedded in the package; licence and source in ../assets/LICENSE-DATA.md.
 *
 * ```ts
 * const { x, y, featureNames, targetNames } = loadIris();
 * x.shape;        // [150, 4]
 * targetNames;    // ["setosa", "versicolor", "virginica"]
 * ```
 */
import { tensor } from "../../ops/creation.js";
import type { Tensor } from "../../tensor.js";
import { IRIS_B64, IRIS_DESCRIPTION } from "../assets/iris-data.js";
import { decodeBase64 } from "./decode-base64.js";

/** A real table: features `x` float32 `[N, F]`, int32 class ids `y`, and names. */
export interface TableDataset {
  x: Tensor;
  y: Tensor;
  featureNames: string[];
  targetNames: string[];
  /** scikit-learn's description of the table, with its references. */
  description: string;
}

/** Loads iris: x float32 [150, 4] (cm), y int32 [150] in 0..2. */
export function loadIris(): TableDataset {
  const bytes = decodeBase64(IRIS_B64);
  const n = 150, f = 4;
  const x = new Float32Array(n * f);
  for (let i = 0; i < n * f; i++) x[i] = bytes[i]! / 10; // stored as tenths of a cm
  const y = Int32Array.from(bytes.subarray(n * f, n * f + n));
  return {
    x: tensor(x, { shape: [n, f] }),
    y: tensor(y),
    featureNames: ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"],
    targetNames: ["setosa", "versicolor", "virginica"],
    description: IRIS_DESCRIPTION,
  };
}
