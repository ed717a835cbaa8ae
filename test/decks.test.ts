// The course decks' worked examples, checked against numbers derived by hand (or closed forms computed with
// plain JS numbers). Each test names the example it reproduces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, Tensor, gradcheck, gradgradcheck, linspace, logSoftmax, randn, select, softmax, tensor } from "../src/index.js";
import { Function, FunctionCtx } from "../src/autograd/function.js";
import { toDot, toMermaid } from "../src/autograd/graph-export.js";

const f64 = { dtype: "float64", requiresGrad: true } as const;

function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-12, atol = 1e-12): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: got ${a}, expected ${e}`);
  }
}

// ---------------------------------------------------------------- f = (x + y)·z

function deckGraph() {
  const x = tensor(-2, { requiresGrad: true }), y = tensor(5, { requiresGrad: true }), z = tensor(-4, { requiresGrad: true });
  x.name = "x";
  y.name = "y";
  z.name = "z";
  const q = x.add(y).retainGrad();
  q.name = "q";
  const f = q.mul(z).retainGrad();
  f.name = "f";
  f.backward();
  return { x, y, z, q, f };
}

test("deck: f = (x + y)·z at (−2, 5, −4): f = −12, ∂f/∂x = ∂f/∂y = z = −4, ∂f/∂z = x + y = 3", () => {
  const { x, y, z, q, f } = deckGraph();
  assert.equal(f.item(), -12);
  assert.equal(q.item(), 3);
  assert.equal(x.grad!.item(), -4);
  assert.equal(y.grad!.item(), -4);
  assert.equal(z.grad!.item(), 3);
  assert.equal(q.grad!.item(), -4); // ∂f/∂q = z
  assert.equal(f.grad!.item(), 1);
});

/** Each tensor's expected label parts: name, value and gradient (all scalars here). */
const DECK_NODES: [string, number, number][] = [["x", -2, -4], ["y", 5, -4], ["z", -4, 3], ["q", 3, -4], ["f", -12, 1]];

test("deck: toMermaid of f = (x + y)·z shows every node's value and gradient, the ops and the edges", () => {
  const { f } = deckGraph();
  const text = toMermaid(f);
  const lines = text.split("\n");
  assert.equal(lines[0], "flowchart LR");
  const ids = new Map<string, string>();
  for (const [name, value, grad] of DECK_NODES) {
    const line = lines.find((l) => l.includes(`["${name} [`));
    assert.ok(line, `no node labelled ${name} in:\n${text}`);
    assert.match(line, new RegExp(`data ${value}(<br/>|\\s)`), `${name}'s value ${value}: ${line}`);
    assert.match(line, new RegExp(`grad ${grad}"\\]`), `${name}'s gradient ${grad}: ${line}`);
    ids.set(name, /^\s*(\w+)\[/.exec(line)![1]!);
  }
  const id = (n: string) => ids.get(n)!;
  // q = add(x, y), f = mul(q, z): op nodes, edges into the ops and from the ops to their outputs.
  assert.ok(lines.includes(`  ${id("q")}_op(("add"))`), text);
  assert.ok(lines.includes(`  ${id("f")}_op(("mul"))`), text);
  for (const edge of [`${id("x")} --> ${id("q")}_op`, `${id("y")} --> ${id("q")}_op`, `${id("q")}_op --> ${id("q")}`,
    `${id("q")} --> ${id("f")}_op`, `${id("z")} --> ${id("f")}_op`, `${id("f")}_op --> ${id("f")}`]) {
    assert.ok(lines.includes(`  ${edge}`), `missing edge ${edge} in:\n${text}`);
  }
  // Leaves have no op node.
  for (const leaf of ["x", "y", "z"]) assert.ok(!text.includes(`${id(leaf)}_op`), `${leaf} is a leaf`);
});

