/** Metric names as a compile-like configuration writes them (`metrics: ["accuracy", "f1"]`). */
import { ValueError } from "../errors.js";
import { Accuracy, BinaryAccuracy, CategoricalAccuracy, TopKAccuracy } from "./accuracy-metrics.js";
import { AUC, F1Score, Precision, Recall } from "./classification-metrics.js";
import { Metric } from "./metric.js";
import { MeanAbsoluteError, MeanSquaredError, R2Score } from "./regression-metrics.js";

const FACTORIES: Record<string, () => Metric> = {
  accuracy: () => new Accuracy(),
  acc: () => new Accuracy(),
  binaryAccuracy: () => new BinaryAccuracy(),
  categoricalAccuracy: () => new CategoricalAccuracy(),
  topKAccuracy: () => new TopKAccuracy(),
  precision: () => new Precision(),
  recall: () => new Recall(),
  f1: () => new F1Score(),
  auc: () => new AUC(),
  mse: () => new MeanSquaredError(),
  meanSquaredError: () => new MeanSquaredError({ name: "meanSquaredError" }),
  mae: () => new MeanAbsoluteError(),
  meanAbsoluteError: () => new MeanAbsoluteError({ name: "meanAbsoluteError" }),
  r2: () => new R2Score(),
};

/** The names {@link getMetric} knows. */
export const metricNames = (): string[] => Object.keys(FACTORIES);

/**
 * A fresh streaming metric for a name, or the metric itself when given one. Precision, recall and F1 by
 * name use average "binary"; for multiclass data pass an object, e.g. `new F1Score({ average: "macro" })`.
 * ```ts
 * const m = getMetric("accuracy");
 * m.update(tensor([[0.9, 0.1]]), tensor([0], { dtype: "int32" }));
 * console.log(m.name, m.result()); // accuracy 1
 * ```
 */
export function getMetric(spec: string | Metric): Metric {
  if (spec instanceof Metric) return spec;
  const make = Object.hasOwn(FACTORIES, spec) ? FACTORIES[spec] : undefined;
  if (!make) throw new ValueError(`getMetric: unknown metric "${spec}". Known names: ${metricNames().join(", ")}; or pass a Metric object.`);
  return make();
}
