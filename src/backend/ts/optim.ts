/**
 * The fused optimizer update (`Kernels.optimizerStep`) of the reference backend, and the rule encoding every
 * backend shares: `optimizerConstants` turns an OptimizerRule into a rule code, flag bits and the constants
 * (`1 − β₁`, `−γ/(1 − β₁ᵗ)`, ...) computed in float64 exactly as the pure updates in src/optim compute them.
 *
 * Each element runs the pure update's operations in its order, every result rounded to the parameter's dtype
 * (`Math.fround` for float32) and every constant rounded once, as a scalar operand of that dtype is: so the
 * fused step gives the same bits as the composite ops (`adamUpdate` then `copy_`) on this backend.
 */
import { ValueError, fmtShape } from "../../errors.js";
import { isContiguous, sizeOf } from "../../shape.js";
import type { OptimizerRule, View } from "../backend.js";
import type { TsView } from "./storage.js";

/** Rule codes (mirrored in assembly/optim.ts). */
export const OPTIM_RULE = { sgd: 0, adam: 1, adamax: 2, nadam: 3, rmsprop: 4, adagrad: 5, adadelta: 6 } as const;

/** Flag bits (mirrored in assembly/optim.ts). */
export const OPTIM_FLAG = {
  maximize: 1, decay: 2, decoupled: 4, amsgrad: 8, momentum: 16, nesterov: 32, first: 64, centered: 128,
} as const;

/** The most constants a rule has. */
export const OPTIM_MAX_CONSTANTS = 9;

/** A rule as the kernels take it: its code, flag bits and float64 constants (layout per rule below). */
export interface OptimizerConstants {
  code: number;
  flags: number;
  /**
   * sgd: [λ, γ, μ, 1 − τ]; adam: [λ, 1 − γλ, β₁, 1 − β₁, β₂, 1 − β₂, √(1 − β₂ᵗ), ε, −γ/(1 − β₁ᵗ)];
   * adamax: [λ, β₁, 1 − β₁, β₂, ε, −γ/(1 − β₁ᵗ)]; nadam: [λ, β₁, 1 − β₁, β₂, 1 − β₂, 1 − β₂ᵗ, ε,
   * −γ(1 − μₜ)/(1 − Πₜ), −γμₜ₊₁/(1 − Πₜμₜ₊₁)]; rmsprop: [λ, α, 1 − α, ε, μ, γ, −γ];
   * adagrad: [λ, ε, −γ/(1 + (t − 1)η)]; adadelta: [λ, ρ, 1 − ρ, ε, γ].
   */
  c: number[];
}

/** How many state tensors the rule updates (see OptimizerRule). */
export function optimizerStateCount(rule: OptimizerRule): number {
  switch (rule.kind) {
    case "sgd": return rule.momentum !== 0 ? 1 : 0;
    case "adam": return rule.amsgrad ? 3 : 2;
    case "adamax": case "nadam": case "adadelta": return 2;
    case "rmsprop": return 1 + (rule.centered ? 1 : 0) + (rule.momentum > 0 ? 1 : 0);
    case "adagrad": return 1;
  }
}

/** The rule's code, flags and constants, each constant computed as the pure update computes it. */
export function optimizerConstants(rule: OptimizerRule): OptimizerConstants {
  const F = OPTIM_FLAG;
  let flags = rule.weightDecay !== 0 ? F.decay : 0;
  if ("maximize" in rule && rule.maximize) flags |= F.maximize;
  const wd = rule.weightDecay;
  switch (rule.kind) {
    case "sgd":
      if (rule.momentum !== 0) flags |= F.momentum;
      if (rule.nesterov) flags |= F.nesterov;
      if (rule.first) flags |= F.first;
      return { code: OPTIM_RULE.sgd, flags, c: [wd, rule.lr, rule.momentum, 1 - rule.dampening] };
    case "adam": {
      if (rule.decoupled) flags |= F.decoupled;
      if (rule.amsgrad) flags |= F.amsgrad;
      const { lr, beta1, beta2, step } = rule;
      const stepSize = lr / (1 - beta1 ** step);
      return { code: OPTIM_RULE.adam, flags, c: [wd, 1 - lr * wd, beta1, 1 - beta1, beta2, 1 - beta2, Math.sqrt(1 - beta2 ** step), rule.eps, -stepSize] };
    }
    case "adamax": {
      const clr = rule.lr / (1 - rule.beta1 ** rule.step);
      return { code: OPTIM_RULE.adamax, flags, c: [wd, rule.beta1, 1 - rule.beta1, rule.beta2, rule.eps, -clr] };
    }
    case "nadam": {
      const { lr, beta1, beta2, mu, muNext, muProduct } = rule;
      const c1 = (-lr * (1 - mu)) / (1 - muProduct);
      const c2 = (-lr * muNext) / (1 - muProduct * muNext);
      return { code: OPTIM_RULE.nadam, flags, c: [wd, beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta2 ** rule.step, rule.eps, c1, c2] };
    }
    case "rmsprop":
      if (rule.centered) flags |= F.centered;
      if (rule.momentum > 0) flags |= F.momentum;
      return { code: OPTIM_RULE.rmsprop, flags, c: [wd, rule.alpha, 1 - rule.alpha, rule.eps, rule.momentum, rule.lr, -rule.lr] };
    case "adagrad": {
      const clr = rule.lr / (1 + (rule.step - 1) * rule.lrDecay);
      return { code: OPTIM_RULE.adagrad, flags, c: [wd, rule.eps, -clr] };
    }
    case "adadelta":
      return { code: OPTIM_RULE.adadelta, flags, c: [wd, rule.rho, 1 - rule.rho, rule.eps, rule.lr] };
  }
}

