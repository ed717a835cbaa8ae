/** Adadelta (torch.optim.Adadelta): steps sized by the ratio of running RMS of past updates and of gradients. */
import { noGrad } from "../autograd/grad-mode.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { Optimizer, checkNumber, type BaseOptions, type FusedPlan, type ParamGroup, type ParamsInput } from "./optimizer.js";

export interface AdadeltaOptions extends BaseOptions {
  /** Scale of the update (default 1). */
  lr: number;
  /** Decay ρ of both running averages, in [0, 1] (default 0.9). */
  rho: number;
  /** Added inside both square roots (default 1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Adadelta's per-parameter state. */
export type AdadeltaState = { step: number; squareAvg: Tensor; accDelta: Tensor };

export const adadeltaDefaults: AdadeltaOptions = { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false };

/**
 * One Adadelta update, as a pure function:
 * ```
 * g ← ±∇ + λθ,   v ← ρv + (1 − ρ)g²,   Δ = √(u + ε)/√(v + ε) · g,   u ← ρu + (1 − ρ)Δ²,   θ ← θ − γΔ
 * ```
 * ```ts
 * const { state } = adadeltaUpdate(tensor([1]), tensor([2]), undefined, adadeltaDefaults);
 * state.squareAvg.item(); // 0.4
 * ```
 */
export function adadeltaUpdate(param: Tensor, grad: Tensor, state: AdadeltaState | undefined, o: AdadeltaOptions): { param: Tensor; state: AdadeltaState } {
  return noGrad(() => {
    let g = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) g = g.add(param.mul(o.weightDecay));
    const squareAvg = (state?.squareAvg ?? zerosLike(param)).mul(o.rho).add(g.mul(1 - o.rho).mul(g));
    const std = squareAvg.add(o.eps).sqrt();
    const prevAcc = state?.accDelta ?? zerosLike(param);
    const delta = prevAcc.add(o.eps).sqrt().div(std).mul(g);
    const accDelta = prevAcc.mul(o.rho).add(delta.mul(1 - o.rho).mul(delta));
    return { param: param.sub(delta.mul(o.lr)), state: { step: (state?.step ?? 0) + 1, squareAvg, accDelta } };
  });
}

/**
 * Adadelta, as `torch.optim.Adadelta`.
 * ```ts
 * const opt = new Adadelta(model.parameters(), { rho: 0.9 });
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super("Adadelta", params, { ...adadeltaDefaults, ...options }, (g) => {
      checkNumber("Adadelta", "lr", g.lr);
      checkNumber("Adadelta", "rho", g.rho, { max: 1 });
      checkNumber("Adadelta", "eps", g.eps);
      checkNumber("Adadelta", "weightDecay", g.weightDecay);
    });
  }
  protected override update(param: Tensor, grad: Tensor, state: AdadeltaState | undefined, group: ParamGroup<AdadeltaOptions>) {
    return adadeltaUpdate(param, grad, state, group);
  }
  protected override fusedRule(param: Tensor, state: AdadeltaState | undefined, o: ParamGroup<AdadeltaOptions>): FusedPlan {
    const { lr, rho, eps, weightDecay, maximize } = o;
    const squareAvg = this.ownedState(state?.squareAvg, param), accDelta = this.ownedState(state?.accDelta, param);
    return { rule: { kind: "adadelta", lr, rho, eps, weightDecay, maximize }, state: { step: (state?.step ?? 0) + 1, squareAvg, accDelta }, tensors: [squareAvg, accDelta] };
  }
}
