/**
 * Fashion-MNIST for the W2/W3 benchmarks: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
 * or FASHION_MNIST_DIR). nabla systems load it with `data.loadFashionMnist` as a user would; the TF.js
 * systems get the same pixels as host arrays (pixels / 255, flattened to 784), converted once before timing.
 */
import { findFashionMnist, loadFashionMnist } from "../../src/data/idx.js";
import { setBackend } from "../../src/backend/registry.js";

export interface HostSplit { x: Float32Array; y: Int32Array; n: number }

/** The directory holding the four files, or null (with the reason) when they are absent. */
export async function fashionMnistDir(): Promise<{ dir: string | null; reason?: string }> {
  try {
    return { dir: (await findFashionMnist()).dir };
  } catch (e) {
    return { dir: null, reason: (e as Error).message };
  }
}

/** Both splits as host float32 pixels [n·784] in [0, 1] and int32 labels (read through the TS backend). */
export async function loadFashionHost(): Promise<{ train: HostSplit; test: HostSplit }> {
  setBackend("ts");
  const [tr, te] = await Promise.all([loadFashionMnist({ split: "train" }), loadFashionMnist({ split: "test" })]);
  const host = (s: typeof tr): HostSplit => ({ x: s.x.dataSync() as Float32Array, y: s.y.dataSync() as Int32Array, n: s.x.shape[0]! });
  return { train: host(tr), test: host(te) };
}
