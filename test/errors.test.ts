/**
 * Error messages: each case checks the error class and that the message names the op, shows the offending
 * shapes or values, and suggests a fix (DESIGN.md habit 5).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor.js";
import { ones, randint, tensor, zeros } from "../src/ops/creation.js";
import { clamp } from "../src/ops/elementwise.js";
import { sum } from "../src/ops/reduce.js";
import { cat, gather, index, indexSelect, oneHot, permute, select, split, stack, unsqueeze } from "../src/ops/movement.js";
import { matmul } from "../src/ops/matmul.js";
import { logSoftmax, softmax } from "../src/ops/activations.js";
import { noGrad } from "../src/autograd/grad-mode.js";
import { manualSeed } from "../src/random.js";
import { DTypeError, GradError, IndexError, NablaError, ShapeError, ValueError } from "../src/errors.js";

type ErrorClass = new (...args: never[]) => NablaError;

/** Asserts `fn` throws an instance of `cls` whose message matches every pattern (strings match literally). */
function throwsWith(fn: () => unknown, cls: ErrorClass, ...patterns: (string | RegExp)[]): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== null, `expected ${cls.name}, but nothing was thrown`);
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  const msg = (caught as Error).message;
  assert.equal((caught as Error).name, cls.name);
  for (const p of patterns) {
    const ok = typeof p === "string" ? msg.includes(p) : p.test(msg);
    assert.ok(ok, `message ${JSON.stringify(msg)} should contain ${String(p)}`);
  }
}

const m23 = (): Tensor => ones([2, 3]);

test("every error class is a NablaError and an Error", () => {
  for (const C of [ShapeError, DTypeError, IndexError, ValueError, GradError]) {
    const e = new C("x");
    assert.ok(e instanceof NablaError && e instanceof Error);
  }
});

// ---------------------------------------------------------------- shapes

test("add: broadcasting mismatch names both shapes, the dimension and a fix", () => {
  throwsWith(() => m23().add(ones([4])), ShapeError, "add:", "[2,3]", "[4]", "3 vs 4", /reshape or unsqueeze/);
  throwsWith(() => ones([2, 3]).mul(ones([3, 2])), ShapeError, "mul:", "[2,3]", "[3,2]");
});

test("matmul: inner-dimension mismatch shows both shapes, both sizes and suggests a transpose", () => {
  throwsWith(() => matmul(m23(), ones([4, 5])), ShapeError, "matmul:", "[2,3]", "[4,5]", "3 ≠ 4", "transpose()");
  throwsWith(() => matmul(ones([3]), ones([2])), ShapeError, "matmul:", "3 ≠ 2");
  throwsWith(() => matmul(tensor(1), ones([2])), ShapeError, "matmul:", "mul()");
});

test("reshape: a wrong size and two -1s", () => {
  throwsWith(() => m23().reshape(4, 2), ShapeError, "reshape:", "[2,3]", "6 elements", "[4,2]", "8 elements", "-1");
  throwsWith(() => m23().reshape(-1, -1), ValueError, "reshape:", "only one dimension can be -1", "[-1,-1]", "give the other sizes explicitly");
  throwsWith(() => m23().reshape(4, -1), ShapeError, "reshape:", "-1", "6 elements");
});

test("out-of-range dims in sum, softmax, logSoftmax, permute and unsqueeze", () => {
  throwsWith(() => sum(m23(), 2), IndexError, "sum:", "dim 2", "2 dimension(s)", "valid: -2..1");
  throwsWith(() => softmax(m23(), 5), IndexError, "softmax:", "dim 5", "valid: -2..1");
  throwsWith(() => logSoftmax(m23(), -3), IndexError, "logSoftmax:", "dim -3");
  throwsWith(() => permute(m23(), [0, 3]), IndexError, "permute:", "dim 3", "valid: -2..1");
  throwsWith(() => permute(m23(), [0, 0]), ValueError, "permute:", "[0,0]", "permutation of 0..1", "[2,3]");
  throwsWith(() => unsqueeze(m23(), 4), IndexError, "unsqueeze:", "dim 4", "2-D tensor [2,3]", "-3..2");
  throwsWith(() => unsqueeze(m23(), -4), IndexError, "unsqueeze:", "dim -4");
  // The edges of the valid range still work.
  assert.deepEqual(unsqueeze(m23(), 2).shape, [2, 3, 1]);
  assert.deepEqual(unsqueeze(m23(), -3).shape, [1, 2, 3]);
});

test("out-of-range indices in select, index and gather name the value, the size and the op", () => {
  throwsWith(() => select(m23(), 1, 7), IndexError, "select:", "index 7", "size 3", "[2,3]");
  throwsWith(() => index(m23(), 0, 7), IndexError, "index:", "index 7", "size 3", "[2,3]");
  throwsWith(() => index(m23(), ":", [0, 7]), IndexError, "index:", "index 7", "size 3", "[2,3]", "[-size, size)");
  throwsWith(() => indexSelect(m23(), 1, [7]), IndexError, "indexSelect:", "index 7", "size 3");
  throwsWith(() => gather(m23(), 1, tensor([[0, 7]], { dtype: "int32" })), IndexError, "gather:", "index 7", "dimension 1 of size 3", "[2,3]", "[-size, size)");
  throwsWith(() => gather(m23(), 1, tensor([[-4]], { dtype: "int32" })), IndexError, "gather:", "index -4");
  throwsWith(() => index(m23(), 0, 0, 0), IndexError, "index:", "too many indices (3)", "[2,3]");
});

