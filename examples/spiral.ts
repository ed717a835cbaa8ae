/**
 * Issue 3's reference run: a 2-hidden-layer MLP on a synthetic 3-arm spiral, trained with Adam, dropout
 * and the decks' L2 penalty (λ/2m · Σw² over the weights, not the biases), written as an explicit
 * PyTorch-style loop.
 *
 *   npx tsx examples/spiral.ts [--epochs 300] [--seed 0]
 */
import { data, manualSeed, noGrad, nn, optim } from "../src/index.js";


const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const epochs = opt("epochs", 300), seed = opt("seed", 0), lambda = 1e-3;

manualSeed(seed);
const { x, y } = data.makeSpirals({ nSamples: 300, nClasses: 3, noise: 0.2, seed: 1 });
const test = data.makeSpirals({ nSamples: 300, nClasses: 3, noise: 0.2, seed: 2 }); // fresh points from the same arms
const n = x.shape[0]!;

const model = new nn.Sequential(
  new nn.Linear(2, 64), new nn.ReLU(), new nn.Dropout(0.1),
  new nn.Linear(64, 64), new nn.ReLU(), new nn.Dropout(0.1),
  new nn.Linear(64, 3),
);
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
const weights = nn.weightsOnly(model.namedParameters());

const accuracy = (inputs = x, labels = y): number => {
  model.eval();
  const acc = noGrad(() => model.call(inputs).argmax(1).eq(labels).float().mean().item());
  model.train();
  return acc;
};

console.log(`spiral: ${n} points, 3 classes; MLP 2-64-64-3 (ReLU, dropout 0.1), Adam lr 1e-2, L2 λ=${lambda}`);
for (let epoch = 1; epoch <= epochs; epoch++) {
  const data = nn.functional.crossEntropy(model.call(x), y);
  const loss = data.add(nn.l2Penalty(weights, lambda, { m: n }));
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  if (epoch % 50 === 0 || epoch === 1) {
    console.log(`epoch ${String(epoch).padStart(4)}  loss ${loss.item().toFixed(4)}  accuracy ${(accuracy() * 100).toFixed(1)}%`);
  }
}
const final = accuracy(test.x, test.y);
console.log(`training accuracy ${(accuracy() * 100).toFixed(1)}%, test accuracy ${(final * 100).toFixed(1)}% (300 new points)`);
if (final < 0.95) process.exit(1);
