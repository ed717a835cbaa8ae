/**
 * The MLP's math as pure functions, as scikit-learn's `_multilayer_perceptron.py` and `_base.py` define it:
 * Glorot-uniform initialization, the forward pass, the loss (with its L2 penalty) and its gradient. Weights
 * are stored as scikit-learn stores them: `coefs[i]` is `[fanIn, fanOut]` and a layer computes `a·W + b`.
 */
import { enableGrad, noGrad } from "../autograd/grad-mode.js";
import { tensor } from "../ops/creation.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import type { MLPActivation } from "./mlp-options.js";

/** The output layer's activation: softmax (multiclass), logistic (binary) or identity (regression). */
export type MLPOutActivation = "identity" | "logistic" | "softmax";

/** float64 machine epsilon: scikit-learn clips probabilities to [eps, 1 − eps] inside the log-loss. */
const EPS = 2.220446049250313e-16;

/**
 * One layer's initial weights, as scikit-learn's `_init_coef`: `W` `[fanIn, fanOut]` then `b` `[fanOut]`, all
 * uniform in `[−r, r]` with `r = √(6 / (fanIn + fanOut))` (Glorot & Bengio, 2010), or `√(2 / (fanIn + fanOut))`
 * for the logistic activation. Drawn from `generator`, weights first (row-major), then biases (float64).
 * ```ts
 * const { coef, intercept } = glorotUniformInit(64, 32, "relu", new Generator(0));
 * coef.shape; // [64, 32], every entry in [−0.25, 0.25]
 * ```
 */
export function glorotUniformInit(fanIn: number, fanOut: number, activation: MLPActivation, generator: Generator): { coef: Tensor; intercept: Tensor } {
  const bound = Math.sqrt((activation === "logistic" ? 2 : 6) / (fanIn + fanOut));
  const draw = (n: number) => Float64Array.from({ length: n }, () => -bound + 2 * bound * generator.random());
  const coef = tensor(draw(fanIn * fanOut), { shape: [fanIn, fanOut] });
  const intercept = tensor(draw(fanOut));
  return { coef, intercept };
}

/** A hidden-layer activation, element-wise. */
export function hiddenActivation(x: Tensor, activation: MLPActivation): Tensor {
  switch (activation) {
    case "identity":
      return x;
    case "logistic":
      return x.sigmoid();
    case "tanh":
      return x.tanh();
    case "relu":
      return x.relu();
  }
}

/** The output activation applied to the last layer's pre-activation `z` `[N, K]` (softmax along dim 1). */
export function outputActivation(z: Tensor, out: MLPOutActivation): Tensor {
  return out === "identity" ? z : out === "logistic" ? z.sigmoid() : z.softmax(1);
}

/**
 * The last layer's pre-activation `z`: `a₀ = x`, `aᵢ₊₁ = act(aᵢ·Wᵢ + bᵢ)` for the hidden layers, `z = a·W + b`.
 * Records a graph when the weights require grad (and grad mode is on).
 */
export function mlpPreActivation(x: Tensor, coefs: readonly Tensor[], intercepts: readonly Tensor[], activation: MLPActivation): Tensor {
  let a = x;
  for (let i = 0; i < coefs.length; i++) {
    a = a.matmul(coefs[i]!).add(intercepts[i]!);
    if (i !== coefs.length - 1) a = hiddenActivation(a, activation);
  }
  return a;
}

/**
 * The network's output `[N, K]` (scikit-learn's `_forward_pass_fast`): probabilities for classifiers,
 * predictions for regressors. No graph is recorded.
 * ```ts
 * mlpForward(x, est.coefs, est.intercepts, "relu", "softmax"); // rows sum to 1
 * ```
 */
export function mlpForward(x: Tensor, coefs: readonly Tensor[], intercepts: readonly Tensor[], activation: MLPActivation, out: MLPOutActivation): Tensor {
  return noGrad(() => outputActivation(mlpPreActivation(x, coefs, intercepts, activation), out));
}

