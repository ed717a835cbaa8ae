/**
 * Child process for the memory test in test/autograd.test.ts (run with `node --expose-gc --import tsx`).
 * Trains a tiny MLP written with raw tensors and a manual SGD step under noGrad for `steps` steps, and
 * prints one JSON line: heapUsed after a full GC at `probe` and at the end, and the first and last loss.
 * Usage: `node --expose-gc --import tsx test/helpers/memory-train.ts [steps=2000] [probe=500] [leak]`.
 * No dispose() calls anywhere: on the TS backend, memory must stay flat by itself.
 */
import { Tensor } from "../../src/tensor.js";
import { randn, tensor } from "../../src/ops/creation.js";
import { noGrad } from "../../src/autograd/grad-mode.js";
import { Generator } from "../../src/random.js";

const steps = Number(process.argv[2] ?? 2000);
const probe = Number(process.argv[3] ?? 500);
/** "leak" keeps every loss (and so its whole graph) alive: the control that shows the test can fail. */
const leak = process.argv[4] === "leak";
const kept: Tensor[] = [];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("memory-train: run with node --expose-gc");

const g = new Generator(0);
// XOR-like targets on 32 random points.
const x = randn([32, 2], { generator: g });
const y = tensor(Array.from(x.toArray() as number[][], ([a, b]) => [a! * b! > 0 ? 1 : 0]));
const params: Tensor[] = [
  randn([2, 16], { generator: g, requiresGrad: true }),
  randn([16], { generator: g }).mul(0.1).detach().requiresGrad_(true),
  randn([16, 1], { generator: g }).mul(0.25).detach().requiresGrad_(true),
  randn([1], { generator: g }).mul(0.1).detach().requiresGrad_(true),
];
const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];

const heapAfterGc = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let firstLoss = NaN, lastLoss = NaN, heapAtProbe = NaN;
for (let step = 1; step <= steps; step++) {
  const h = x.matmul(w1).add(b1).tanh();
  const out = h.matmul(w2).add(b2).sigmoid();
  const loss = out.sub(y).pow(2).mean();
  loss.backward(undefined, { retainGraph: leak });
  if (leak) kept.push(loss);
  noGrad(() => {
    for (const p of params) {
      p.sub_(p.grad!.mul(0.5));
      p.zeroGrad();
    }
  });
  if (step === 1) firstLoss = loss.item();
  if (step === steps) lastLoss = loss.item();
  if (step === probe) heapAtProbe = heapAfterGc();
}
const heapAtEnd = heapAfterGc();
process.stdout.write(JSON.stringify({ steps, probe, heapAtProbe, heapAtEnd, firstLoss, lastLoss }) + "\n");
