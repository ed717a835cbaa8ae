/**
 * Weight initializers (`nn.init`), as `torch.nn.init`: each fills a tensor in place (under noGrad, so it works
 * on parameters) and returns it. Every draw comes from the library generator (`manualSeed`), or from the
 * `generator` option.
 *
 * Fans: for a weight of shape `[out, in, ...k]`, `fanIn = in·∏k` and `fanOut = out·∏k` (PyTorch's rule).
 * ```ts
 * const w = new Parameter(zeros([256, 784]));
 * kaimingNormal_(w, { nonlinearity: "relu" });   // std ≈ √2/√784 ≈ 0.0505
 * ```
 */
import { noGrad } from "../autograd/grad-mode.js";
import { ValueError, fmtShape } from "../errors.js";
import { rand, randn, tensor } from "../ops/creation.js";
import { getDefaultGenerator, type Generator } from "../random.js";
import type { Tensor } from "../tensor.js";

/** The `generator` option every random initializer takes. */
export interface InitRandomOptions {
  /** Draw from this generator instead of the global one. */
  generator?: Generator;
}

/** Nonlinearities `calculateGain` knows. */
export type Nonlinearity =
  | "linear" | "identity" | "conv1d" | "conv2d" | "conv3d" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "selu";

/** Which fan kaiming init preserves: `"fanIn"` keeps the forward variance, `"fanOut"` the backward one. */
export type FanMode = "fanIn" | "fanOut";

const fill = (t: Tensor, values: Tensor): Tensor => noGrad(() => t.copy_(values));

/**
 * `[fanIn, fanOut]` of a weight: `[in·∏k, out·∏k]` for shape `[out, in, ...k]`.
 * ```ts
 * calculateFanInAndFanOut(zeros([3, 5])); // [5, 3]
 * ```
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new ValueError(
      `calculateFanInAndFanOut: fans need a tensor with at least 2 dimensions ([out, in, ...]), got shape ${fmtShape(t.shape)}. ` +
        `Initialize a bias with uniform_ / constant_ instead.`,
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/**
 * The recommended gain for a nonlinearity (PyTorch's table): 1 for linear/sigmoid/conv, 5/3 for tanh,
 * √2 for relu, √(2/(1+slope²)) for leakyRelu (slope `param`, default 0.01), 3/4 for selu.
 * ```ts
 * calculateGain("relu");         // 1.4142135623730951
 * calculateGain("leakyRelu", 0.2);
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear": case "identity": case "conv1d": case "conv2d": case "conv3d": case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leakyRelu": {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new ValueError(`calculateGain: leakyRelu slope must be a finite number, got ${slope}.`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new ValueError(
        `calculateGain: unknown nonlinearity "${nonlinearity as string}". ` +
          `Use one of linear, identity, conv1d, conv2d, conv3d, sigmoid, tanh, relu, leakyRelu, selu.`,
      );
  }
}

/**
 * Fills with draws from U(low, high).
 * ```ts
 * uniform_(zeros([3]), { low: -0.1, high: 0.1 });
 * ```
 */
export function uniform_(t: Tensor, { low = 0, high = 1, generator }: { low?: number; high?: number } & InitRandomOptions = {}): Tensor {
  if (!(high >= low)) throw new ValueError(`uniform_: need low ≤ high, got low=${low}, high=${high}.`);
  return fill(t, noGrad(() => rand(t.shape, { dtype: "float64", generator }).mul(high - low).add(low)));
}

/**
 * Fills with draws from N(mean, std²).
 * ```ts
 * normal_(zeros([3]), { std: 0.02 });
 * ```
 */
export function normal_(t: Tensor, { mean = 0, std = 1, generator }: { mean?: number; std?: number } & InitRandomOptions = {}): Tensor {
  if (!(std >= 0)) throw new ValueError(`normal_: std must be ≥ 0, got ${std}.`);
  return fill(t, noGrad(() => randn(t.shape, { dtype: "float64", generator }).mul(std).add(mean)));
}

/** Fills with `value`. `constant_(bias, 0.1)`. */
export const constant_ = (t: Tensor, value: number): Tensor => noGrad(() => t.fill_(value));
/** Fills with 0. */
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
/** Fills with 1. */
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/**
 * Glorot/Xavier uniform: U(−a, a) with `a = gain·√(6/(fanIn + fanOut))`, so activations and gradients keep
 * their variance through a tanh/sigmoid layer (Glorot & Bengio 2010). Keras's default.
 */
export function xavierUniform_(t: Tensor, { gain = 1, generator }: { gain?: number } & InitRandomOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, { low: -a, high: a, generator });
}

/** Glorot/Xavier normal: N(0, std²) with `std = gain·√(2/(fanIn + fanOut))`. */
export function xavierNormal_(t: Tensor, { gain = 1, generator }: { gain?: number } & InitRandomOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, { std: gain * Math.sqrt(2 / (fanIn + fanOut)), generator });
}