/**
 * Checks the operands of optimizerStep (every backend calls it): float32 or float64, all of param's dtype and
 * element count, contiguous, the states as many as the rule updates, on distinct storages none of which is
 * grad's. Returns the element count.
 */
export function checkOptimizerStep(rule: OptimizerRule, param: View, grad: View, states: readonly View[]): number {
  const op = `optimizerStep(${rule.kind})`;
  const dtype = param.storage.dtype;
  if (dtype !== "float32" && dtype !== "float64") throw new ValueError(`${op}: the parameter must be float32 or float64, got ${dtype}.`);
  const want = optimizerStateCount(rule);
  if (states.length !== want) throw new ValueError(`${op}: expected ${want} state tensors for these options, got ${states.length}.`);
  const n = sizeOf(param.shape);
  for (let i = -2; i < states.length; i++) {
    const v = i === -2 ? param : i === -1 ? grad : states[i]!;
    const what = i === -2 ? "the parameter" : i === -1 ? "grad" : `state ${i}`;
    if (v.storage.dtype !== dtype) throw new ValueError(`${op}: ${what} is ${v.storage.dtype}, the parameter ${dtype}; they must match.`);
    if (sizeOf(v.shape) !== n) throw new ValueError(`${op}: ${what} has shape ${fmtShape(v.shape)}, the parameter ${fmtShape(param.shape)}; they must have as many elements.`);
    if (!isContiguous(v.shape, v.strides)) throw new ValueError(`${op}: ${what} is not contiguous; call .contiguous() first.`);
    if (i === -2) continue;
    if (v.storage === param.storage) throw new ValueError(`${op}: ${what} shares the parameter's storage; every operand must have its own.`);
    for (let j = -1; j < i; j++) {
      if (v.storage === (j === -1 ? grad : states[j]!).storage) throw new ValueError(`${op}: ${what} shares its storage with ${j === -1 ? "grad" : `state ${j}`}; every state must own its memory.`);
    }
  }
  return n;
}

const identity = (x: number): number => x;

