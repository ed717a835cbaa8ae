/** Adamax (torch.optim.Adamax): Adam with the second moment replaced by an exponentially weighted infinity norm. */
import { noGrad } from "../autograd/grad-mode.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { validateAdamLike } from "./adam.js";
import { Optimizer, type BaseOptions, type FusedPlan, type ParamGroup, type ParamsInput } from "./optimizer.js";

export interface AdamaxOptions extends BaseOptions {
  /** Learning rate γ (default 2e-3). */
  lr: number;
  /** [β₁, β₂], each in [0, 1) (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to |g| in the norm (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Adamax's per-parameter state. */
export type AdamaxState = { step: number; expAvg: Tensor; expInf: Tensor };

export const adamaxDefaults: AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false };

/**
 * One Adamax update, as a pure function:
 * ```
 * g ← ±∇ + λθ
 * m ← β₁m + (1 − β₁)g,   u ← max(β₂u, |g| + ε)
 * θ ← θ − γ/(1 − β₁ᵗ) · m/u
 * ```
 * ```ts
 * const { param } = adamaxUpdate(tensor([1]), tensor([2]), undefined, { ...adamaxDefaults, lr: 0.1 });
 * param.item(); // 0.9
 * ```
 */
export function adamaxUpdate(param: Tensor, grad: Tensor, state: AdamaxState | undefined, o: AdamaxOptions): { param: Tensor; state: AdamaxState } {
  return noGrad(() => {
    const [beta1, beta2] = o.betas;
    const step = (state?.step ?? 0) + 1;
    let g = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) g = g.add(param.mul(o.weightDecay));
    const expAvg = (state?.expAvg ?? zerosLike(param)).mul(beta1).add(g.mul(1 - beta1));
    const expInf = (state?.expInf ?? zerosLike(param)).mul(beta2).maximum(g.abs().add(o.eps));
    const clr = o.lr / (1 - beta1 ** step);
    return { param: param.add(expAvg.div(expInf).mul(-clr)), state: { step, expAvg, expInf } };
  });
}

/**
 * Adamax, as `torch.optim.Adamax`.
 * ```ts
 * const opt = new Adamax(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super("Adamax", params, { ...adamaxDefaults, ...options }, validateAdamLike("Adamax"));
  }
  protected override update(param: Tensor, grad: Tensor, state: AdamaxState | undefined, group: ParamGroup<AdamaxOptions>) {
    return adamaxUpdate(param, grad, state, group);
  }
  protected override fusedRule(param: Tensor, state: AdamaxState | undefined, o: ParamGroup<AdamaxOptions>): FusedPlan {
    const { lr, betas: [beta1, beta2], eps, weightDecay, maximize } = o;
    const step = (state?.step ?? 0) + 1;
    const expAvg = this.ownedState(state?.expAvg, param), expInf = this.ownedState(state?.expInf, param);
    return { rule: { kind: "adamax", lr, beta1, beta2, eps, weightDecay, maximize, step }, state: { step, expAvg, expInf }, tensors: [expAvg, expInf] };
  }
}
