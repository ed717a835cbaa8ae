/**
 * MLPClassifier: scikit-learn's multi-layer perceptron classifier with the same options, defaults, fitting
 * rules and attributes (camelCase). Labels may be numbers or strings; `classes` holds them sorted, as
 * scikit-learn's LabelBinarizer does. Two classes train one logistic output; more train a softmax layer.
 */
import { ShapeError, ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { Tensor } from "../tensor.js";
import { BaseMLP, type MLPJSON } from "./base-estimator.js";
import type { Matrix } from "./inputs.js";
import { toMatrix } from "./inputs.js";
import type { MLPOutActivation } from "./mlp-math.js";
import type { MLPOptions } from "./mlp-options.js";

/** Sorted distinct labels: numbers ascending, strings by code point (NumPy's `unique`). */
function sortedClasses<L extends number | string>(op: string, labels: readonly L[]): L[] {
  const uniq = [...new Set(labels)];
  const nums = uniq.filter((v) => typeof v === "number").length;
  if (nums !== 0 && nums !== uniq.length) throw new ValueError(`${op}: y mixes numbers and strings (${JSON.stringify(uniq.slice(0, 4))}); use one type of label.`);
  if (uniq.some((v) => typeof v === "number" && !Number.isFinite(v))) throw new ValueError(`${op}: y contains ${uniq.find((v) => typeof v === "number" && !Number.isFinite(v))}; labels must be finite.`);
  return nums ? (uniq as number[]).sort((a, b) => a - b) as L[] : (uniq as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) as L[];
}

/**
 * Multi-layer perceptron classifier (scikit-learn's `MLPClassifier`): log-loss with an L2 penalty, trained by
 * Adam (default), SGD or L-BFGS. See docs/estimators.md for every option.
 * ```ts
 * const { x, y } = data.loadIris();
 * const clf = new MLPClassifier({ hiddenLayerSizes: [10], solver: "lbfgs", randomState: 0 });
 * clf.fit(x, y).score(x, y); // ≈ 0.98
 * clf.predict([[5.1, 3.5, 1.4, 0.2]]); // [0]
 * clf.predictProba([[5.1, 3.5, 1.4, 0.2]]).shape; // [1, 3]
 * ```
 */
export class MLPClassifier<Label extends number | string = number> extends BaseMLP {
  protected readonly estimatorName = "MLPClassifier";
  /** The class labels, sorted (scikit-learn's `classes_`). Empty before fit. */
  classes: Label[] = [];

  constructor(options: Partial<MLPOptions> = {}) {
    super("MLPClassifier", options);
  }

  protected outActivationFor(nOutputs: number): MLPOutActivation {
    return nOutputs === 1 ? "logistic" : "softmax";
  }

  /** Labels from a tensor or an array; a column `[N, 1]` is accepted, a label matrix is not (no multilabel). */
  #labels(op: string, y: Tensor | readonly Label[], n: number): Label[] {
    let labels: Label[];
    if (y instanceof Tensor) {
      if (!(y.ndim === 1 || (y.ndim === 2 && y.shape[1] === 1))) {
        throw new ShapeError(`${op}: y must be 1-D [samples] (one label per sample), got shape [${y.shape}]. Multilabel targets are not supported; train one classifier per label.`);
      }
      labels = y.toFlatArray() as Label[];
    } else {
      if (!Array.isArray(y)) throw new ValueError(`${op}: y must be a Tensor or an array of labels, got ${typeof y}.`);
      if (y.some((v) => Array.isArray(v))) throw new ShapeError(`${op}: y must be a flat array of labels; multilabel targets are not supported.`);
      labels = [...y];
    }
    if (labels.length !== n) throw new ShapeError(`${op}: X has ${n} samples but y has ${labels.length}; they must match.`);
    labels.forEach((v, i) => {
      if (typeof v !== "number" && typeof v !== "string") throw new ValueError(`${op}: labels must be numbers or strings; y[${i}] is ${JSON.stringify(v)}.`);
    });
    return labels;
  }

  /** Class ids of `labels` in `classes`; throws for a label the classifier does not know. */
  #classIds(op: string, labels: readonly Label[]): number[] {
    const index = new Map<Label, number>(this.classes.map((c, i) => [c, i]));
    return labels.map((l) => {
      const k = index.get(l);
      if (k === undefined) throw new ValueError(`${op}: y has the label ${JSON.stringify(l)}, which is not among the classes ${JSON.stringify(this.classes)}.`);
      return k;
    });
  }

  /** One-hot targets `[N, K]`, or one 0/1 column for two classes (LabelBinarizer). */
  #encode(ids: readonly number[]): Tensor {
    const k = this.classes.length;
    const cols = k === 2 ? 1 : k;
    const out = new Float64Array(ids.length * cols);
    ids.forEach((c, i) => {
      if (cols === 1) out[i] = c;
      else out[i * cols + c] = 1;
    });
    return tensor(out, { shape: [ids.length, cols] });
  }

  #setClasses(op: string, classes: Label[]): void {
    if (classes.length < 2) {
      throw new ValueError(`${op}: y has ${classes.length} class${classes.length === 1 ? ` (${JSON.stringify(classes[0])})` : "es"}; a classifier needs at least 2.`);
    }
    this.classes = classes;
  }

  /**
   * Trains on `X` `[N, F]` and labels `y` (numbers or strings, one per sample). Starts from fresh weights
   * unless `warmStart` is set and the classifier is fitted. Returns `this`.
   */
  fit(X: Matrix, y: Tensor | readonly Label[]): this {
    const op = "MLPClassifier.fit";
    const x = toMatrix(op, X);
    const labels = this.#labels(op, y, x.shape[0]!);
    const classes = sortedClasses(op, labels);
    if (this.isFirstPass(false)) this.#setClasses(op, classes);
    else if (classes.length !== this.classes.length || classes.some((c) => !this.classes.includes(c))) {
      throw new ValueError(`${op}: warmStart can only be used where y has the same classes as in the previous fit. Previously got ${JSON.stringify(this.classes)}, y has ${JSON.stringify(classes)}.`);
    }
    const ids = this.#classIds(op, labels);
    this.fitEncoded("fit", x, this.#encode(ids), false, ids);
    return this;
  }

  /**
   * One epoch of sgd/adam over `X`, `y`, continuing from the current weights and optimizer state. The first
   * call must list every class (`classes`), since a batch may not show them all.
   */
  partialFit(X: Matrix, y: Tensor | readonly Label[], classes?: readonly Label[]): this {
    const op = "MLPClassifier.partialFit";
    if (this.options.solver === "lbfgs") {
      throw new ValueError(`${op}: partialFit is only available for the stochastic solvers ("sgd", "adam"); "lbfgs" is not stochastic.`);
    }
    if (classes !== undefined) {
      const sorted = sortedClasses(op, [...classes]);
      if (this.classes.length === 0) this.#setClasses(op, sorted);
      else if (sorted.length !== this.classes.length || sorted.some((c, i) => c !== this.classes[i])) {
        throw new ValueError(`${op}: classes=${JSON.stringify(sorted)} is not the same as on the last call to partialFit, was ${JSON.stringify(this.classes)}.`);
      }
    } else if (this.classes.length === 0) {
      throw new ValueError(`${op}: classes must be passed on the first call to partialFit, e.g. clf.partialFit(x, y, [0, 1, 2]).`);
    }
    const x = toMatrix(op, X, this.isFitted ? this.nFeaturesIn : undefined);
    const ids = this.#classIds(op, this.#labels(op, y, x.shape[0]!));
    this.fitEncoded("partialFit", x, this.#encode(ids), true, null);
    return this;
  }

  /** Class ids from outputs: argmax of the softmax rows, or `p > 0.5` for one logistic column. */
  #argmax(out: Tensor): number[] {
    const [n, k] = out.shape as [number, number];
    const p = out.dataSync();
    return Array.from({ length: n }, (_, i) => {
      if (k === 1) return p[i]! > 0.5 ? 1 : 0;
      let best = 0;
      for (let j = 1; j < k; j++) if (p[i * k + j]! > p[i * k + best]!) best = j;
      return best;
    });
  }

  /** The predicted label of each row of `X`. */
  predict(X: Matrix): Label[] {
    return this.#argmax(this.output("predict", X)).map((k) => this.classes[k]!);
  }

  /**
   * Class probabilities `[N, nClasses]` (float64), columns in the order of `classes`: the softmax outputs,
   * or `[1 − p, p]` for two classes.
   */
  predictProba(X: Matrix): Tensor {
    const out = this.output("predictProba", X);
    if (out.shape[1] !== 1) return out;
    const p = out.dataSync();
    const both = new Float64Array(p.length * 2);
    p.forEach((v, i) => {
      both[2 * i] = 1 - v;
      both[2 * i + 1] = v;
    });
    return tensor(both, { shape: [p.length, 2] });
  }

  /** `log(predictProba(X))`. */
  predictLogProba(X: Matrix): Tensor {
    return this.predictProba(X).log();
  }

  /** Mean accuracy of `predict(X)` against `y`. */
  score(X: Matrix, y: Tensor | readonly Label[]): number {
    const pred = this.predict(X);
    const labels = this.#labels("MLPClassifier.score", y, pred.length);
    return pred.reduce((s, p, i) => s + (p === labels[i] ? 1 : 0), 0) / pred.length;
  }

  protected encodedScore(x: Tensor, y: Tensor): number {
    const pred = this.#argmax(this.output("fit", x));
    const truth = this.#argmax(y);
    return pred.reduce((s, p, i) => s + (p === truth[i] ? 1 : 0), 0) / pred.length;
  }

  /** A new, unfitted classifier with the same options (scikit-learn's `clone`). */
  clone(): MLPClassifier<Label> {
    return new MLPClassifier<Label>(this.getParams());
  }

  /** Options, weights, classes and training state as JSON (`MLPClassifier.fromJSON` reads it back). */
  toJSON(): MLPJSON {
    return { ...this.baseJSON("nabla.MLPClassifier"), classes: [...this.classes] };
  }

  /**
   * A classifier from `toJSON()` output, or from scikit-learn's fitted `coefs_`, `intercepts_` and `classes_`.
   * ```ts
   * const copy = MLPClassifier.fromJSON(JSON.parse(JSON.stringify(clf)));
   * ```
   */
  static fromJSON<L extends number | string = number>(json: MLPJSON): MLPClassifier<L> {
    const clf = new MLPClassifier<L>();
    clf.loadBaseJSON(json, "nabla.MLPClassifier");
    const op = "MLPClassifier.fromJSON";
    if (!Array.isArray(json.classes)) throw new ValueError(`${op}: classes (the sorted labels) are required.`);
    const classes = sortedClasses(op, json.classes as L[]);
    if (classes.length !== json.classes.length || classes.some((c, i) => c !== json.classes![i])) {
      throw new ValueError(`${op}: classes must be distinct and sorted, got ${JSON.stringify(json.classes)}.`);
    }
    clf.#setClasses(op, classes);
    const want = classes.length === 2 ? 1 : classes.length;
    if (clf.nOutputs !== want) throw new ValueError(`${op}: ${classes.length} classes need ${want} output unit${want === 1 ? "" : "s"}, but the last layer has ${clf.nOutputs}.`);
    return clf;
  }
}
