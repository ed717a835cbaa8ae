/** Built-in datasets: synthetic 2-D sets and the embedded real tables. */
export {
  makeMoons, makeCircles, makeXor, makeSpirals, makeGaussians, makeRegressionPlane, makeMoonsW4, mulberry32,
  type SyntheticOptions, type LabeledPoints,
} from "./synthetic.js";
export { loadIris, type TableDataset } from "./iris.js";
export { loadDigits } from "./digits.js";
