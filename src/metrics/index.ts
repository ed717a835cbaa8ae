/**
 * Metrics: one-shot functions over whole tensors (scikit-learn's semantics, arguments `(pred, target)`)
 * and streaming metric objects for training loops (Keras-style `update` / `result` / `reset`).
 */
export { accuracy, binaryAccuracy, categoricalAccuracy, topKAccuracy } from "./accuracy.js";
export { precision, recall, f1Score, fbetaScore, prfFromConfusion, type Average, type PrfOptions, type PrfResult } from "./precision-recall.js";
export { confusionMatrix, type ConfusionMatrixOptions } from "./confusion-matrix.js";
export { rocAuc, binaryAuc, type RocAucOptions } from "./roc-auc.js";
export { meanSquaredError, meanAbsoluteError, r2Score, type MultiOutput } from "./regression.js";
export { Metric } from "./metric.js";
export { Mean } from "./mean.js";
export { Accuracy, BinaryAccuracy, CategoricalAccuracy, TopKAccuracy } from "./accuracy-metrics.js";
export { Precision, Recall, F1Score, FBetaScore, ConfusionMatrix, AUC } from "./classification-metrics.js";
export { MeanSquaredError, MeanAbsoluteError, R2Score } from "./regression-metrics.js";
export { getMetric, metricNames } from "./registry.js";
