/**
 * OneHotEncoder: each categorical feature becomes one 0/1 column per category, as scikit-learn's (dense
 * output). Categories are learned sorted per feature; an unseen category is an error, or all zeros with
 * `handleUnknown: "ignore"`.
 *
 * ```ts
 * const enc = new OneHotEncoder().fit([["red", 1], ["blue", 3], ["red", 3]]);
 * enc.categories;                                  // [["blue", "red"], [1, 3]]
 * enc.transform([["blue", 1]]).toArray();          // [[1, 0, 1, 0]]
 * enc.inverseTransform(tensor([[0, 1, 0, 1]]));    // [["red", 3]]
 * enc.getFeatureNamesOut(["color", "size"]);       // ["color_blue", "color_red", "size_1", "size_3"]
 * ```
 */
import { ValueError } from "../../errors.js";
import { tensor } from "../../ops/creation.js";
import type { Tensor } from "../../tensor.js";
import { categoryColumns, indexMap, uniqueSorted, type Category } from "./categories.js";
import { checkFitted, checkJsonType, checkMatrix } from "./feature-matrix.js";

export interface OneHotEncoderJSON {
  type: "OneHotEncoder";
  handleUnknown: "error" | "ignore";
  categories: Category[][];
}

export class OneHotEncoder {
  readonly handleUnknown: "error" | "ignore";
  /** Sorted categories of each input feature. */
  categories: Category[][] = [];
  private maps: Map<Category, number>[] = [];
  private readonly given: Category[][] | undefined;

  /** `categories`: fix the categories per feature instead of learning them (each list is sorted). */
  constructor({ handleUnknown = "error", categories }: { handleUnknown?: "error" | "ignore"; categories?: Category[][] } = {}) {
    if (handleUnknown !== "error" && handleUnknown !== "ignore") {
      throw new ValueError(`OneHotEncoder: handleUnknown must be "error" or "ignore", got ${JSON.stringify(handleUnknown)}.`);
    }
    this.handleUnknown = handleUnknown;
    this.given = categories;
  }

  get fitted(): boolean {
    return this.categories.length > 0;
  }

  get nFeaturesIn(): number {
    return this.categories.length;
  }

  /** Width of the output: the total number of categories. */
  get nFeaturesOut(): number {
    return this.categories.reduce((s, c) => s + c.length, 0);
  }

  fit(x: Tensor | readonly (readonly Category[])[]): this {
    const cols = categoryColumns("OneHotEncoder.fit", x);
    if (cols.length === 0 || cols[0]!.length === 0) throw new ValueError("OneHotEncoder.fit: x is empty.");
    if (this.given && this.given.length !== cols.length) {
      throw new ValueError(`OneHotEncoder.fit: categories lists ${this.given.length} features but x has ${cols.length}.`);
    }
    this.setCategories(cols.map((c, j) => uniqueSorted("OneHotEncoder.fit", this.given ? this.given[j]! : c)));
    if (this.given && this.handleUnknown === "error") this.transform(x); // checks x against the given categories
    return this;
  }

  private setCategories(cats: Category[][]): void {
    this.categories = cats;
    this.maps = cats.map(indexMap);
  }

  /** Rows of categories → float32 `[N, nFeaturesOut]` of 0/1. */
  transform(x: Tensor | readonly (readonly Category[])[]): Tensor {
    checkFitted("OneHotEncoder", "transform", this.fitted);
    if (!Array.isArray(x)) checkMatrix("OneHotEncoder.transform", x as Tensor, this.nFeaturesIn);
    const cols = categoryColumns("OneHotEncoder.transform", x);
    if (cols.length !== this.nFeaturesIn) throw new ValueError(`OneHotEncoder.transform: x has ${cols.length} features but the encoder was fitted on ${this.nFeaturesIn}.`);
    const n = cols[0]?.length ?? 0, width = this.nFeaturesOut;
    const out = new Float32Array(n * width);
    let offset = 0;
    cols.forEach((col, j) => {
      const map = this.maps[j]!;
      col.forEach((v, i) => {
        const k = map.get(v);
        if (k !== undefined) out[i * width + offset + k] = 1;
        else if (this.handleUnknown === "error") {
          throw new ValueError(
            `OneHotEncoder.transform: feature ${j}, row ${i} has the unknown category ${JSON.stringify(v)}; known: ` +
              `${JSON.stringify(this.categories[j]!.slice(0, 20))}. Pass handleUnknown: "ignore" to encode it as all zeros.`,
          );
        }
      });
      offset += this.categories[j]!.length;
    });
    return tensor(out, { shape: [n, width] });
  }

  fitTransform(x: Tensor | readonly (readonly Category[])[]): Tensor {
    return this.fit(x).transform(x);
  }

  /** One-hot rows → rows of categories (the arg-max of each feature's block; null for an all-zero block). */
  inverseTransform(z: Tensor): (Category | null)[][] {
    checkFitted("OneHotEncoder", "inverseTransform", this.fitted);
    const [n] = checkMatrix("OneHotEncoder.inverseTransform", z, this.nFeaturesOut);
    const flat = z.dataSync(), width = this.nFeaturesOut;
    const rows: (Category | null)[][] = [];
    for (let i = 0; i < n; i++) {
      const row: (Category | null)[] = [];
      let offset = 0;
      for (const cats of this.categories) {
        let best = -1, bestV = 0;
        for (let k = 0; k < cats.length; k++) {
          const v = flat[i * width + offset + k]!;
          if (v > bestV) { bestV = v; best = k; }
        }
        row.push(best < 0 ? null : cats[best]!);
        offset += cats.length;
      }
      rows.push(row);
    }
    return rows;
  }

  /** Output column names `${feature}_${category}` (features default to `x0, x1, ...`, as scikit-learn). */
  getFeatureNamesOut(inputFeatures?: readonly string[]): string[] {
    checkFitted("OneHotEncoder", "getFeatureNamesOut", this.fitted);
    const names = inputFeatures ?? this.categories.map((_, j) => `x${j}`);
    if (names.length !== this.nFeaturesIn) throw new ValueError(`OneHotEncoder.getFeatureNamesOut: got ${names.length} names for ${this.nFeaturesIn} features.`);
    return this.categories.flatMap((cats, j) => cats.map((c) => `${names[j]}_${c}`));
  }

  toJSON(): OneHotEncoderJSON {
    return { type: "OneHotEncoder", handleUnknown: this.handleUnknown, categories: this.categories.map((c) => [...c]) };
  }

  static fromJSON(json: unknown): OneHotEncoder {
    const o = checkJsonType("OneHotEncoder", json);
    if (!Array.isArray(o.categories) || !o.categories.every(Array.isArray)) {
      throw new ValueError('OneHotEncoder.fromJSON: field "categories" must be an array of arrays.');
    }
    const enc = new OneHotEncoder({ handleUnknown: o.handleUnknown === "ignore" ? "ignore" : "error" });
    enc.setCategories((o.categories as Category[][]).map((c) => uniqueSorted("OneHotEncoder.fromJSON", c)));
    return enc;
  }
}