test("deck: toDot of f = (x + y)·z shows every node's value and gradient, the ops and the edges", () => {
  const { f } = deckGraph();
  const text = toDot(f);
  assert.ok(text.startsWith("digraph nabla {") && text.trimEnd().endsWith("}"), text);
  const ids = new Map<string, string>();
  for (const [name, value, grad] of DECK_NODES) {
    const m = new RegExp(`^\\s*(\\w+) \\[shape=record, label="\\{ ${name} \\[\\] \\| data ${value} \\| grad ${grad} \\}"\\];$`, "m").exec(text);
    assert.ok(m, `no record "${name} | data ${value} | grad ${grad}" in:\n${text}`);
    ids.set(name, m[1]!);
  }
  const id = (n: string) => ids.get(n)!;
  assert.ok(text.includes(`${id("q")}_op [shape=ellipse, label="add"];`), text);
  assert.ok(text.includes(`${id("f")}_op [shape=ellipse, label="mul"];`), text);
  for (const edge of [`${id("x")} -> ${id("q")}_op;`, `${id("y")} -> ${id("q")}_op;`, `${id("q")}_op -> ${id("q")};`,
    `${id("q")} -> ${id("f")}_op;`, `${id("z")} -> ${id("f")}_op;`, `${id("f")}_op -> ${id("f")};`]) {
    assert.ok(text.includes(edge), `missing edge ${edge} in:\n${text}`);
  }
});

// ---------------------------------------------------------------- f(x) = (x + a)(x + b) with an L2 loss

test("deck: L = ½((x + a)(x + b) − t)² has ∂L/∂x = (f − t)((x + b) + (x + a)), ∂L/∂a = (f − t)(x + b), ∂L/∂b = (f − t)(x + a)", () => {
  const rows: [number, number, number, number][] = [[1, 2, 3, 0], [-1.5, 0.5, 2, 4], [0.25, -3, 1, -2], [2, 2, -2, 1], [-0.7, 1.3, 0.4, 0.9]];
  for (const [xv, av, bv, tv] of rows) {
    const x = tensor(xv, f64), a = tensor(av, f64), b = tensor(bv, f64);
    const f = x.add(a).mul(x.add(b));
    const L = f.sub(tv).pow(2).mul(0.5);
    L.backward();
    const fv = (xv + av) * (xv + bv), r = fv - tv;
    const at = `at x=${xv}, a=${av}, b=${bv}, t=${tv}`;
    assertAllClose([f.item(), L.item()], [fv, 0.5 * r * r], `f and L ${at}`);
    assertAllClose([x.grad!.item()], [r * ((xv + bv) + (xv + av))], `∂L/∂x ${at}`);
    assertAllClose([a.grad!.item()], [r * (xv + bv)], `∂L/∂a ${at}`);
    assertAllClose([b.grad!.item()], [r * (xv + av)], `∂L/∂b ${at}`);
  }
  // The first row by hand: f = 3·4 = 12, L = 72, ∂L/∂x = 12·7 = 84, ∂L/∂a = 48, ∂L/∂b = 36.
  const x = tensor(1, f64), a = tensor(2, f64), b = tensor(3, f64);
  const L = x.add(a).mul(x.add(b)).pow(2).mul(0.5);
  L.backward();
  assert.deepEqual([L.item(), x.grad!.item(), a.grad!.item(), b.grad!.item()], [72, 84, 48, 36]);
});

// ---------------------------------------------------------------- sigmoid'

test("deck: sigmoid'(x) = s(x)(1 − s(x)) over linspace(−10, 10, 100)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const x = linspace(-10, 10, 100, { dtype, requiresGrad: true });
    x.sigmoid().sum().backward();
    const xs = x.toFlatArray();
    const expected = xs.map((v) => {
      const s = 1 / (1 + Math.exp(-v));
      return s * (1 - s);
    });
    // In float32, 1 − s loses digits where s ≈ 1: the error is about the spacing of floats near 1 (6e-8), so
    // the absolute tolerance is 1e-7. (PyTorch's float32 gives the same numbers: at x = 6.5657, 0.001403918.)
    const [rtol, atol] = dtype === "float32" ? [1e-5, 1e-7] : [1e-12, 1e-15];
    assertAllClose(x.grad!.toFlatArray(), expected, `sigmoid' (${dtype})`, rtol, atol);
    const g = x.grad!.toFlatArray();
    assert.ok(Math.max(...g) <= 0.25 && Math.max(...g) > 0.249, "the peak is 1/4 at x = 0");
    assert.ok(g[0]! < 5e-5 && g[99]! < 5e-5, "the tails vanish (≈ 4.5e-5 at ±10)");
  }
});

