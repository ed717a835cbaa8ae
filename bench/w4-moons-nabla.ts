/**
 * W4 — per-op overhead on a tiny network — on nabla (../shared/WORKLOADS.md; TF.js in w4-moons-tfjs.ts): the
 * fixed 200 two-moons points (`data.makeMoonsW4()`: mulberry32(42) Box–Muller noise σ = 0.1), network
 * 2 → 16 → tanh → 16 → tanh → 1 → sigmoid, binary cross-entropy (mean), plain SGD lr 0.1 on the full batch
 * for 2,000 steps, the loss read back once at the end (inside the timing). One warm-up training, then
 * `runs` trainings, each with fresh parameters (a new model); figure: µs per step (median). About 0.4 MFLOP
 * per step, so this measures dispatch, graph bookkeeping and allocation, not arithmetic.
 *
 * As a user writes it: `nn.Sequential(nn.Linear, nn.Tanh, …, nn.Sigmoid)`, `optim.SGD`,
 * `nn.functional.binaryCrossEntropy`, `zeroGrad` / `backward` / `step`.
 */
import { data, nn, noGrad, optim, type Tensor } from "../src/index.js";
import { collectW4, type W4Options, type W4Result } from "./lib/results.js";

/** The W4 points as host arrays (x [200·2], y [200] as 0/1 floats), identical for every system. */
export function moonsHost(): { x: Float32Array; y: Float32Array; n: number } {
  const { x, y } = data.makeMoonsW4();
  return { x: Float32Array.from(x.dataSync() as Float32Array), y: Float32Array.from(y.dataSync() as Int32Array), n: x.shape[0]! };
}

/** W4 on nabla (the active backend). */
export function w4Nabla(opts: W4Options): W4Result {
  const { x, y: labels } = data.makeMoonsW4();
  const y = labels.float().reshape([labels.shape[0]!, 1]);
  return collectW4(opts, () => {
    const model = new nn.Sequential(
      new nn.Linear(2, 16), new nn.Tanh(),
      new nn.Linear(16, 16), new nn.Tanh(),
      new nn.Linear(16, 1), new nn.Sigmoid(),
    );
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    let loss: Tensor | null = null;
    const t0 = performance.now();
    for (let s = 0; s < opts.steps; s++) {
      loss = nn.functional.binaryCrossEntropy(model.call(x) as Tensor, y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    const final = loss ? loss.item() : NaN;
    const seconds = (performance.now() - t0) / 1000;
    const accuracy = noGrad(() => (model.call(x) as Tensor).gt(0.5).float().eq(y).float().mean().item());
    return { seconds, loss: final, accuracy };
  });
}
