/**
 * L-BFGS (torch.optim.LBFGS): a quasi-Newton method for full-batch problems. It keeps the last `historySize`
 * pairs (s = step, y = change of gradient), builds a direction with the two-loop recursion, and steps with
 * a fixed rate or a strong-Wolfe line search. scikit-learn's MLP trains with it by default (`solver="lbfgs"`).
 */
import { enableGrad, noGrad } from "../autograd/grad-mode.js";
import { ValueError } from "../errors.js";
import { cat } from "../ops/movement.js";
import { zeros } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { Optimizer, checkNumber, type BaseOptions, type Closure, type ParamState, type ParamsInput } from "./optimizer.js";
import { strongWolfe } from "./strong-wolfe.js";

export interface LBFGSOptions extends BaseOptions {
  /** Step length (the line search's first trial with strongWolfe), default 1. */
  lr: number;
  /** Most iterations per `step()` call, default 20. */
  maxIter: number;
  /** Most loss evaluations per `step()`, default ⌊maxIter·5/4⌋. */
  maxEval: number | null;
  /** Stop when max|∇| ≤ this, default 1e-7. */
  toleranceGrad: number;
  /** Stop when the loss or the step changes less than this, default 1e-9. */
  toleranceChange: number;
  /** How many (s, y) pairs to keep, default 100. */
  historySize: number;
  /** null (fixed step lr) or "strongWolfe". */
  lineSearchFn: null | "strongWolfe";
}

export const lbfgsDefaults: LBFGSOptions = {
  lr: 1, maxIter: 20, maxEval: null, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null,
};

const dot = (a: Tensor, b: Tensor): number => a.mul(b).sum().item();
const absMax = (a: Tensor): number => a.abs().max().item();
const toNumber = (v: Tensor | number): number => (typeof v === "number" ? v : v.item());

/**
 * The L-BFGS direction `d = −H∇` by the two-loop recursion over the stored pairs (sᵢ, yᵢ), ρᵢ = 1/(yᵢ·sᵢ),
 * with the initial inverse Hessian `hDiag·I`:
 * ```
 * q ← −∇;  for i newest→oldest: αᵢ = ρᵢ sᵢ·q, q ← q − αᵢyᵢ
 * r ← hDiag·q;  for i oldest→newest: βᵢ = ρᵢ yᵢ·r, r ← r + (αᵢ − βᵢ)sᵢ
 * ```
 * With no pairs it is `−hDiag·∇` (steepest descent).
 * ```ts
 * lbfgsDirection(tensor([2, 4]), [], [], [], 0.5).toArray(); // [-1, -2]
 * ```
 */
export function lbfgsDirection(grad: Tensor, oldDirs: readonly Tensor[], oldStps: readonly Tensor[], ro: readonly number[], hDiag: number): Tensor {
  return noGrad(() => {
    const n = oldDirs.length;
    const al: number[] = new Array(n);
    let q = grad.neg();
    for (let i = n - 1; i >= 0; i--) {
      al[i] = dot(oldStps[i]!, q) * ro[i]!;
      q = q.sub(oldDirs[i]!.mul(al[i]!));
    }
    let r = q.mul(hDiag);
    for (let i = 0; i < n; i++) {
      const be = dot(oldDirs[i]!, r) * ro[i]!;
      r = r.add(oldStps[i]!.mul(al[i]! - be));
    }
    return r;
  });
}

