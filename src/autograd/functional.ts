/**
 * Functional autodiff: `gradients(outputs, inputs)` as `torch.autograd.grad`, and JAX-style `grad(f)` /
 * `valueAndGrad(f)` that return new functions. Nesting works: `grad(grad(f))` is the second derivative.
 */
import { GradError, fmtShape } from "../errors.js";
import { Tensor } from "../tensor.js";
import { runBackward, seedGradient, startRelease } from "./backward.js";
import { isGradEnabled } from "./grad-mode.js";

export interface GradientsOptions {
  /** Vectors for the vector-Jacobian product; required for non-scalar outputs. */
  gradOutputs?: readonly Tensor[];
  /** Record the backward pass so the result can be differentiated again (default false). */
  createGraph?: boolean;
  /** Keep the graph for another backward (default: createGraph). */
  retainGraph?: boolean;
  /** Return a zero tensor (instead of failing) for an input the outputs do not depend on. */
  allowUnused?: boolean;
}

/**
 * d(Σ outputs·gradOutputs)/d(inputs), without touching any `.grad`, as `torch.autograd.grad`.
 * ```ts
 * const x = tensor([3], { requiresGrad: true });
 * const [dx] = gradients([x.pow(2).sum()], [x]); // [6]
 * ```
 */
export function gradients(outputs: readonly Tensor[], inputs: readonly Tensor[], opts: GradientsOptions = {}): Tensor[] {
  const release = startRelease(outputs, opts.createGraph); // before the seeds: seeds made here may be freed
  const gOuts = outputs.map((y, i) =>
    seedGradient(y, opts.gradOutputs?.[i], {
      missing: () => `gradients: outputs[${i}] has shape ${fmtShape(y.shape)}; a non-scalar output needs gradOutputs[${i}] (or reduce it to a scalar).`,
      mismatch: (g) => `gradients: gradOutputs[${i}] has shape ${fmtShape(g.shape)}, but outputs[${i}] has ${fmtShape(y.shape)}.`,
    }),
  );
  outputs.forEach((y, i) => {
    if (!y.requiresGrad) {
      throw new GradError(`gradients: outputs[${i}] does not require grad: it does not depend on any input that requires grad.`);
    }
  });
  inputs.forEach((x, i) => {
    if (!x.requiresGrad) throw new GradError(`gradients: inputs[${i}] does not require grad; create it with { requiresGrad: true }.`);
  });
  const got = runBackward(outputs, gOuts, { ...opts, accumulate: false, capture: inputs, release });
  return inputs.map((x, i) => {
    const g = got.get(x);
    if (g) return g;
    if (opts.allowUnused) return x._scalarFill(0);
    throw new GradError(`gradients: inputs[${i}] (shape ${fmtShape(x.shape)}) is not used to compute the outputs. Pass { allowUnused: true } to get zeros.`);
  });
}

type TensorFn = (...args: Tensor[]) => Tensor;

/** Makes the arguments differentiable: leaves get fresh tracked copies; tensors already in a graph stay. */
function track(args: readonly Tensor[]): { tracked: Tensor[]; nested: boolean } {
  let nested = false;
  const tracked = args.map((a) => {
    if (!(a instanceof Tensor)) throw new GradError(`grad: every argument must be a Tensor, got ${typeof a}.`);
    if (a.requiresGrad && isGradEnabled()) {
      nested = true;
      return a;
    }
    return a.detach().requiresGrad_(true);
  });
  return { tracked, nested };
}

function scalarOut(f: TensorFn, out: unknown): Tensor {
  if (!(out instanceof Tensor) || out.size !== 1) {
    const shape = out instanceof Tensor ? fmtShape(out.shape) : typeof out;
    throw new GradError(`grad: the function ${f.name || "f"} must return a scalar tensor, got ${shape}. Reduce its output (e.g. .sum()).`);
  }
  return out;
}

/**
 * `valueAndGrad(f)(...args)` → `[f(...args), [∂f/∂arg0, ...]]` for a scalar-valued f of tensors.
 * `argnums` picks which arguments to differentiate (default all).
 */
export function valueAndGrad(f: TensorFn, { argnums }: { argnums?: readonly number[] } = {}) {
  return (...args: Tensor[]): [Tensor, Tensor[]] => {
    const { tracked, nested } = track(args);
    const value = scalarOut(f, f(...tracked));
    const which = argnums ?? tracked.map((_, i) => i);
    const wrt = which.map((i) => tracked[i]!);
    if (!value.requiresGrad) return [value, wrt.map((x) => x._scalarFill(0))];
    const gs = gradients([value], wrt, { createGraph: nested, allowUnused: true });
    return [nested ? value : value.detach(), gs];
  };
}

/**
 * `grad(f)(x)` → ∂f/∂x for a scalar-valued f of one tensor (for several arguments, an array of gradients;
 * see valueAndGrad). Composable: `grad(grad(f))(x)` is f''(x).
 * ```ts
 * const f = (x: Tensor) => x.pow(3).sum();
 * grad(grad(f))(tensor([2])).item(); // 12
 * ```
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor;
export function grad(f: TensorFn, opts: { argnums: readonly number[] }): (...args: Tensor[]) => Tensor[];
export function grad(f: TensorFn, opts?: { argnums?: readonly number[] }): (...args: Tensor[]) => Tensor | Tensor[] {
  const vg = valueAndGrad(f, opts);
  return (...args: Tensor[]) => {
    const gs = vg(...args)[1];
    return opts?.argnums ? gs : args.length === 1 ? gs[0]! : gs;
  };
}
