/**
 * MinMaxScaler: maps each feature's `[min, max]` onto `featureRange` (default `[0, 1]`), as scikit-learn's:
 * `scale = (b − a) / (max − min)` (a constant feature gets range 1), `x' = x · scale + (a − min · scale)`.
 * NaNs are ignored when fitting and kept when transforming; `clip` clamps new data into the range.
 *
 * ```ts
 * const s = new MinMaxScaler();
 * s.fitTransform(tensor([[1, -1], [3, 1]])); // [[0, 0], [1, 1]]
 * s.inverseTransform(tensor([[0.5, 0.5]]));  // [[2, 0]]
 * ```
 */
import { ValueError } from "../../errors.js";
import { add, clamp, div, mul, sub } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor.js";
import { asFloat, checkFitted, checkJsonType, checkMatrix, columnsOf, jsonNumbers, numberArray, rowLike } from "./feature-matrix.js";

export interface MinMaxScalerJSON {
  type: "MinMaxScaler";
  featureRange: [number, number];
  clip: boolean;
  dataMin: (number | null)[];
  dataMax: (number | null)[];
  scale: (number | null)[];
  min: (number | null)[];
}

export class MinMaxScaler {
  readonly featureRange: [number, number];
  readonly clip: boolean;
  dataMin: number[] = [];
  dataMax: number[] = [];
  /** Per-feature multiplier `(b − a) / range`. */
  scale: number[] = [];
  /** Per-feature offset `a − dataMin · scale`. */
  min: number[] = [];

  constructor({ featureRange = [0, 1], clip = false }: { featureRange?: [number, number]; clip?: boolean } = {}) {
    if (!(featureRange[0] < featureRange[1])) {
      throw new ValueError(`MinMaxScaler: featureRange must satisfy min < max, got [${featureRange}].`);
    }
    this.featureRange = [featureRange[0], featureRange[1]];
    this.clip = clip;
  }

  get fitted(): boolean {
    return this.scale.length > 0;
  }

  get nFeaturesIn(): number {
    return this.scale.length;
  }

  fit(x: Tensor): this {
    checkMatrix("MinMaxScaler.fit", x);
    const [a, b] = this.featureRange;
    const cols = columnsOf(x);
    this.dataMin = cols.map((c) => c.reduce((m, v) => (Number.isNaN(v) ? m : Math.min(m, v)), Infinity)).map((v) => (v === Infinity ? NaN : v));
    this.dataMax = cols.map((c) => c.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, v)), -Infinity)).map((v) => (v === -Infinity ? NaN : v));
    // scikit-learn's _handle_zeros_in_scale: a range below 10·ε counts as constant and becomes 1.
    const range = this.dataMax.map((mx, j) => {
      const r = mx - this.dataMin[j]!;
      return r < 10 * 2.220446049250313e-16 ? 1 : r;
    });
    this.scale = range.map((r) => (b - a) / r);
    this.min = this.dataMin.map((m, j) => a - m * this.scale[j]!);
    return this;
  }

  transform(x: Tensor): Tensor {
    checkFitted("MinMaxScaler", "transform", this.fitted);
    checkMatrix("MinMaxScaler.transform", x, this.nFeaturesIn);
    const f = asFloat(x);
    const y = add(mul(f, rowLike(f, this.scale)), rowLike(f, this.min));
    return this.clip ? clamp(y, this.featureRange[0], this.featureRange[1]) : y;
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** `(x' − min) / scale`. */
  inverseTransform(y: Tensor): Tensor {
    checkFitted("MinMaxScaler", "inverseTransform", this.fitted);
    checkMatrix("MinMaxScaler.inverseTransform", y, this.nFeaturesIn);
    const f = asFloat(y);
    return div(sub(f, rowLike(f, this.min)), rowLike(f, this.scale));
  }

  toJSON(): MinMaxScalerJSON {
    return {
      type: "MinMaxScaler", featureRange: [...this.featureRange], clip: this.clip,
      dataMin: jsonNumbers(this.dataMin), dataMax: jsonNumbers(this.dataMax), scale: jsonNumbers(this.scale), min: jsonNumbers(this.min),
    };
  }

  static fromJSON(json: unknown): MinMaxScaler {
    const o = checkJsonType("MinMaxScaler", json);
    const range = numberArray("MinMaxScaler", o, "featureRange", 2);
    const s = new MinMaxScaler({ featureRange: [range[0]!, range[1]!], clip: o.clip === true });
    s.scale = numberArray("MinMaxScaler", o, "scale");
    s.min = numberArray("MinMaxScaler", o, "min", s.scale.length);
    s.dataMin = numberArray("MinMaxScaler", o, "dataMin", s.scale.length);
    s.dataMax = numberArray("MinMaxScaler", o, "dataMax", s.scale.length);
    return s;
  }
}