/**
 * L-BFGS, as `torch.optim.LBFGS`. One parameter group only. `step(closure)` runs up to `maxIter` iterations;
 * the closure must zero the gradients, compute the loss, call backward and return the loss.
 * ```ts
 * const xy = tensor([-1.5, 2], { dtype: "float64", requiresGrad: true });
 * const opt = new LBFGS([xy], { lineSearchFn: "strongWolfe" });
 * const rosenbrock = () => {
 *   opt.zeroGrad();
 *   const [x, y] = [xy.select(0, 0), xy.select(0, 1)];
 *   const loss = x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
 *   loss.backward();
 *   return loss;
 * };
 * for (let i = 0; i < 8; i++) opt.step(rosenbrock);   // xy ≈ [1, 1]
 * ```
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: ParamsInput<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    const maxIter = options.maxIter ?? lbfgsDefaults.maxIter;
    super("LBFGS", params, { ...lbfgsDefaults, ...options, maxEval: options.maxEval ?? Math.floor((maxIter * 5) / 4) }, (g) => {
      checkNumber("LBFGS", "lr", g.lr);
      checkNumber("LBFGS", "maxIter", g.maxIter, { min: 1 });
      checkNumber("LBFGS", "maxEval", g.maxEval, { min: 1 });
      checkNumber("LBFGS", "toleranceGrad", g.toleranceGrad);
      checkNumber("LBFGS", "toleranceChange", g.toleranceChange);
      checkNumber("LBFGS", "historySize", g.historySize, { min: 1 });
      if (g.lineSearchFn !== null && g.lineSearchFn !== "strongWolfe") {
        throw new ValueError(`LBFGS: lineSearchFn must be null or "strongWolfe", got ${JSON.stringify(g.lineSearchFn)}.`);
      }
    });
    if (this.paramGroups.length !== 1) {
      throw new ValueError(`LBFGS: only one parameter group is supported (got ${this.paramGroups.length}); pass all parameters in one list.`);
    }
    this.stateShapedLikeParams = false;
  }

  /** L-BFGS keeps all its state with the first parameter, as flat vectors over all parameters. */
  protected override update(): never {
    throw new ValueError("LBFGS: update() is not used; call step(closure).");
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }

  private gatherFlatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad ?? zeros(p.shape, { dtype: p.dtype })).reshape([p.size])));
  }

  /** θ ← θ + t·d, d split back into the parameters' shapes. */
  private addGrad(t: number, d: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      p.add_(d.slice(0, offset, offset + p.size).reshape(p.shape), t);
      offset += p.size;
    }
  }

  private directionalEvaluate(closure: Closure, x: Tensor[], t: number, d: Tensor): [number, Tensor] {
    this.addGrad(t, d);
    const loss = toNumber(enableGrad(closure));
    const flatGrad = this.gatherFlatGrad();
    this.params.forEach((p, i) => p.copy_(x[i]!));
    return [loss, flatGrad];
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations and returns the loss the closure gave on entry.
   * @param closure re-evaluates the model: zero the gradients, compute the loss, backward, return the loss
   */
  override step(closure?: Closure): Tensor | number {
    if (typeof closure !== "function") {
      throw new ValueError(
        "LBFGS.step: a closure is required, since L-BFGS evaluates the loss several times per step. Pass one that " +
          "zeroes the gradients, computes the loss, calls backward() and returns it: " +
          "opt.step(() => { opt.zeroGrad(); const loss = lossFn(); loss.backward(); return loss; }).",
      );
    }
    const group = this.paramGroups[0]!;
    const { lr, maxIter, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const maxEval = group.maxEval ?? Math.floor((maxIter * 5) / 4);
    const first = this.params[0]!;
    const state: ParamState = this.state.get(first) ?? { funcEvals: 0, nIter: 0 };
    this.state.set(first, state);

    return noGrad(() => {
      const origLoss = enableGrad(closure);
      let loss = toNumber(origLoss);
      let currentEvals = 1;
      state.funcEvals = (state.funcEvals as number) + 1;
      let flatGrad = this.gatherFlatGrad();
      if (absMax(flatGrad) <= toleranceGrad) return origLoss;

      let d = state.d as Tensor | undefined;
      let t = state.t as number | undefined;
      let oldDirs = (state.oldDirs as Tensor[] | undefined) ?? [];
      let oldStps = (state.oldStps as Tensor[] | undefined) ?? [];
      let ro = (state.ro as number[] | undefined) ?? [];
      let hDiag = (state.hDiag as number | undefined) ?? 1;
      let prevFlatGrad = state.prevFlatGrad as Tensor | undefined;
      let prevLoss = state.prevLoss as number | undefined;

      let nIter = 0;
      while (nIter < maxIter) {
        nIter++;
        state.nIter = (state.nIter as number) + 1;
        if (state.nIter === 1) {
          d = flatGrad.neg();
          [oldDirs, oldStps, ro, hDiag] = [[], [], [], 1];
        } else {
          const y = flatGrad.sub(prevFlatGrad!);
          const s = d!.mul(t!);
          const ys = dot(y, s);
          if (ys > 1e-10) {
            // Keep the pair only when the curvature condition holds; drop the oldest when full.
            if (oldDirs.length === historySize) {
              oldDirs = oldDirs.slice(1);
              oldStps = oldStps.slice(1);
              ro = ro.slice(1);
            }
            oldDirs = [...oldDirs, y];
            oldStps = [...oldStps, s];
            ro = [...ro, 1 / ys];
            hDiag = ys / dot(y, y);
          }
          d = lbfgsDirection(flatGrad, oldDirs, oldStps, ro, hDiag);
        }
        prevFlatGrad = flatGrad;
        prevLoss = loss;
        // The first step of all is scaled so the first trial point is not too far.
        t = state.nIter === 1 ? Math.min(1, 1 / flatGrad.abs().sum().item()) * lr : lr;
        const gtd = dot(flatGrad, d!);
        if (gtd > -toleranceChange) break; // not a descent direction any more

        let lsFuncEvals = 0;
        let optCond = false;
        if (lineSearchFn === "strongWolfe") {
          const xInit = this.params.map((p) => p.clone());
          const ls = strongWolfe((x: Tensor[], tt, dd) => this.directionalEvaluate(closure, x, tt, dd), xInit, t, d!, loss, flatGrad, gtd);
          [loss, flatGrad, t, lsFuncEvals] = [ls.f, ls.g, ls.t, ls.funcEvals];
          this.addGrad(t, d!);
          optCond = absMax(flatGrad) <= toleranceGrad;
        } else {
          this.addGrad(t, d!);
          if (nIter !== maxIter) {
            // Re-evaluate the loss and gradient at the new point (skipped after the last iteration).
            loss = toNumber(enableGrad(closure));
            flatGrad = this.gatherFlatGrad();
            optCond = absMax(flatGrad) <= toleranceGrad;
            lsFuncEvals = 1;
          }
        }
        currentEvals += lsFuncEvals;
        state.funcEvals = (state.funcEvals as number) + lsFuncEvals;

        if (nIter === maxIter) break;
        if (currentEvals >= maxEval) break;
        if (optCond) break;
        if (absMax(d!.mul(t)) <= toleranceChange) break;
        if (Math.abs(loss - prevLoss) < toleranceChange) break;
      }
      Object.assign(state, { d: d ?? null, t: t ?? null, oldDirs, oldStps, ro, hDiag, prevFlatGrad: prevFlatGrad ?? null, prevLoss: prevLoss ?? null });
      return origLoss;
    });
  }
}