/**
 * scikit-learn's data loss for outputs `p` and targets `y` (both `[N, K]`), without the penalty:
 * - identity: squared error `½ · mean((y − p)²)` over all N·K entries;
 * - softmax: log-loss `−Σ y·log(clip(p)) / N`;
 * - logistic: binary log-loss `−Σ [y·log(clip(p)) + (1 − y)·log(1 − clip(p))] / N`;
 * with `clip` to `[ε, 1 − ε]`, ε the float64 machine epsilon.
 * ```ts
 * mlpDataLoss(tensor([[0.8, 0.2]]), tensor([[1, 0]]), "softmax"); // −log 0.8 ≈ 0.2231
 * ```
 */
export function mlpDataLoss(p: Tensor, y: Tensor, out: MLPOutActivation): number {
  return noGrad(() => {
    const n = p.shape[0]!;
    if (out === "identity") return y.sub(p).square().mean().item() / 2;
    const pc = p.clamp(EPS, 1 - EPS);
    if (out === "softmax") return -y.mul(pc.log()).sum().item() / n;
    return -(y.mul(pc.log()).sum().item() + y.neg().add(1).mul(pc.neg().add(1).log()).sum().item()) / n;
  });
}

/** `Σᵢ ‖Wᵢ‖²` over the weight matrices (the biases are not penalized). */
export function sumOfSquares(coefs: readonly Tensor[]): number {
  return noGrad(() => coefs.reduce((s, w) => s + w.square().sum().item(), 0));
}

/** Loss and gradients for one batch, as scikit-learn's `_backprop` returns them. */
export interface MLPLossGrad {
  /** Data loss plus `½α·Σ‖W‖² / N`. */
  loss: number;
  coefGrads: Tensor[];
  interceptGrads: Tensor[];
}

/**
 * The loss of a batch and its gradient with respect to every weight and bias (scikit-learn's `_backprop`).
 * The loss is `mlpDataLoss(out, y) + ½α·Σ‖W‖² / N`. The gradient is scikit-learn's: the output error
 * `δ = (out − y)` is back-propagated, `∂/∂Wᵢ = (aᵢᵀδᵢ + αWᵢ) / N` and `∂/∂bᵢ = mean(δᵢ)`. For softmax and
 * logistic outputs δ/N is exactly the log-loss gradient with respect to `z`; for identity outputs it is the
 * gradient of `½·Σ(y − out)²/N`, which is scikit-learn's choice (its reported loss divides by N·K, its gradient
 * by N). Autograd does the back-propagation: the graph is built for the surrogate `Σ(δ ⊙ z)/N + ½α·Σ‖W‖²/N`,
 * δ held constant, whose gradient is the one above.
 * ```ts
 * const { loss, coefGrads } = mlpLossGrad(x, y, coefs, intercepts, "relu", "softmax", 1e-4);
 * ```
 */
export function mlpLossGrad(
  x: Tensor, y: Tensor, coefs: readonly Tensor[], intercepts: readonly Tensor[], activation: MLPActivation, out: MLPOutActivation, alpha: number,
): MLPLossGrad {
  const n = x.shape[0]!;
  const ws = coefs.map((w) => w.detach().requiresGrad_());
  const bs = intercepts.map((b) => b.detach().requiresGrad_());
  return enableGrad(() => {
    const z = mlpPreActivation(x, ws, bs, activation);
    const p = noGrad(() => outputActivation(z.detach(), out));
    const penalty = alpha === 0 ? 0 : (0.5 * alpha * sumOfSquares(ws)) / n;
    const loss = mlpDataLoss(p, y, out) + penalty;
    const delta = noGrad(() => p.sub(y));
    let surrogate = z.mul(delta).sum().div(n);
    if (alpha !== 0) surrogate = ws.reduce((s, w) => s.add(w.square().sum().mul((0.5 * alpha) / n)), surrogate);
    surrogate.backward();
    return { loss, coefGrads: ws.map((w) => w.grad!), interceptGrads: bs.map((b) => b.grad!) };
  });
}
