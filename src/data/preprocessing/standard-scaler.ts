/**
 * StandardScaler: `z = (x − mean) / std` per feature, as scikit-learn's (population std, ddof = 0; NaNs are
 * ignored when fitting and kept when transforming; a constant feature gets scale 1, not a division by 0).
 *
 * ```ts
 * const scaler = new StandardScaler();
 * const z = scaler.fitTransform(tensor([[0, 10], [2, 30]])); // [[-1, -1], [1, 1]]
 * scaler.mean;                                                // [1, 20]
 * StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler))).transform(tensor([[1, 20]])); // [[0, 0]]
 * ```
 */
import { div, mul, add, sub } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor.js";
import { asFloat, checkFitted, checkJsonType, checkMatrix, columnsOf, jsonNumbers, numberArray, rowLike } from "./feature-matrix.js";

/** Per-feature mean and population variance of the non-NaN entries (`nSamples` counts them). */
export function nanMeanVar(cols: readonly Float64Array[]): { mean: number[]; variance: number[]; counts: number[] } {
  const mean: number[] = [], variance: number[] = [], counts: number[] = [];
  for (const c of cols) {
    let s = 0, k = 0;
    for (const v of c) if (!Number.isNaN(v)) { s += v; k++; }
    const m = k ? s / k : NaN;
    let ss = 0;
    for (const v of c) if (!Number.isNaN(v)) ss += (v - m) * (v - m);
    mean.push(m);
    variance.push(k ? ss / k : NaN);
    counts.push(k);
  }
  return { mean, variance, counts };
}

/**
 * scikit-learn's scale from a variance: `sqrt(var)`, or 1 where the feature is constant up to rounding
 * (`var ≤ n·ε·var + (n·mean·ε)²`, its `_is_constant_feature`).
 */
export function scaleFromVariance(variance: readonly number[], mean: readonly number[], counts: readonly number[]): number[] {
  const eps = 2.220446049250313e-16;
  return variance.map((v, j) => {
    const n = counts[j]!;
    const bound = n * eps * v + (n * mean[j]! * eps) ** 2;
    return v <= bound || !Number.isFinite(v) ? 1 : Math.sqrt(v);
  });
}

export interface StandardScalerJSON {
  type: "StandardScaler";
  withMean: boolean;
  withStd: boolean;
  mean: (number | null)[];
  var: (number | null)[];
  scale: (number | null)[];
  nSamplesSeen: number[];
}

export class StandardScaler {
  readonly withMean: boolean;
  readonly withStd: boolean;
  /** Per-feature mean (after fit). */
  mean: number[] = [];
  /** Per-feature population variance (after fit). */
  var: number[] = [];
  /** Per-feature divisor: sqrt(var), or 1 for constant features (after fit). */
  scale: number[] = [];
  /** Non-NaN samples seen per feature. */
  nSamplesSeen: number[] = [];

  constructor({ withMean = true, withStd = true }: { withMean?: boolean; withStd?: boolean } = {}) {
    this.withMean = withMean;
    this.withStd = withStd;
  }

  get fitted(): boolean {
    return this.scale.length > 0;
  }

  get nFeaturesIn(): number {
    return this.scale.length;
  }

  /** Learns each feature's mean and standard deviation from `x` `[N, F]`. */
  fit(x: Tensor): this {
    checkMatrix("StandardScaler.fit", x);
    const { mean, variance, counts } = nanMeanVar(columnsOf(x));
    this.mean = mean;
    this.var = variance;
    this.nSamplesSeen = counts;
    this.scale = scaleFromVariance(variance, mean, counts);
    return this;
  }

  /** `(x − mean) / scale` (each part only if withMean / withStd). */
  transform(x: Tensor): Tensor {
    checkFitted("StandardScaler", "transform", this.fitted);
    checkMatrix("StandardScaler.transform", x, this.nFeaturesIn);
    let z = asFloat(x);
    if (this.withMean) z = sub(z, rowLike(z, this.mean));
    if (this.withStd) z = div(z, rowLike(z, this.scale));
    return z;
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** `z · scale + mean`: back to the original units. */
  inverseTransform(z: Tensor): Tensor {
    checkFitted("StandardScaler", "inverseTransform", this.fitted);
    checkMatrix("StandardScaler.inverseTransform", z, this.nFeaturesIn);
    let x = asFloat(z);
    if (this.withStd) x = mul(x, rowLike(x, this.scale));
    if (this.withMean) x = add(x, rowLike(x, this.mean));
    return x;
  }

  toJSON(): StandardScalerJSON {
    return {
      type: "StandardScaler", withMean: this.withMean, withStd: this.withStd,
      mean: jsonNumbers(this.mean), var: jsonNumbers(this.var), scale: jsonNumbers(this.scale), nSamplesSeen: [...this.nSamplesSeen],
    };
  }

  static fromJSON(json: unknown): StandardScaler {
    const o = checkJsonType("StandardScaler", json);
    const s = new StandardScaler({ withMean: o.withMean !== false, withStd: o.withStd !== false });
    s.scale = numberArray("StandardScaler", o, "scale");
    s.mean = numberArray("StandardScaler", o, "mean", s.scale.length);
    s.var = numberArray("StandardScaler", o, "var", s.scale.length);
    s.nSamplesSeen = numberArray("StandardScaler", o, "nSamplesSeen", s.scale.length);
    return s;
  }
}
