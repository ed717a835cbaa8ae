/**
 * scikit-learn's 8×8 handwritten digits (the UCI "Optical Recognition of Handwritten Digits" test set):
 * 1,797 images, 64 pixel counts in 0..16, classes 0..9. Embedded in the package; licence and source in
 * ../assets/LICENSE-DATA.md.
 *
 * ```ts
 * const { x, y } = loadDigits();
 * x.shape;                          // [1797, 64], values 0..16 (divide by 16 to scale to [0, 1])
 * loadDigits({ nClass: 2 }).x.shape; // [360, 64]: only the digits 0 and 1
 * ```
 */
import { ValueError } from "../../errors.js";
import { tensor } from "../../ops/creation.js";
import { DIGITS_B64, DIGITS_DESCRIPTION } from "../assets/digits-data.js";
import { decodeBase64 } from "./decode-base64.js";
import type { TableDataset } from "./iris.js";

let cache: Uint8Array | null = null;

/**
 * Loads the digits: x float32 [N, 64] (pixels 0..16, row-major 8×8), y int32 [N]. `nClass` keeps only
 * the classes 0..nClass−1, as scikit-learn's `load_digits(n_class=...)`.
 */
export function loadDigits({ nClass = 10 }: { nClass?: number } = {}): TableDataset {
  if (!Number.isInteger(nClass) || nClass < 1 || nClass > 10) throw new ValueError(`loadDigits: nClass must be an integer in 1..10, got ${nClass}.`);
  const bytes = (cache ??= decodeBase64(DIGITS_B64));
  const total = 1797, f = 64;
  const labels = bytes.subarray(total * f, total * f + total);
  const keep: number[] = [];
  for (let i = 0; i < total; i++) if (labels[i]! < nClass) keep.push(i);
  const x = new Float32Array(keep.length * f), y = new Int32Array(keep.length);
  keep.forEach((src, i) => {
    x.set(bytes.subarray(src * f, src * f + f), i * f);
    y[i] = labels[src]!;
  });
  return {
    x: tensor(x, { shape: [keep.length, f] }),
    y: tensor(y),
    featureNames: Array.from({ length: f }, (_, k) => `pixel_${Math.floor(k / 8)}_${k % 8}`),
    targetNames: Array.from({ length: nClass }, (_, k) => String(k)),
    description: DIGITS_DESCRIPTION,
  };
}
