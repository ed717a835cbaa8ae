/** Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay (torch.optim.SGD). */
import { noGrad } from "../autograd/grad-mode.js";
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { Optimizer, checkNumber, type BaseOptions, type FusedPlan, type ParamGroup, type ParamsInput } from "./optimizer.js";

export interface SGDOptions extends BaseOptions {
  /** Learning rate γ (default 1e-3, as PyTorch ≥ 2.2; 1.x required it). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening τ of the gradient added to the momentum buffer (default 0). */
  dampening: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** L2 penalty λ added to the gradient: g + λθ (default 0). */
  weightDecay: number;
  /** Ascend the objective instead of descending it. */
  maximize: boolean;
}

/** SGD's per-parameter state: the momentum buffer (absent when momentum is 0). */
export type SGDState = { momentumBuffer?: Tensor };

export const sgdDefaults: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };

/**
 * One SGD update, as a pure function (nothing is modified; no graph is recorded):
 * ```
 * g ← ±∇ + λθ
 * b ← g (first step), μ·b + (1 − τ)·g (later)          if μ ≠ 0
 * g ← g + μ·b (Nesterov)  or  g ← b                     if μ ≠ 0
 * θ ← θ − γ·g
 * ```
 * ```ts
 * const { param } = sgdUpdate(tensor([1, 2]), tensor([0.5, -1]), undefined, { ...sgdDefaults, lr: 0.1 });
 * param.toArray(); // [0.95, 2.1]
 * ```
 */
export function sgdUpdate(param: Tensor, grad: Tensor, state: SGDState | undefined, o: SGDOptions): { param: Tensor; state: SGDState } {
  return noGrad(() => {
    let d = o.maximize ? grad.neg() : grad;
    if (o.weightDecay !== 0) d = d.add(param.mul(o.weightDecay));
    if (o.momentum === 0) return { param: param.sub(d.mul(o.lr)), state: {} };
    const prev = state?.momentumBuffer;
    const buf = prev === undefined ? d.clone() : prev.mul(o.momentum).add(d.mul(1 - o.dampening));
    d = o.nesterov ? d.add(buf.mul(o.momentum)) : buf;
    return { param: param.sub(d.mul(o.lr)), state: { momentumBuffer: buf } };
  });
}

function validateSGD(g: SGDOptions): void {
  checkNumber("SGD", "lr", g.lr);
  checkNumber("SGD", "momentum", g.momentum);
  checkNumber("SGD", "dampening", g.dampening);
  checkNumber("SGD", "weightDecay", g.weightDecay);
  if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
    throw new ValueError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${g.momentum} and dampening ${g.dampening}.`);
  }
}

/**
 * Stochastic gradient descent (optionally with momentum), as `torch.optim.SGD`.
 * ```ts
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); w.mul(w).sum().backward(); opt.step();
 * w.toArray(); // [0.8, -1.6]
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super("SGD", params, { ...sgdDefaults, ...options }, validateSGD);
  }
  protected override update(param: Tensor, grad: Tensor, state: SGDState | undefined, group: ParamGroup<SGDOptions>) {
    return sgdUpdate(param, grad, state, group);
  }
  protected override fusedRule(param: Tensor, state: SGDState | undefined, o: ParamGroup<SGDOptions>): FusedPlan {
    const { lr, momentum, dampening, nesterov, weightDecay, maximize } = o;
    const rule = { kind: "sgd", lr, momentum, dampening, nesterov, weightDecay, maximize, first: state?.momentumBuffer === undefined } as const;
    if (momentum === 0) return { rule, state: {}, tensors: [] };
    const momentumBuffer = this.ownedState(state?.momentumBuffer, param);
    return { rule, state: { momentumBuffer }, tensors: [momentumBuffer] };
  }
}
