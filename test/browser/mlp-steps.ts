/**
 * The computation the browser test runs in Chromium and again in Node, so the two can be compared: three
 * Adam steps of a 784 → 256 → ReLU → 10 MLP on a seeded random batch of 256 (large enough that the matmuls
 * and the 256×256 element-wise kernels take the threaded paths). Imports module paths, not src/index.ts,
 * so the bundle holds no Node-only module.
 */
import { Tensor } from "../../src/tensor.js";
import { Linear } from "../../src/nn/layers/linear.js";
import { Sequential } from "../../src/nn/layers/sequential.js";
import { ReLU } from "../../src/nn/index.js";
import { crossEntropy } from "../../src/nn/functional/class-losses.js";
import { Adam } from "../../src/optim/adam.js";
import { Generator } from "../../src/random.js";
import { randn, randint } from "../../src/ops/creation.js";

export interface MlpResult {
  /** Loss before each of the three steps (float32 values read back as numbers). */
  losses: number[];
  /** Sum of the first layer's weights after the last step. */
  weightSum: number;
}

export function mlpSteps(): MlpResult {
  const g = new Generator(7);
  const model = new Sequential(new Linear(784, 256, { generator: g }), new ReLU(), new Linear(256, 10, { generator: g }));
  const x = randn([256, 784], { generator: g });
  const y = randint(0, 10, [256], { generator: g });
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x) as Tensor, y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  const w = model.parameters()[0]!;
  return { losses, weightSum: w.sum().item() };
}
