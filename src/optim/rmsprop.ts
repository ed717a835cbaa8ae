/** RMSprop (torch.optim.RMSprop): divide the gradient by a running root-mean-square, optionally centered, with momentum. */
import { noGrad } from "../autograd/grad-mode.js";
import { zerosLike } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { Optimizer, checkNumber, type BaseOptions, type FusedPlan, type ParamGroup, type ParamsInput } from "./optimizer.js";

export interface RMSpropOptions extends BaseOptions {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Normalize by the estimated variance (subtract the squared mean gradient). */
  centered: boolean;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** RMSprop's per-parameter state. */
export type RMSpropState = { step: number; squareAvg: Tensor; momentumBuffer?: Tensor; gradAvg?: Tensor };

export const rmspropDefaults: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };

/**
 * One RMSprop update, as a pure function:
 * ```
 * g ← ±∇ + λθ,   v ← αv + (1 − α)g²
 * centered: ḡ ← αḡ + (1 − α)g,  d = √(v − ḡ²) + ε;   else d = √v + ε
 * momentum: b ← μb + g/d, θ ← θ − γb;   else θ ← θ − γ·g/d
 * ```
 * ```ts
 * const { param } = rmspropUpdate(tensor([1]), tensor([2]), undefined, { ...rmspropDefaults, lr: 0.01 });
 * param.item(); // 0.9 (g/√(0.01g²) = 10)
 * ```
 */
export function rmspropUpdate(param: Tensor, grad: Tensor, state: RMSpropState | undefined, o: RMSpropOptions): { param: Tensor; state: RMSpropState } {
  return noGrad(() => {
    let g = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) g = g.add(param.mul(o.weightDecay));
    const squareAvg = (state?.squareAvg ?? zerosLike(param)).mul(o.alpha).add(g.mul(1 - o.alpha).mul(g));
    const next: RMSpropState = { step: (state?.step ?? 0) + 1, squareAvg };
    let avg: Tensor;
    if (o.centered) {
      const gradAvg = (state?.gradAvg ?? zerosLike(param)).mul(o.alpha).add(g.mul(1 - o.alpha));
      next.gradAvg = gradAvg;
      avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
    } else {
      avg = squareAvg.sqrt();
    }
    avg = avg.add(o.eps);
    if (o.momentum > 0) {
      const buf = (state?.momentumBuffer ?? zerosLike(param)).mul(o.momentum).add(g.div(avg));
      next.momentumBuffer = buf;
      return { param: param.sub(buf.mul(o.lr)), state: next };
    }
    return { param: param.add(g.div(avg).mul(-o.lr)), state: next };
  });
}

/**
 * RMSprop, as `torch.optim.RMSprop`.
 * ```ts
 * const opt = new RMSprop(model.parameters(), { lr: 1e-2, alpha: 0.99, centered: true, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super("RMSprop", params, { ...rmspropDefaults, ...options }, (g) => {
      checkNumber("RMSprop", "lr", g.lr);
      checkNumber("RMSprop", "alpha", g.alpha, { max: 1 });
      checkNumber("RMSprop", "eps", g.eps);
      checkNumber("RMSprop", "weightDecay", g.weightDecay);
      checkNumber("RMSprop", "momentum", g.momentum);
    });
  }
  protected override update(param: Tensor, grad: Tensor, state: RMSpropState | undefined, group: ParamGroup<RMSpropOptions>) {
    return rmspropUpdate(param, grad, state, group);
  }
  protected override fusedRule(param: Tensor, state: RMSpropState | undefined, o: ParamGroup<RMSpropOptions>): FusedPlan {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = o;
    const next: RMSpropState = { step: (state?.step ?? 0) + 1, squareAvg: this.ownedState(state?.squareAvg, param) };
    const tensors = [next.squareAvg];
    if (centered) tensors.push((next.gradAvg = this.ownedState(state?.gradAvg, param)));
    if (momentum > 0) tensors.push((next.momentumBuffer = this.ownedState(state?.momentumBuffer, param)));
    return { rule: { kind: "rmsprop", lr, alpha, eps, weightDecay, momentum, centered, maximize }, state: next, tensors };
  }
}