/** Options of the kaiming (He) initializers. */
export interface KaimingOptions extends InitRandomOptions {
  /** Negative slope of the leaky ReLU that follows (used when nonlinearity is "leakyRelu"); default 0. */
  a?: number;
  /** Default "fanIn". */
  mode?: FanMode;
  /** Default "leakyRelu" (with a = 0 that is ReLU's gain √2), as PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, t: Tensor, { a = 0, mode = "fanIn", nonlinearity = "leakyRelu" }: KaimingOptions): number {
  if (mode !== "fanIn" && mode !== "fanOut") throw new ValueError(`${op}: mode must be "fanIn" or "fanOut", got "${mode as string}".`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === "fanIn" ? fanIn : fanOut;
  if (fan === 0) throw new ValueError(`${op}: cannot initialize a tensor with zero elements (shape ${fmtShape(t.shape)}).`);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform: U(−b, b) with `b = gain·√(3/fan)`, keeping the variance through ReLU layers
 * (He et al. 2015). `Linear` uses it with `a = √5`, which gives PyTorch's default U(−1/√in, 1/√in).
 * ```ts
 * kaimingUniform_(w, { nonlinearity: "relu" });
 * ```
 */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd("kaimingUniform_", t, opts);
  return uniform_(t, { low: -bound, high: bound, generator: opts.generator });
}

/** He/Kaiming normal: N(0, std²) with `std = gain/√fan`. */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, { std: kaimingStd("kaimingNormal_", t, opts), generator: opts.generator });
}

/** LeCun uniform: U(−b, b) with `b = √(3/fanIn)` (variance 1/fanIn, the SELU recommendation). */
export function lecunUniform_(t: Tensor, { generator }: InitRandomOptions = {}): Tensor {
  const bound = Math.sqrt(3 / calculateFanInAndFanOut(t)[0]);
  return uniform_(t, { low: -bound, high: bound, generator });
}

/** LeCun normal: N(0, 1/fanIn) (a plain normal; Keras truncates it, which changes the std by a few %). */
export function lecunNormal_(t: Tensor, { generator }: InitRandomOptions = {}): Tensor {
  return normal_(t, { std: Math.sqrt(1 / calculateFanInAndFanOut(t)[0]), generator });
}

/**
 * A (semi-)orthogonal matrix times `gain` (Saxe et al. 2014): for a weight seen as `rows × cols`
 * (`rows = shape[0]`), `WᵀW = gain²·I` when rows ≥ cols, `WWᵀ = gain²·I` otherwise. Made as PyTorch does:
 * the Q of a QR factorization of a standard-normal matrix, with signs fixed so R's diagonal is positive
 * (this makes Q uniformly distributed). The QR is Gram–Schmidt, done twice for accuracy, in float64.
 * ```ts
 * orthogonal_(zeros([4, 4]));   // W·Wᵀ = I
 * ```
 */
export function orthogonal_(t: Tensor, { gain = 1, generator }: { gain?: number } & InitRandomOptions = {}): Tensor {
  if (t.ndim < 2) throw new ValueError(`orthogonal_: needs a tensor with at least 2 dimensions, got shape ${fmtShape(t.shape)}.`);
  const rows = t.shape[0]!, cols = t.size / rows;
  const g = generator ?? getDefaultGenerator();
  const flat = new Float64Array(rows * cols);
  for (let i = 0; i < flat.length; i++) flat[i] = g.normal();
  // Work on a tall matrix m×n (m ≥ n), column-major in `cols_`: the transposed draw when rows < cols.
  const tall = rows >= cols;
  const m = tall ? rows : cols, n = tall ? cols : rows;
  const q: Float64Array[] = Array.from({ length: n }, (_, j) => {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = tall ? flat[i * cols + j]! : flat[j * cols + i]!;
    return c;
  });
  for (let j = 0; j < n; j++) {
    const v = q[j]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const u = q[k]!;
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i]! * v[i]!;
        for (let i = 0; i < m; i++) v[i]! -= d * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new ValueError("orthogonal_: the random draw was rank-deficient; try again with another seed.");
    for (let i = 0; i < m; i++) v[i]! /= norm;
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? q[c]![r]! : q[r]![c]!);
  }
  return fill(t, tensor(out, { shape: t.shape }));
}

/**
 * The course decks' rule: small random weights, biases zero or small positive. Weights ~ N(0, std²)
 * (std 0.01 by default), bias filled with `biasValue` (0 by default; a small positive value such as 0.01
 * keeps ReLU units active at the start). Works for deep nets only with care: prefer kaiming for ReLU nets.
 * ```ts
 * const fc = new Linear(4, 3);
 * smallRandom_(fc.weight, fc.bias, { biasValue: 0.01 });
 * ```
 */
export function smallRandom_(
  weight: Tensor,
  bias: Tensor | null = null,
  { std = 0.01, biasValue = 0, generator }: { std?: number; biasValue?: number } & InitRandomOptions = {},
): Tensor {
  normal_(weight, { std, generator });
  if (bias) constant_(bias, biasValue);
  return weight;
}