// ---------------------------------------------------------------- 1-hidden-layer network with BCE

test("deck: 1-hidden-layer net with binary cross-entropy: ∂E/∂w2 = (y − t)h, ∂E/∂W1 = (y − t)(w2 ⊙ h ⊙ (1 − h))xᵀ", () => {
  const g = new Generator(7);
  const nIn = 3, nHid = 4;
  for (const t of [0, 1]) {
    const x = randn([nIn], { dtype: "float64", generator: g });
    const W1 = randn([nHid, nIn], { dtype: "float64", generator: g }).requiresGrad_();
    const b1 = randn([nHid], { dtype: "float64", generator: g }).requiresGrad_();
    const w2 = randn([nHid], { dtype: "float64", generator: g }).requiresGrad_();
    const b2 = randn([], { dtype: "float64", generator: g }).requiresGrad_();
    const h = W1.matmul(x).add(b1).sigmoid();
    const y = w2.matmul(h).add(b2).sigmoid();
    const E = y.log().mul(t).add(y.neg().add(1).log().mul(1 - t)).neg();
    E.backward();

    // The same network with plain numbers.
    const xv = x.toFlatArray(), W = W1.toFlatArray(), bv1 = b1.toFlatArray(), wv2 = w2.toFlatArray(), bv2 = b2.item();
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const hv = Array.from({ length: nHid }, (_, j) => sig(xv.reduce((s, xi, i) => s + W[j * nIn + i]! * xi, bv1[j]!)));
    const yv = sig(hv.reduce((s, hj, j) => s + wv2[j]! * hj, bv2));
    const Ev = -(t * Math.log(yv) + (1 - t) * Math.log(1 - yv));
    const delta = yv - t; // ∂E/∂(output pre-activation): BCE and sigmoid cancel to y − t
    const deltaH = hv.map((hj, j) => delta * wv2[j]! * hj * (1 - hj)); // (y − t)(w2 ⊙ h ⊙ (1 − h))

    assertAllClose([y.item(), E.item()], [yv, Ev], `y and E (t=${t})`);
    assertAllClose(w2.grad!.toFlatArray(), hv.map((hj) => delta * hj), `∂E/∂w2 (t=${t})`);
    assertAllClose([b2.grad!.item()], [delta], `∂E/∂b2 (t=${t})`);
    assertAllClose(W1.grad!.toFlatArray(), deltaH.flatMap((dj) => xv.map((xi) => dj * xi)), `∂E/∂W1 (t=${t})`);
    assert.deepEqual(W1.grad!.shape, [nHid, nIn]);
    assertAllClose(b1.grad!.toFlatArray(), deltaH, `∂E/∂b1 (t=${t})`);
  }
});

// ---------------------------------------------------------------- two-class softmax + NLL

test("deck: two-class softmax with NLL: ∂(−log softmax(z)[y])/∂z = p − onehot(y), and p₁ = sigmoid(z₁ − z₀)", () => {
  const cases: [number, number][] = [[0.5, -1.25], [2, 3], [-4, 4], [10, -10], [0, 0]];
  for (const [z0, z1] of cases) {
    for (const label of [0, 1]) {
      const z = tensor([z0, z1], f64);
      const loss = select(logSoftmax(z), 0, label).neg();
      loss.backward();
      const p1 = 1 / (1 + Math.exp(-(z1 - z0))), p = [1 - p1, p1];
      const at = `z=[${z0}, ${z1}], y=${label}`;
      assertAllClose(softmax(z.detach()).toFlatArray(), p, `softmax ${at}`);
      assertAllClose(z.grad!.toFlatArray(), p.map((pk, k) => pk - (k === label ? 1 : 0)), `∂loss/∂z ${at}`);
      assertAllClose([loss.item()], [-Math.log(p[label]!)], `loss ${at}`, 1e-12, 1e-12);
      // The two gradient entries are opposite: the loss depends on z only through z₁ − z₀.
      const [g0, g1] = z.grad!.toFlatArray();
      assert.ok(Math.abs(g0! + g1!) < 1e-15, `gradients sum to zero ${at}`);
    }
  }
});

// ---------------------------------------------------------------- custom autograd.Function

