/** NAdam (torch.optim.NAdam): Adam with Nesterov momentum and Dozat's momentum-decay schedule. */
import { noGrad } from "../autograd/grad-mode.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { validateAdamLike } from "./adam.js";
import { Optimizer, checkNumber, type BaseOptions, type FusedPlan, type ParamGroup, type ParamsInput } from "./optimizer.js";

export interface NAdamOptions extends BaseOptions {
  /** Learning rate γ (default 2e-3). */
  lr: number;
  /** [β₁, β₂], each in [0, 1) (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** ψ in the momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)) (default 4e-3). */
  momentumDecay: number;
}

/** NAdam's per-parameter state; `muProduct` is Π μ₁..μₜ. */
export type NAdamState = { step: number; muProduct: number; expAvg: Tensor; expAvgSq: Tensor };

export const nadamDefaults: NAdamOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 };

/** The momentum coefficient μₜ = β₁(1 − ½·0.96^(tψ)). */
const nadamMu = (t: number, o: NAdamOptions): number => o.betas[0] * (1 - 0.5 * 0.96 ** (t * o.momentumDecay));

/**
 * One NAdam update, as a pure function:
 * ```
 * g ← ∇ + λθ,   μₜ = β₁(1 − ½·0.96^(tψ)),   μₜ₊₁ likewise,   Πₜ = Πₜ₋₁μₜ
 * m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,   d = √(v/(1 − β₂ᵗ)) + ε
 * θ ← θ − γ(1 − μₜ)/(1 − Πₜ) · g/d − γμₜ₊₁/(1 − Πₜμₜ₊₁) · m/d
 * ```
 * ```ts
 * const { state } = nadamUpdate(tensor([1]), tensor([2]), undefined, nadamDefaults);
 * state.step; // 1
 * ```
 */
export function nadamUpdate(param: Tensor, grad: Tensor, state: NAdamState | undefined, o: NAdamOptions): { param: Tensor; state: NAdamState } {
  return noGrad(() => {
    const [beta1, beta2] = o.betas;
    const step = (state?.step ?? 0) + 1;
    const biasCorrection2 = 1 - beta2 ** step;
    let g = grad;
    if (o.weightDecay !== 0) g = g.add(param.mul(o.weightDecay));
    const mu = nadamMu(step, o), muNext = nadamMu(step + 1, o);
    const muProduct = (state?.muProduct ?? 1) * mu;
    const muProductNext = muProduct * muNext;
    const expAvg = (state?.expAvg ?? zerosLike(param)).mul(beta1).add(g.mul(1 - beta1));
    const expAvgSq = (state?.expAvgSq ?? zerosLike(param)).mul(beta2).add(g.mul(1 - beta2).mul(g));
    const denom = expAvgSq.div(biasCorrection2).sqrt().add(o.eps);
    const p = param
      .add(g.div(denom).mul((-o.lr * (1 - mu)) / (1 - muProduct)))
      .add(expAvg.div(denom).mul((-o.lr * muNext) / (1 - muProductNext)));
    return { param: p, state: { step, muProduct, expAvg, expAvgSq } };
  });
}

/**
 * NAdam, as `torch.optim.NAdam`.
 * ```ts
 * const opt = new NAdam(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    const check = validateAdamLike("NAdam");
    super("NAdam", params, { ...nadamDefaults, ...options }, (g) => {
      check(g);
      checkNumber("NAdam", "momentumDecay", g.momentumDecay);
    });
  }
  protected override update(param: Tensor, grad: Tensor, state: NAdamState | undefined, group: ParamGroup<NAdamOptions>) {
    return nadamUpdate(param, grad, state, group);
  }
  protected override fusedRule(param: Tensor, state: NAdamState | undefined, o: ParamGroup<NAdamOptions>): FusedPlan {
    const { lr, betas: [beta1, beta2], eps, weightDecay } = o;
    const step = (state?.step ?? 0) + 1;
    const mu = nadamMu(step, o), muNext = nadamMu(step + 1, o);
    const muProduct = (state?.muProduct ?? 1) * mu;
    const expAvg = this.ownedState(state?.expAvg, param), expAvgSq = this.ownedState(state?.expAvgSq, param);
    return {
      rule: { kind: "nadam", lr, beta1, beta2, eps, weightDecay, step, mu, muNext, muProduct },
      state: { step, muProduct, expAvg, expAvgSq },
      tensors: [expAvg, expAvgSq],
    };
  }
}