test("a non-int32 index tensor is a DTypeError that says how to convert", () => {
  throwsWith(() => gather(m23(), 1, tensor([[0, 1]])), DTypeError, "gather:", "int32", "float32", ".int()");
  throwsWith(() => index(m23(), ":", tensor([0, 1])), DTypeError, "index:", "int32", "float32");
});

test("cat with mismatched shapes, stack of unequal shapes, split sizes that do not add up", () => {
  throwsWith(() => cat([m23(), ones([3, 2])], 0), ShapeError, "cat:", "tensor 1", "[3,2]", "[2,3]", "except in dimension 0");
  throwsWith(() => cat([]), ValueError, "cat:", "non-empty");
  throwsWith(() => stack([m23(), ones([3, 2])]), ShapeError, "stack:", "tensor 1", "[3,2]", "[2,3]", "equal shapes");
  throwsWith(() => split(ones([5, 2]), [2, 2]), ShapeError, "split:", "[2,2]", "add up to 4", "size 5", "sum to 5");
});

test("view() on a non-contiguous tensor suggests reshape() or contiguous()", () => {
  throwsWith(() => m23().transpose().view(6), ShapeError, "view:", "[3,2]", "not contiguous", "[6]", "reshape()", "contiguous()");
});

// ---------------------------------------------------------------- dtypes and values

test("requiresGrad on an int32 tensor is a DTypeError suggesting .float()", () => {
  throwsWith(() => tensor([1, 2], { dtype: "int32", requiresGrad: true }), DTypeError, "requiresGrad", "int32", ".float()");
  throwsWith(() => { tensor([true]).requiresGrad = true; }, DTypeError, "bool");
});

test("item() on many elements shows the shape and suggests a reduction", () => {
  throwsWith(() => m23().item(), ValueError, "item:", "[2,3]", "6 elements", ".sum()");
});

test("randint with high ≤ low, and manualSeed with a fraction", () => {
  throwsWith(() => randint(5, 5, [2]), ValueError, "randint:", "low=5", "high=5", "[low, high)");
  throwsWith(() => randint(5, 2, [2]), ValueError, "randint:", "low=5", "high=2");
  throwsWith(() => manualSeed(1.5), ValueError, "manualSeed:", "1.5", "manualSeed(42)");
  throwsWith(() => manualSeed(NaN), ValueError, "manualSeed:", "NaN");
});

test("oneHot with a label ≥ numClasses names the label and the needed numClasses", () => {
  throwsWith(() => oneHot(tensor([0, 3], { dtype: "int32" }), 3), IndexError, "oneHot:", "[0, 3)", "found 3", "numClasses ≥ 4");
  throwsWith(() => oneHot(tensor([0, -1], { dtype: "int32" }), 3), IndexError, "oneHot:", "found -1");
});

test("clamp without bounds shows how to call it", () => {
  throwsWith(() => clamp(m23()), ValueError, "clamp:", "at least one of min and max", "clamp(x, 0, 1)");
  throwsWith(() => m23().clamp(null, null), ValueError, "clamp:");
});

// ---------------------------------------------------------------- autograd misuse

test("backward on a non-scalar without gradOutput says to reduce or pass one", () => {
  const y = ones([2], { requiresGrad: true }).mul(2);
  throwsWith(() => y.backward(), GradError, "backward:", "gradOutput is required", "[2]", "mean().backward()");
});

test("backward on a tensor that does not require grad says how to make it", () => {
  throwsWith(() => ones([2]).sum().backward(), GradError, "backward:", "does not require grad", "requiresGrad: true");
  const x = ones([2], { requiresGrad: true });
  throwsWith(() => noGrad(() => x.mul(2).sum()).backward(), GradError, "outside noGrad()");
});

test("gradOutput of the wrong shape names both shapes", () => {
  const y = ones([2], { requiresGrad: true }).mul(2);
  throwsWith(() => y.backward(ones([3])), GradError, "backward:", "gradOutput has shape [3]", "output has shape [2]");
});

test("in-place ops on a leaf that requires grad, outside noGrad, name the op and show the noGrad fix", () => {
  const p = ones([2], { requiresGrad: true });
  throwsWith(() => p.copy_(zeros([2])), GradError, "copy_:", "leaf that requires grad", "[2]", "noGrad(() =>");
  throwsWith(() => p.sub_(1), GradError, "sub_:", "noGrad(() =>");
  throwsWith(() => p.add_(1, 0.5), GradError, "add_:");
  throwsWith(() => p.mul_(2), GradError, "mul_:");
  throwsWith(() => p.div_(2), GradError, "div_:");
  throwsWith(() => p.fill_(3), GradError, "fill_:");
  throwsWith(() => p.zero_(), GradError, "zero_:");
  assert.deepEqual(p.toFlatArray(), [1, 1]); // nothing was written
  // The same calls work inside noGrad, as in an optimizer step.
  noGrad(() => p.sub_(0.5).mul_(4));
  assert.deepEqual(p.toFlatArray(), [2, 2]);
  // A non-leaf is refused even inside noGrad, naming the op that made it.
  const h = p.mul(3);
  throwsWith(() => noGrad(() => h.copy_(zeros([2]))), GradError, "copy_:", 'made by "mul"', "out-of-place");
});