class MultiplyGate extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor, y: Tensor): Tensor {
    ctx.saveForBackward(x, y);
    return x.mul(y);
  }
  static override backward(ctx: FunctionCtx, dz: Tensor): Tensor[] {
    const [x, y] = ctx.savedTensors;
    return [dz.mul(y!), dz.mul(x!)]; // ∂L/∂x = dz·y, ∂L/∂y = dz·x
  }
}

/** The classic bug: the local gradients swapped. */
class SwappedMultiplyGate extends Function {
  static override forward(ctx: FunctionCtx, x: Tensor, y: Tensor): Tensor {
    ctx.saveForBackward(x, y);
    return x.mul(y);
  }
  static override backward(ctx: FunctionCtx, dz: Tensor): Tensor[] {
    const [x, y] = ctx.savedTensors;
    return [dz.mul(x!), dz.mul(y!)];
  }
}

test("deck: a custom MultiplyGate gives x.mul(y)'s values and gradients", () => {
  const g = new Generator(3);
  const xv = randn([2, 3], { generator: g }), yv = randn([2, 3], { generator: g }), w = randn([2, 3], { generator: g });
  const x1 = xv.clone().requiresGrad_(), y1 = yv.clone().requiresGrad_();
  const x2 = xv.clone().requiresGrad_(), y2 = yv.clone().requiresGrad_();
  const z1 = MultiplyGate.apply(x1, y1), z2 = x2.mul(y2);
  assert.equal(z1.gradFn, "MultiplyGate");
  assert.deepEqual(z1.toFlatArray(), z2.toFlatArray());
  z1.mul(w).sum().backward();
  z2.mul(w).sum().backward();
  assert.deepEqual(x1.grad!.toFlatArray(), x2.grad!.toFlatArray());
  assert.deepEqual(y1.grad!.toFlatArray(), y2.grad!.toFlatArray());
  // The deck's numbers: x = −2, y = 5 → z = −10, ∂z/∂x = 5, ∂z/∂y = −2.
  const x = tensor(-2, { requiresGrad: true }), y = tensor(5, { requiresGrad: true });
  const z = MultiplyGate.apply(x, y);
  z.backward();
  assert.deepEqual([z.item(), x.grad!.item(), y.grad!.item()], [-10, 5, -2]);
});

test("deck: gradcheck passes on MultiplyGate (first and second order)", () => {
  const g = new Generator(11);
  const x = randn([3], { dtype: "float64", generator: g }), y = randn([3], { dtype: "float64", generator: g });
  const report = gradcheck((a, b) => MultiplyGate.apply(a!, b!), [x, y]);
  assert.ok(report.ok, report.message);
  assert.equal(report.checked, 2 * 3 * 3); // two inputs × 3 elements × 3 outputs
  assert.ok(report.maxAbsError < 1e-8, report.message);
  assert.ok(gradgradcheck((a, b) => MultiplyGate.apply(a!, b!), [x, y]).ok);
});

test("deck: gradcheck catches a swapped backward and points at the wrong entry", () => {
  // x and y agree except at element 2, so only the Jacobian entries at (2, 2) are wrong:
  // the swapped backward says ∂z₂/∂x₂ = x₂ = 3, the truth is y₂ = −1.
  const x = tensor([1, 2, 3], { dtype: "float64" }), y = tensor([1, 2, -1], { dtype: "float64" });
  const report = gradcheck((a, b) => SwappedMultiplyGate.apply(a!, b!), [x, y]);
  assert.equal(report.ok, false);
  assert.ok(report.worst, report.message);
  const w = report.worst;
  assert.equal(w.input, 0);
  assert.equal(w.inputIndex, 2);
  assert.equal(w.outputIndex, 2);
  assert.equal(w.analytic, 3);
  assert.ok(Math.abs(w.numeric - -1) < 1e-6, `numeric ${w.numeric}`);
  assert.ok(Math.abs(report.maxAbsError - 4) < 1e-6, `max error ${report.maxAbsError}`);
  assert.match(report.message, /failed: input 0, element 2, output element 2/);
  // The correct gate on the same inputs passes: the check is not just strict.
  assert.ok(gradcheck((a, b) => MultiplyGate.apply(a!, b!), [x, y]).ok);
});
