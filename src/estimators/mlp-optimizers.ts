/**
 * scikit-learn's two stochastic optimizers for the MLP (`_stochastic_optimizers.py`), ported exactly. They
 * differ from `optim.SGD` / `optim.Adam` in ways that show in training curves, so the estimators use these:
 * - SGD keeps a velocity already scaled by the learning rate (`v ← μv − γ∇`), so when the rate changes
 *   ("invscaling", "adaptive") the old velocity keeps its old rate; PyTorch's buffer is rate-free.
 * - Adam folds both bias corrections into the step size, `γₜ = γ·√(1 − β₂ᵗ)/(1 − β₁ᵗ)`, and adds ε to `√v`
 *   uncorrected; PyTorch adds ε to `√v / √(1 − β₂ᵗ)`.
 */
import { noGrad } from "../autograd/grad-mode.js";
import { zerosLike } from "../ops/creation.js";
import { Optimizer, checkNumber, type BaseOptions, type ParamGroup, type ParamsInput } from "../optim/optimizer.js";
import type { Tensor } from "../tensor.js";

export interface SklearnSGDOptions extends BaseOptions {
  /** Learning rate γ (the estimator changes it for "invscaling" and "adaptive"). */
  lr: number;
  /** Momentum μ in [0, 1]. */
  momentum: number;
  /** Nesterov's momentum. */
  nesterov: boolean;
}
export type SklearnSGDState = { velocity: Tensor };
export const sklearnSgdDefaults: SklearnSGDOptions = { lr: 0.1, momentum: 0.9, nesterov: true };

/**
 * One update of scikit-learn's `SGDOptimizer` (pure):
 * ```
 * v ← μv − γ∇             (v starts at 0)
 * θ ← θ + μv − γ∇  (Nesterov)   or   θ ← θ + v
 * ```
 * ```ts
 * sklearnSgdUpdate(tensor([1]), tensor([2]), undefined, { lr: 0.1, momentum: 0.9, nesterov: true }).param.item(); // 1 − 0.18 − 0.2 = 0.62
 * ```
 */
export function sklearnSgdUpdate(param: Tensor, grad: Tensor, state: SklearnSGDState | undefined, o: SklearnSGDOptions): { param: Tensor; state: SklearnSGDState } {
  return noGrad(() => {
    const step = grad.mul(-o.lr);
    const velocity = state ? state.velocity.mul(o.momentum).add(step) : step;
    const update = o.nesterov ? velocity.mul(o.momentum).add(step) : velocity;
    return { param: param.add(update), state: { velocity } };
  });
}

export interface SklearnAdamOptions extends BaseOptions {
  /** Learning rate γ. */
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}
export type SklearnAdamState = { step: number; m: Tensor; v: Tensor };
export const sklearnAdamDefaults: SklearnAdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * One update of scikit-learn's `AdamOptimizer` (pure), with t the step count:
 * ```
 * m ← β₁m + (1 − β₁)∇,   v ← β₂v + (1 − β₂)∇²,   γₜ = γ·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
 * θ ← θ − γₜ·m / (√v + ε)
 * ```
 * ```ts
 * sklearnAdamUpdate(tensor([1]), tensor([2]), undefined, { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }).param.item(); // ≈ 0.9
 * ```
 */
export function sklearnAdamUpdate(param: Tensor, grad: Tensor, state: SklearnAdamState | undefined, o: SklearnAdamOptions): { param: Tensor; state: SklearnAdamState } {
  return noGrad(() => {
    const step = (state?.step ?? 0) + 1;
    const m = (state?.m ?? zerosLike(param)).mul(o.beta1).add(grad.mul(1 - o.beta1));
    const v = (state?.v ?? zerosLike(param)).mul(o.beta2).add(grad.square().mul(1 - o.beta2));
    const lrT = (o.lr * Math.sqrt(1 - o.beta2 ** step)) / (1 - o.beta1 ** step);
    return { param: param.add(m.mul(-lrT).div(v.sqrt().add(o.epsilon))), state: { step, m, v } };
  });
}

/** scikit-learn's MLP SGD as an `Optimizer` (param groups, state dicts, schedulers all apply). */
export class SklearnSGD extends Optimizer<SklearnSGDOptions> {
  constructor(params: ParamsInput<SklearnSGDOptions>, options: Partial<SklearnSGDOptions> = {}) {
    super("SklearnSGD", params, { ...sklearnSgdDefaults, ...options }, (g) => {
      checkNumber("SklearnSGD", "lr", g.lr);
      checkNumber("SklearnSGD", "momentum", g.momentum, { max: 1 });
    });
  }
  protected override update(param: Tensor, grad: Tensor, state: SklearnSGDState | undefined, group: ParamGroup<SklearnSGDOptions>) {
    return sklearnSgdUpdate(param, grad, state, group);
  }
}

/** scikit-learn's MLP Adam as an `Optimizer`. */
export class SklearnAdam extends Optimizer<SklearnAdamOptions> {
  constructor(params: ParamsInput<SklearnAdamOptions>, options: Partial<SklearnAdamOptions> = {}) {
    super("SklearnAdam", params, { ...sklearnAdamDefaults, ...options }, (g) => {
      checkNumber("SklearnAdam", "lr", g.lr);
      checkNumber("SklearnAdam", "beta1", g.beta1, { max: 1, maxInclusive: false });
      checkNumber("SklearnAdam", "beta2", g.beta2, { max: 1, maxInclusive: false });
      checkNumber("SklearnAdam", "epsilon", g.epsilon);
    });
  }
  protected override update(param: Tensor, grad: Tensor, state: SklearnAdamState | undefined, group: ParamGroup<SklearnAdamOptions>) {
    return sklearnAdamUpdate(param, grad, state, group);
  }
}
