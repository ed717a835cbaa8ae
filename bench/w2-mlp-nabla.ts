/**
 * W2 — MLP training on Fashion-MNIST — and W3 — inference with the trained net — on nabla
 * (../shared/WORKLOADS.md; the TF.js versions are in w2-mlp-tfjs.ts).
 *
 * Network 784 → 256 → ReLU → 128 → ReLU → 10 logits, softmax cross-entropy (mean over the batch), Adam
 * lr 1e-3, betas (0.9, 0.999), default eps, nabla's default initialization (PyTorch's); batch 128
 * reshuffled every epoch, the last partial batch kept (469 steps). A timed epoch is shuffle + batch
 * gathering + forward + backward + update; the last batch's loss is read back once at the end of the epoch
 * (inside the timing); the test-set evaluation is outside it.
 *
 * Written the way a user writes it (examples/fashion-mnist.ts): `nn.Sequential` of `nn.Linear`/`nn.ReLU`,
 * `optim.Adam`, `nn.functional.crossEntropy` on int32 labels, and `data.DataLoader` over a
 * `data.TensorDataset` with `shuffle: true` (its fast path gathers each batch with one `indexSelect` per
 * tensor, the permutation drawn from the global generator).
 *
 * W3: forward pass of the trained net over the 10,000 test images in 10 batches of 1,000 (`slice` views),
 * under `noGrad`, logits read back to host memory (`dataSync`) each batch; figure: images/s.
 */
import { data, nn, noGrad, optim, type Tensor } from "../src/index.js";
import { timePasses, w2Result, type W2Options, type W2Result, type W3Result } from "./lib/results.js";

export interface NablaSplit { x: Tensor; y: Tensor }

/** The W2 network with nabla's default initialization (PyTorch's: Kaiming-uniform weights, uniform biases). */
export function nablaMlp(): nn.Sequential {
  return new nn.Sequential(
    new nn.Linear(784, 256), new nn.ReLU(),
    new nn.Linear(256, 128), new nn.ReLU(),
    new nn.Linear(128, 10),
  );
}

/** Test accuracy of `model` on a split, in batches of 1,000 (not timed). */
export function nablaAccuracy(model: nn.Module, split: NablaSplit): number {
  const n = split.x.shape[0]!;
  let correct = 0;
  noGrad(() => {
    for (let i = 0; i < n; i += 1000) {
      const logits = model.call(split.x.slice(0, i, Math.min(n, i + 1000))) as Tensor;
      correct += logits.argmax(1).eq(split.y.slice(0, i, Math.min(n, i + 1000))).sum().item();
    }
  });
  return correct / n;
}

/** W2 on nabla (the backend is whatever is active; the splits must live on it). Returns the trained model too. */
export function w2Nabla(train: NablaSplit, test: NablaSplit, opts: W2Options): { result: W2Result; model: nn.Sequential } {
  const batchSize = opts.batchSize ?? 128;
  const model = nablaMlp();
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const loader = new data.DataLoader(new data.TensorDataset(train.x, train.y), { batchSize, shuffle: true });
  const times: number[] = [];
  let steps = 0, samples = 0, finalLoss = NaN;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    steps = 0;
    samples = 0;
    let loss: Tensor | null = null;
    const t0 = performance.now();
    for (const [xb, yb] of loader) {
      loss = nn.functional.crossEntropy(model.call(xb as Tensor) as Tensor, yb as Tensor);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      steps++;
      samples += (xb as Tensor).shape[0]!;
      if (opts.maxSteps !== undefined && steps >= opts.maxSteps) break;
    }
    finalLoss = loss ? loss.item() : NaN;
    const seconds = (performance.now() - t0) / 1000;
    times.push(seconds);
    opts.onEpoch?.(epoch, seconds, finalLoss);
  }
  model.eval();
  return { result: w2Result(opts, steps, samples, times, finalLoss, nablaAccuracy(model, test)), model };
}

/** W3 on nabla: `runs` timed passes over `test.x` in batches of `batchSize`, logits read back each batch. */
export function w3Nabla(model: nn.Module, test: NablaSplit, { warmup = 2, runs = 10, batchSize = 1000 } = {}): W3Result {
  const n = test.x.shape[0]!;
  model.eval();
  const pass = (): void => {
    noGrad(() => {
      for (let i = 0; i < n; i += batchSize) (model.call(test.x.slice(0, i, Math.min(n, i + batchSize))) as Tensor).dataSync();
    });
  };
  const imagesPerSecond = timePasses(n, warmup, runs, pass);
  return { passes: runs, warmup, batches: Math.ceil(n / batchSize), batchSize, imagesPerSecond };
}
