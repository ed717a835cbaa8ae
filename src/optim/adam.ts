/**
 * Adam and AdamW (torch.optim.Adam / AdamW): bias-corrected first and second moment estimates, optional
 * AMSGrad. Adam adds the weight decay to the gradient (L2 penalty); AdamW decays the weights directly
 * ("decoupled weight decay", Loshchilov & Hutter).
 */
import { noGrad } from "../autograd/grad-mode.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { Optimizer, checkBetas, checkNumber, type BaseOptions, type FusedPlan, type ParamGroup, type ParamsInput } from "./optimizer.js";

export interface AdamOptions extends BaseOptions {
  /** Learning rate γ (default 1e-3). */
  lr: number;
  /** Decay rates [β₁, β₂] of the moment estimates, each in [0, 1) (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay rate (defaults 0 and 1e-2). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad). */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** Adam's per-parameter state. */
export type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

export const adamDefaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };
export const adamwDefaults: AdamOptions = { ...adamDefaults, weightDecay: 1e-2 };

function adamCore(param: Tensor, grad: Tensor, state: AdamState | undefined, o: AdamOptions, decoupled: boolean): { param: Tensor; state: AdamState } {
  return noGrad(() => {
    const [beta1, beta2] = o.betas;
    const step = (state?.step ?? 0) + 1;
    let g = o.maximize ? grad.neg() : grad;
    let p = param;
    if (o.weightDecay !== 0) {
      if (decoupled) p = p.mul(1 - o.lr * o.weightDecay);
      else g = g.add(param.mul(o.weightDecay));
    }
    const expAvg = (state?.expAvg ?? zerosLike(param)).mul(beta1).add(g.mul(1 - beta1));
    const expAvgSq = (state?.expAvgSq ?? zerosLike(param)).mul(beta2).add(g.mul(1 - beta2).mul(g));
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = o.lr / biasCorrection1;
    const next: AdamState = { step, expAvg, expAvgSq };
    let second = expAvgSq;
    if (o.amsgrad) {
      second = next.maxExpAvgSq = state?.maxExpAvgSq ? state.maxExpAvgSq.maximum(expAvgSq) : expAvgSq;
    }
    const denom = second.sqrt().div(biasCorrection2Sqrt).add(o.eps);
    return { param: p.add(expAvg.div(denom).mul(-stepSize)), state: next };
  });
}

/**
 * One Adam update, as a pure function (nothing is modified; no graph is recorded). With t the step count:
 * ```
 * g ← ±∇ + λθ
 * m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,   v̂ ← max(v̂, v) with AMSGrad, else v
 * θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * ```
 * `state` undefined means the first step (zero moments).
 * ```ts
 * const { param, state } = adamUpdate(tensor([1]), tensor([2]), undefined, { ...adamDefaults, lr: 0.1 });
 * param.item(); // 0.9 (the first Adam step moves each weight by about lr)
 * state.step;   // 1
 * ```
 */
export const adamUpdate = (param: Tensor, grad: Tensor, state: AdamState | undefined, o: AdamOptions) => adamCore(param, grad, state, o, false);

/**
 * One AdamW update: as `adamUpdate`, but the weight decay multiplies the weights, `θ ← θ(1 − γλ)`, before the
 * Adam step instead of entering the gradient.
 */
export const adamwUpdate = (param: Tensor, grad: Tensor, state: AdamState | undefined, o: AdamOptions) => adamCore(param, grad, state, o, true);

/** The fused form of an Adam/AdamW step (see Optimizer.fusedRule): moments owned by `opt`, written in place. */
function adamFused(
  own: (t: Tensor | undefined) => Tensor, state: AdamState | undefined, o: AdamOptions, decoupled: boolean,
): FusedPlan {
  const step = (state?.step ?? 0) + 1;
  const next: AdamState = { step, expAvg: own(state?.expAvg), expAvgSq: own(state?.expAvgSq) };
  const tensors = [next.expAvg, next.expAvgSq];
  if (o.amsgrad) tensors.push((next.maxExpAvgSq = own(state?.maxExpAvgSq)));
  const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = o;
  return { rule: { kind: "adam", lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize, step }, state: next, tensors };
}

export function validateAdamLike(name: string) {
  return (g: { lr: number; betas: unknown; eps: number; weightDecay: number }): void => {
    checkNumber(name, "lr", g.lr);
    checkNumber(name, "eps", g.eps);
    checkBetas(name, g.betas);
    checkNumber(name, "weightDecay", g.weightDecay);
  };
}

/**
 * Adam, as `torch.optim.Adam`.
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], weightDecay: 0 });
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super("Adam", params, { ...adamDefaults, ...options }, validateAdamLike("Adam"));
  }
  protected override update(param: Tensor, grad: Tensor, state: AdamState | undefined, group: ParamGroup<AdamOptions>) {
    return adamUpdate(param, grad, state, group);
  }
  protected override fusedRule(param: Tensor, state: AdamState | undefined, group: ParamGroup<AdamOptions>): FusedPlan {
    return adamFused((t) => this.ownedState(t, param), state, group, false);
  }
}

/**
 * AdamW (Adam with decoupled weight decay, default 1e-2), as `torch.optim.AdamW`.
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 1e-2 });
 * ```
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super("AdamW", params, { ...adamwDefaults, ...options }, validateAdamLike("AdamW"));
  }
  protected override update(param: Tensor, grad: Tensor, state: AdamState | undefined, group: ParamGroup<AdamOptions>) {
    return adamwUpdate(param, grad, state, group);
  }
  protected override fusedRule(param: Tensor, state: AdamState | undefined, group: ParamGroup<AdamOptions>): FusedPlan {
    return adamFused((t) => this.ownedState(t, param), state, group, true);
  }
}
