/**
 * The README's first command: trains a small network from scratch on the two-moons dataset with nothing but
 * tensors and autograd (no nn/optim helpers), printing progress as it goes.
 *
 *   npm run demo            # or: npx tsx examples/moons.ts [--steps 1500] [--seed 0]
 */
import { data, manualSeed, noGrad, randn, zeros, type Tensor } from "../src/index.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const steps = opt("steps", 1500), seed = opt("seed", 0), lr = opt("lr", 0.5);

manualSeed(seed);
// 200 embedded two-moons points (the W4 benchmark's data: 100 per class, noise σ = 0.1).
const { x, y: labels } = data.makeMoonsW4();
const y = labels.float().reshape(200, 1);

// 2 → 16 → tanh → 16 → tanh → 1 → sigmoid, Glorot-scaled normal weights, zero biases.
const layer = (i: number, o: number): [Tensor, Tensor] => [
  randn([i, o]).mul(Math.sqrt(2 / (i + o))).requiresGrad_(),
  zeros([o], { requiresGrad: true }),
];
const [w1, b1] = layer(2, 16), [w2, b2] = layer(16, 16), [w3, b3] = layer(16, 1);
const params = [w1, b1, w2, b2, w3, b3];

const forward = (inp: Tensor): Tensor => inp.matmul(w1).add(b1).tanh().matmul(w2).add(b2).tanh().matmul(w3).add(b3).sigmoid();
// Binary cross-entropy, mean over the batch (probabilities clamped away from 0 and 1).
const bce = (p: Tensor, t: Tensor): Tensor => {
  const q = p.clamp(1e-7, 1 - 1e-7);
  return t.mul(q.log()).add(t.neg().add(1).mul(q.neg().add(1).log())).mean().neg();
};
const accuracy = (p: Tensor): number => p.gt(0.5).eq(y.gt(0.5)).float().mean().item();

const width = 30;
const t0 = performance.now();
console.log(`nabla demo: two moons (200 points), MLP 2-16-16-1, full-batch gradient descent, lr ${lr}, ${steps} steps`);
for (let step = 1; step <= steps; step++) {
  const p = forward(x);
  const loss = bce(p, y);
  for (const t of params) t.zeroGrad();
  loss.backward();
  noGrad(() => params.forEach((t) => t.sub_(t.grad!.mul(lr))));
  if (step % 100 === 0 || step === 1 || step === steps) {
    const done = Math.round((step / steps) * width);
    const bar = "█".repeat(done) + "░".repeat(width - done);
    const line = `${bar} step ${String(step).padStart(5)}/${steps}  loss ${loss.item().toFixed(4)}  accuracy ${(accuracy(p) * 100).toFixed(1)}%`;
    console.log(line);
  }
}
const acc = noGrad(() => accuracy(forward(x)));
console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s — training accuracy ${(acc * 100).toFixed(1)}%`);
if (acc < 0.95) {
  console.error("accuracy below 95%: something is wrong");
  process.exit(1);
}
