/** Adagrad (torch.optim.Adagrad): per-coordinate steps scaled by the root of the summed squared gradients. */
import { noGrad } from "../autograd/grad-mode.js";
import { fullLike } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { Optimizer, checkNumber, type BaseOptions, type FusedPlan, type ParamGroup, type ParamsInput } from "./optimizer.js";

export interface AdagradOptions extends BaseOptions {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** η: the step's lr is γ / (1 + (t − 1)η) (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator (default 1e-10). */
  eps: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Adagrad's per-parameter state. */
export type AdagradState = { step: number; sum: Tensor };

export const adagradDefaults: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };

/**
 * One Adagrad update, as a pure function:
 * ```
 * g ← ±∇ + λθ,   γ̃ = γ/(1 + (t − 1)η),   s ← s + g²,   θ ← θ − γ̃ · g/(√s + ε)
 * ```
 * ```ts
 * const { param } = adagradUpdate(tensor([1]), tensor([2]), undefined, { ...adagradDefaults, lr: 0.1 });
 * param.item(); // 0.9
 * ```
 */
export function adagradUpdate(param: Tensor, grad: Tensor, state: AdagradState | undefined, o: AdagradOptions): { param: Tensor; state: AdagradState } {
  return noGrad(() => {
    const step = (state?.step ?? 0) + 1;
    let g = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) g = g.add(param.mul(o.weightDecay));
    const clr = o.lr / (1 + (step - 1) * o.lrDecay);
    const sum = (state?.sum ?? fullLike(param, o.initialAccumulatorValue)).add(g.mul(g));
    const std = sum.sqrt().add(o.eps);
    return { param: param.add(g.div(std).mul(-clr)), state: { step, sum } };
  });
}

/**
 * Adagrad, as `torch.optim.Adagrad`.
 * ```ts
 * const opt = new Adagrad(model.parameters(), { lr: 1e-2, lrDecay: 0 });
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super("Adagrad", params, { ...adagradDefaults, ...options }, (g) => {
      checkNumber("Adagrad", "lr", g.lr);
      checkNumber("Adagrad", "lrDecay", g.lrDecay);
      checkNumber("Adagrad", "weightDecay", g.weightDecay);
      checkNumber("Adagrad", "initialAccumulatorValue", g.initialAccumulatorValue);
      checkNumber("Adagrad", "eps", g.eps);
    });
  }
  protected override update(param: Tensor, grad: Tensor, state: AdagradState | undefined, group: ParamGroup<AdagradOptions>) {
    return adagradUpdate(param, grad, state, group);
  }
  protected override fusedRule(param: Tensor, state: AdagradState | undefined, o: ParamGroup<AdagradOptions>): FusedPlan {
    const { lr, lrDecay, eps, weightDecay, maximize } = o;
    const step = (state?.step ?? 0) + 1;
    const sum = this.ownedState(state?.sum, param, o.initialAccumulatorValue);
    return { rule: { kind: "adagrad", lr, lrDecay, eps, weightDecay, maximize, step }, state: { step, sum }, tensors: [sum] };
  }
}
