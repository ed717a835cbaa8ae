/**
 * Gradient checking by central finite differences in float64, as `torch.autograd.gradcheck`: proves a
 * hand-written backward right (or shows where it is wrong).
 */
import { isFloat } from "../dtype.js";
import { ValueError, GradError } from "../errors.js";
import { Generator } from "../random.js";
import { Tensor } from "../tensor.js";
import { randn } from "../ops/creation.js";
import { cat, reshape } from "../ops/movement.js";
import { gradients } from "./functional.js";
import { noGrad } from "./grad-mode.js";

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

export interface GradcheckMismatch {
  /** Which input (position among the arguments). */
  input: number;
  /** Flat index of the input element that was perturbed. */
  inputIndex: number;
  /** Flat index of the output element. */
  outputIndex: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckReport {
  ok: boolean;
  /** Largest |analytic − numeric| over all Jacobian entries. */
  maxAbsError: number;
  /** The entry that fails by the widest margin (or the largest error if all pass); null if nothing was checked. */
  worst: GradcheckMismatch | null;
  /** Number of Jacobian entries compared. */
  checked: number;
  /** A one-paragraph summary for test failures and logs. */
  message: string;
}

type Fn = (...xs: Tensor[]) => Tensor;

/** A float64 leaf copy of each float input (others stay as they are). */
const toDoubleLeaves = (inputs: readonly Tensor[]): Tensor[] =>
  inputs.map((x) => (isFloat(x.dtype) ? noGrad(() => x.detach().to("float64").contiguous().clone()).requiresGrad_(true) : x));

function withElement(x: Tensor, k: number, value: number): Tensor {
  const data = x.dataSync().slice() as Float64Array;
  data[k] = value;
  return Tensor._fromArray(data, x.shape, "float64");
}

/**
 * Compares the Jacobian from backward with central differences `(f(x+ε) − f(x−ε)) / 2ε`, entry by entry:
 * passes when `|analytic − numeric| ≤ atol + rtol·|numeric|` everywhere.
 * ```ts
 * gradcheck((x) => x.tanh(), [randn([3])]).ok; // true
 * ```
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], { eps = 1e-6, atol = 1e-5, rtol = 1e-3 }: GradcheckOptions = {}): GradcheckReport {
  if (!(eps > 0)) throw new ValueError(`gradcheck: eps must be > 0, got ${eps}.`);
  const xs = toDoubleLeaves(inputs);
  const diffIdx = xs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (diffIdx.length === 0) throw new ValueError("gradcheck: no float input to differentiate; pass at least one float tensor.");
  const y = fn(...xs);
  if (!(y instanceof Tensor)) throw new ValueError("gradcheck: fn must return a Tensor.");
  const nOut = y.size;
  // Analytic Jacobian rows: one vector-Jacobian product per output element.
  const analytic: Float64Array[][] = diffIdx.map((i) => Array.from({ length: nOut }, () => new Float64Array(xs[i]!.size)));
  if (y.requiresGrad) {
    for (let j = 0; j < nOut; j++) {
      const e = new Float64Array(nOut);
      e[j] = 1;
      const gs = gradients([y], diffIdx.map((i) => xs[i]!), {
        gradOutputs: [Tensor._fromArray(e, y.shape, y.dtype === "float64" ? "float64" : y.dtype)],
        retainGraph: true,
        allowUnused: true,
      });
      gs.forEach((g, a) => analytic[a]![j]!.set(g.to("float64").dataSync()));
    }
  }
  let maxAbsError = 0, checked = 0, worstMargin = -Infinity;
  let worst: GradcheckMismatch | null = null;
  let ok = true;
  diffIdx.forEach((i, a) => {
    const x = xs[i]!;
    const base = x.dataSync();
    for (let k = 0; k < x.size; k++) {
      // Perturbed inputs keep requiresGrad, so fn may itself differentiate (as gradgradcheck's does).
      const eval_ = (v: number) =>
        fn(...xs.map((t, q) => (q === i ? withElement(x, k, v).requiresGrad_(true) : t))).detach().to("float64").dataSync();
      const plus = eval_(base[k]! + eps), minus = eval_(base[k]! - eps);
      for (let j = 0; j < nOut; j++) {
        const numeric = (plus[j]! - minus[j]!) / (2 * eps);
        const an = analytic[a]![j]![k]!;
        const err = Math.abs(an - numeric);
        const margin = Number.isNaN(err) ? Infinity : err - (atol + rtol * Math.abs(numeric));
        checked++;
        if (err > maxAbsError || Number.isNaN(err)) maxAbsError = Number.isNaN(err) ? NaN : err;
        if (margin > 0) ok = false;
        if (margin > worstMargin) {
          worstMargin = margin;
          worst = { input: i, inputIndex: k, outputIndex: j, analytic: an, numeric };
        }
      }
    }
  });
  const w = worst as GradcheckMismatch | null;
  const message = ok
    ? `gradcheck passed: ${checked} Jacobian entries, max |analytic − numeric| = ${maxAbsError.toExponential(2)}.`
    : `gradcheck failed: input ${w!.input}, element ${w!.inputIndex}, output element ${w!.outputIndex}: ` +
      `analytic ${w!.analytic} vs numeric ${w!.numeric} (atol ${atol}, rtol ${rtol}). Check the backward of the ops this input flows through.`;
  return { ok, maxAbsError, worst: w, checked, message };
}

/**
 * Second-order check: gradcheck of the function that maps the inputs to their vector-Jacobian product with a
 * fixed random vector, so the backward's own backward is verified.
 */
export function gradgradcheck(fn: Fn, inputs: readonly Tensor[], opts: GradcheckOptions & { seed?: number } = {}): GradcheckReport {
  const xs = toDoubleLeaves(inputs);
  const y0 = fn(...xs);
  if (!y0.requiresGrad) throw new GradError("gradgradcheck: fn's output does not depend on the inputs.");
  const v = randn(y0.shape, { dtype: "float64", generator: new Generator(opts.seed ?? 1234) });
  const vjp = (...args: Tensor[]): Tensor => {
    const diff = args.filter((t) => t.requiresGrad);
    const gs = gradients([fn(...args)], diff, { gradOutputs: [v], createGraph: true, allowUnused: true });
    return cat(gs.map((g) => reshape(g, [g.size])));
  };
  return gradcheck(vjp, xs, opts);
}
