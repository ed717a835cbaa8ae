/**
 * LabelEncoder: class labels (numbers or strings) ↔ int32 ids `0..K−1`, as scikit-learn's. `classes` is
 * sorted, so `"setosa" < "versicolor" < "virginica"` map to 0, 1, 2.
 *
 * ```ts
 * const enc = new LabelEncoder().fit(["b", "a", "c", "a"]);
 * enc.classes;                                   // ["a", "b", "c"]
 * enc.transform(["c", "a"]).toArray();           // [2, 0]
 * enc.inverseTransform(tensor([1, 0], { dtype: "int32" })); // ["b", "a"]
 * ```
 */
import { ValueError } from "../../errors.js";
import { tensor } from "../../ops/creation.js";
import type { Tensor } from "../../tensor.js";
import { categoryList, indexMap, uniqueSorted, type Category } from "./categories.js";
import { checkFitted, checkJsonType } from "./feature-matrix.js";

export interface LabelEncoderJSON {
  type: "LabelEncoder";
  classes: Category[];
}

export class LabelEncoder {
  /** The sorted distinct labels seen by fit; label `classes[k]` encodes as k. */
  classes: Category[] = [];
  private index = new Map<Category, number>();

  get fitted(): boolean {
    return this.classes.length > 0;
  }

  fit(y: Tensor | readonly Category[]): this {
    const labels = categoryList("LabelEncoder.fit", y);
    if (labels.length === 0) throw new ValueError("LabelEncoder.fit: y is empty.");
    this.classes = uniqueSorted("LabelEncoder.fit", labels);
    this.index = indexMap(this.classes);
    return this;
  }

  /** Labels → int32 ids; an unseen label is an error that names it. */
  transform(y: Tensor | readonly Category[]): Tensor {
    checkFitted("LabelEncoder", "transform", this.fitted);
    const labels = categoryList("LabelEncoder.transform", y);
    const out = new Int32Array(labels.length);
    labels.forEach((l, i) => {
      const k = this.index.get(l);
      if (k === undefined) {
        throw new ValueError(
          `LabelEncoder.transform: label ${JSON.stringify(l)} (position ${i}) was not seen by fit; known classes: ` +
            `${JSON.stringify(this.classes.slice(0, 20))}${this.classes.length > 20 ? "..." : ""}.`,
        );
      }
      out[i] = k;
    });
    return tensor(out);
  }

  fitTransform(y: Tensor | readonly Category[]): Tensor {
    return this.fit(y).transform(y);
  }

  /** int32 ids → the original labels. */
  inverseTransform(ids: Tensor | readonly number[]): Category[] {
    checkFitted("LabelEncoder", "inverseTransform", this.fitted);
    const list = categoryList("LabelEncoder.inverseTransform", ids);
    return list.map((k, i) => {
      if (typeof k !== "number" || !Number.isInteger(k) || k < 0 || k >= this.classes.length) {
        throw new ValueError(`LabelEncoder.inverseTransform: id ${k} (position ${i}) is not in 0..${this.classes.length - 1}.`);
      }
      return this.classes[k]!;
    });
  }

  toJSON(): LabelEncoderJSON {
    return { type: "LabelEncoder", classes: [...this.classes] };
  }

  static fromJSON(json: unknown): LabelEncoder {
    const o = checkJsonType("LabelEncoder", json);
    if (!Array.isArray(o.classes)) throw new ValueError('LabelEncoder.fromJSON: field "classes" must be an array.');
    const enc = new LabelEncoder();
    enc.classes = uniqueSorted("LabelEncoder.fromJSON", o.classes as Category[]);
    enc.index = indexMap(enc.classes);
    return enc;
  }
}
