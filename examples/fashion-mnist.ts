/**
 * Real data, end to end: the 784-256-128-10 ReLU MLP on Fashion-MNIST (Debian's dataset-fashion-mnist),
 * Adam lr 1e-3, batch 128 reshuffled every epoch, softmax cross-entropy — the W2 benchmark's recipe, as an
 * explicit PyTorch-style loop.
 *
 *   sudo apt-get install dataset-fashion-mnist      # once; or set FASHION_MNIST_DIR
 *   npx tsx examples/fashion-mnist.ts [--epochs 5] [--seed 0] [--min-accuracy 0.875] [--backend wasm|ts]
 *
 * The wasm backend (SIMD) is used where the runtime has WebAssembly SIMD, the TS reference backend otherwise.
 */
import { backendName, data, manualSeed, noGrad, nn, optim, setBackend, useWasm, wasmSimdSupported, type Tensor } from "../src/index.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const epochs = opt("epochs", 5), seed = opt("seed", 0), minAccuracy = opt("min-accuracy", 0);
const backendArg = args.includes("--backend") ? args[args.indexOf("--backend") + 1] : wasmSimdSupported() ? "wasm" : "ts";
if (backendArg === "wasm") useWasm();
setBackend(backendArg!);

manualSeed(seed);
let train: { x: Tensor; y: Tensor }, test: { x: Tensor; y: Tensor };
try {
  [train, test] = await Promise.all([data.loadFashionMnist({ split: "train" }), data.loadFashionMnist({ split: "test" })]);
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}

const model = new nn.Sequential(
  new nn.Linear(784, 256), new nn.ReLU(),
  new nn.Linear(256, 128), new nn.ReLU(),
  new nn.Linear(128, 10),
);
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const loader = new data.DataLoader(new data.TensorDataset(train.x, train.y), { batchSize: 128, shuffle: true });

const evaluate = (): number => {
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (let i = 0; i < test.x.shape[0]!; i += 1000) {
      const logits = model.call(test.x.slice(0, i, i + 1000));
      correct += logits.argmax(1).eq(test.y.slice(0, i, i + 1000)).sum().item();
    }
  });
  model.train();
  return correct / test.x.shape[0]!;
};

console.log(`Fashion-MNIST: ${train.x.shape[0]} train / ${test.x.shape[0]} test, MLP 784-256-128-10, Adam lr 1e-3, batch 128, backend ${backendName()}`);
let accuracy = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const t0 = performance.now();
  let seen = 0, lossSum = 0, step = 0;
  for (const [xb, yb] of loader) {
    const loss = nn.functional.crossEntropy(model.call(xb as Tensor), yb as Tensor);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    const n = (xb as Tensor).shape[0]!;
    seen += n;
    lossSum += loss.item() * n;
    if (++step % 50 === 0 && process.stdout.isTTY) {
      process.stdout.write(`\r  epoch ${epoch}: ${seen}/${train.x.shape[0]}  loss ${(lossSum / seen).toFixed(4)}`);
    }
  }
  const secs = (performance.now() - t0) / 1000;
  accuracy = evaluate();
  if (process.stdout.isTTY) process.stdout.write("\r");
  console.log(`epoch ${epoch}/${epochs}  loss ${(lossSum / seen).toFixed(4)}  test accuracy ${(accuracy * 100).toFixed(2)}%  ` +
    `${secs.toFixed(1)} s (${Math.round(seen / secs)} samples/s)`);
}
if (accuracy < minAccuracy) {
  console.error(`test accuracy ${(accuracy * 100).toFixed(2)}% is below the required ${(minAccuracy * 100).toFixed(1)}%`);
  process.exit(1);
}
