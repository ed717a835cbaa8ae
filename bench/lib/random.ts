/** Seeded data for the workloads (../shared/WORKLOADS.md): mulberry32, easy to reproduce in Python. */

import { mulberry32 } from "../../src/data/datasets/synthetic.js";

/** mulberry32 (the library's, data.mulberry32); bench/torch_bench.py has the same one. */
export { mulberry32 };

/** n uniform [0, 1) float32 values from mulberry32(seed). */
export function uniform(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r();
  return out;
}

/**
 * A permutation of 0..n−1 by Fisher–Yates from `rng` (the TF.js runs shuffle with it; tf.util.shuffle
 * draws from Math.random and cannot be seeded).
 */
export function permutation(n: number, rng: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
