/**
 * Fashion-MNIST for the W2/W3 benchmarks: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
 * or FASHION_MNIST_DIR). nabla systems load it with `data.loadFashionMnist` as a user would; the TF.js
 * systems get the same pixels as host arrays (pixels / 255, flattened to 784), converted once before timing.
 */
import { findFashionMnist, loadFashionMnist } from "../../src/data/idx.js";
import { setBackend } from "../../src/backend/registry.js";
import type { TsStorage } from "../../src/backend/ts/storage.js";
import type { TypedArray } from "../../src/dtype.js";
import type { Tensor } from "../../src/tensor.js";

export interface HostSplit { x: Float32Array; y: Int32Array; n: number }

/** The directory holding the four files, or null (with the reason) when they are absent. */
export async function fashionMnistDir(): Promise<{ dir: string | null; reason?: string }> {
  try {
    return { dir: (await findFashionMnist()).dir };
  } catch (e) {
    return { dir: null, reason: (e as Error).message };
  }
}

/**
 * Both splits as host float32 pixels [n·784] in [0, 1] and int32 labels, loaded through the TS backend, whose
 * storage of a freshly loaded (contiguous, offset 0) tensor *is* a typed array: it is handed over as it is,
 * without the copy `dataSync()` makes, so the TF.js systems' peak RSS holds one copy of the pixels.
 */
export async function loadFashionHost(): Promise<{ train: HostSplit; test: HostSplit }> {
  setBackend("ts");
  const [tr, te] = await Promise.all([loadFashionMnist({ split: "train" }), loadFashionMnist({ split: "test" })]);
  const array = (t: Tensor): TypedArray => {
    const data = (t.storage as TsStorage).data;
    if (t.offset !== 0 || data.length !== t.size) throw new Error("loadFashionHost: expected a fresh contiguous tensor from loadFashionMnist");
    return data;
  };
  const host = (s: typeof tr): HostSplit => ({ x: array(s.x) as Float32Array, y: array(s.y) as Int32Array, n: s.x.shape[0]! });
  return { train: host(tr), test: host(te) };
}