/** In place: one update of param and states by `rule`, reading grad (see the module comment). */
export function optimizerStep(rule: OptimizerRule, param: TsView, grad: TsView, states: readonly TsView[]): void {
  const n = checkOptimizerStep(rule, param, grad, states);
  const R = param.storage.dtype === "float32" ? Math.fround : identity;
  const { code, flags, c: raw } = optimizerConstants(rule);
  const c = raw.map(R);
  const F = OPTIM_FLAG;
  const p = param.storage.data, po = param.offset;
  const g = grad.storage.data, go = grad.offset;
  const s0 = states[0]?.storage.data, o0 = states[0]?.offset ?? 0;
  const s1 = states[1]?.storage.data, o1 = states[1]?.offset ?? 0;
  const s2 = states[2]?.storage.data, o2 = states[2]?.offset ?? 0;
  const maximize = (flags & F.maximize) !== 0, decay = (flags & F.decay) !== 0;
  const wd = c[0]!;
  /** g ← ±∇ + λθ (the L2 term only where asked). */
  const gradAt = (i: number, th: number, l2: boolean): number => {
    const d = maximize ? -g[go + i]! : g[go + i]!;
    return l2 ? R(d + R(th * wd)) : d;
  };
  /** maximum as the binary kernel computes it (NaN propagates). */
  const max = (a: number, b: number): number => (a !== a || b !== b ? NaN : a > b ? a : b);
  switch (code) {
    case OPTIM_RULE.sgd: {
      const [, lr, mu, damp1] = c as [number, number, number, number];
      const momentum = (flags & F.momentum) !== 0, nesterov = (flags & F.nesterov) !== 0, first = (flags & F.first) !== 0;
      for (let i = 0; i < n; i++) {
        const th = p[po + i]!;
        let d = gradAt(i, th, decay);
        if (momentum) {
          const b = first ? d : R(R(s0![o0 + i]! * mu) + R(d * damp1));
          s0![o0 + i] = b;
          d = nesterov ? R(d + R(b * mu)) : b;
        }
        p[po + i] = R(th - R(d * lr));
      }
      break;
    }
    case OPTIM_RULE.adam: {
      const [, shrink, b1, omb1, b2, omb2, bc2s, eps, negStep] = c as [number, number, number, number, number, number, number, number, number];
      const decoupled = (flags & F.decoupled) !== 0, amsgrad = (flags & F.amsgrad) !== 0;
      for (let i = 0; i < n; i++) {
        const th = p[po + i]!;
        const gi = gradAt(i, th, decay && !decoupled);
        const m = R(R(s0![o0 + i]! * b1) + R(gi * omb1));
        const v = R(R(s1![o1 + i]! * b2) + R(R(gi * omb2) * gi));
        s0![o0 + i] = m;
        s1![o1 + i] = v;
        let second = v;
        if (amsgrad) s2![o2 + i] = second = max(s2![o2 + i]!, v);
        const denom = R(R(R(Math.sqrt(second)) / bc2s) + eps);
        const base = decay && decoupled ? R(th * shrink) : th;
        p[po + i] = R(base + R(R(m / denom) * negStep));
      }
      break;
    }
    case OPTIM_RULE.adamax: {
      const [, b1, omb1, b2, eps, negClr] = c as [number, number, number, number, number, number];
      for (let i = 0; i < n; i++) {
        const th = p[po + i]!;
        const gi = gradAt(i, th, decay);
        const m = R(R(s0![o0 + i]! * b1) + R(gi * omb1));
        const u = max(R(s1![o1 + i]! * b2), R(Math.abs(gi) + eps));
        s0![o0 + i] = m;
        s1![o1 + i] = u;
        p[po + i] = R(th + R(R(m / u) * negClr));
      }
      break;
    }
    case OPTIM_RULE.nadam: {
      const [, b1, omb1, b2, omb2, bc2, eps, cg, cm] = c as [number, number, number, number, number, number, number, number, number];
      for (let i = 0; i < n; i++) {
        const th = p[po + i]!;
        const gi = gradAt(i, th, decay);
        const m = R(R(s0![o0 + i]! * b1) + R(gi * omb1));
        const v = R(R(s1![o1 + i]! * b2) + R(R(gi * omb2) * gi));
        s0![o0 + i] = m;
        s1![o1 + i] = v;
        const denom = R(R(Math.sqrt(R(v / bc2))) + eps);
        p[po + i] = R(R(th + R(R(gi / denom) * cg)) + R(R(m / denom) * cm));
      }
      break;
    }
    case OPTIM_RULE.rmsprop: {
      const [, alpha, oma, eps, mu, lr, negLr] = c as [number, number, number, number, number, number, number];
      const centered = (flags & F.centered) !== 0, momentum = (flags & F.momentum) !== 0;
      const buf = momentum ? (centered ? s2 : s1) : undefined, ob = centered ? o2 : o1;
      for (let i = 0; i < n; i++) {
        const th = p[po + i]!;
        const gi = gradAt(i, th, decay);
        const sq = R(R(s0![o0 + i]! * alpha) + R(R(gi * oma) * gi));
        s0![o0 + i] = sq;
        let avg: number;
        if (centered) {
          const ga = R(R(s1![o1 + i]! * alpha) + R(gi * oma));
          s1![o1 + i] = ga;
          avg = R(Math.sqrt(R(sq - R(ga * ga))));
        } else {
          avg = R(Math.sqrt(sq));
        }
        avg = R(avg + eps);
        if (momentum) {
          const b = R(R(buf![ob + i]! * mu) + R(gi / avg));
          buf![ob + i] = b;
          p[po + i] = R(th - R(b * lr));
        } else {
          p[po + i] = R(th + R(R(gi / avg) * negLr));
        }
      }
      break;
    }
    case OPTIM_RULE.adagrad: {
      const [, eps, negClr] = c as [number, number, number];
      for (let i = 0; i < n; i++) {
        const th = p[po + i]!;
        const gi = gradAt(i, th, decay);
        const sum = R(s0![o0 + i]! + R(gi * gi));
        s0![o0 + i] = sum;
        const std = R(R(Math.sqrt(sum)) + eps);
        p[po + i] = R(th + R(R(gi / std) * negClr));
      }
      break;
    }
    case OPTIM_RULE.adadelta: {
      const [, rho, omr, eps, lr] = c as [number, number, number, number, number];
      for (let i = 0; i < n; i++) {
        const th = p[po + i]!;
        const gi = gradAt(i, th, decay);
        const sq = R(R(s0![o0 + i]! * rho) + R(R(gi * omr) * gi));
        s0![o0 + i] = sq;
        const std = R(Math.sqrt(R(sq + eps)));
        const acc = s1![o1 + i]!;
        const delta = R(R(R(Math.sqrt(R(acc + eps))) / std) * gi);
        s1![o1 + i] = R(R(acc * rho) + R(R(delta * omr) * delta));
        p[po + i] = R(th - R(delta * lr));
      }
      break;
    }
  }
}
