/**
 * Fused, in-place optimizer updates (the optimizerStep kernel): one pass over a parameter, its gradient and
 * its state tensors, all contiguous. Each rule runs the operations of its pure function in src/optim in the
 * same order, each rounded to the dtype, with constants computed in float64 on the TS side
 * (src/backend/ts/optim.ts optimizerConstants, whose layout the rules below read) and rounded once: the
 * results are the bits of the composite ops. float32 runs 4 lanes at a time (the same IEEE operations lane by
 * lane, so the 1–3 element tail and any split across threads give the same bits); float64 runs lane by lane.
 *
 * Every rule is written once, generic over its lane type T: v128 (four float32), f32 or f64.
 */

// Rule codes and flag bits, mirrored in src/backend/ts/optim.ts.
const SGD = 0, ADAM = 1, ADAMAX = 2, NADAM = 3, RMSPROP = 4, ADAGRAD = 5, ADADELTA = 6;
const MAXIMIZE = 1, DECAY = 2, DECOUPLED = 4, AMSGRAD = 8, MOMENTUM = 16, NESTEROV = 32, FIRST = 64, CENTERED = 128;

// @ts-ignore: decorator
@inline function ld<T>(p: usize): T {
  if (isVector<T>()) return <T>v128.load(p);
  else return load<T>(p);
}
// @ts-ignore: decorator
@inline function st<T>(p: usize, v: T): void {
  if (isVector<T>()) v128.store(p, <v128>v);
  else store<T>(p, v);
}
// @ts-ignore: decorator
@inline function add<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.add(<v128>a, <v128>b);
  else return a + b;
}
// @ts-ignore: decorator
@inline function sub<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.sub(<v128>a, <v128>b);
  else return a - b;
}
// @ts-ignore: decorator
@inline function mul<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.mul(<v128>a, <v128>b);
  else return a * b;
}
// @ts-ignore: decorator
@inline function div<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.div(<v128>a, <v128>b);
  else return a / b;
}
// @ts-ignore: decorator
@inline function sqrtL<T>(a: T): T {
  if (isVector<T>()) return <T>f32x4.sqrt(<v128>a);
  else return sqrt<T>(a);
}
/** maximum as the binary kernel computes it (wasm max: NaN propagates). */
// @ts-ignore: decorator
@inline function maxL<T>(a: T, b: T): T {
  if (isVector<T>()) return <T>f32x4.max(<v128>a, <v128>b);
  else return max<T>(a, b);
}
// @ts-ignore: decorator
@inline function absL<T>(a: T): T {
  if (isVector<T>()) return <T>f32x4.abs(<v128>a);
  else return abs<T>(a);
}
// @ts-ignore: decorator
@inline function negL<T>(a: T): T {
  if (isVector<T>()) return <T>f32x4.neg(<v128>a);
  else return -a;
}
/** Constant i of the rule, rounded to the lane type (float32 constants are rounded once, as a scalar operand). */
// @ts-ignore: decorator
@inline function C<T>(hyper: usize, i: i32): T {
  const x = load<f64>(hyper + (<usize>i << 3));
  if (isVector<T>()) return <T>f32x4.splat(<f32>x);
  else return <T>x;
}

/** g ← ±∇ + λθ (the L2 term only where `l2`). */
// @ts-ignore: decorator
@inline function gradOf<T>(g: T, th: T, maximize: bool, l2: bool, wd: T): T {
  const d = maximize ? negL<T>(g) : g;
  return l2 ? add<T>(d, mul<T>(th, wd)) : d;
}

// Each rule runs over bytes [from, to) of its operands; constants as optimizerConstants lays them out.

// sgd: [λ, γ, μ, 1 − τ]; states [buf]
function sgdRun<T>(flags: i32, p: usize, g: usize, s0: usize, from: usize, to: usize, hyper: usize): void {
  const wd = C<T>(hyper, 0), lr = C<T>(hyper, 1), mu = C<T>(hyper, 2), damp1 = C<T>(hyper, 3);
  const maximize = (flags & MAXIMIZE) != 0, decay = (flags & DECAY) != 0;
  const momentum = (flags & MOMENTUM) != 0, nesterov = (flags & NESTEROV) != 0, first = (flags & FIRST) != 0;
  for (let o = from; o < to; o += sizeof<T>()) {
    const th = ld<T>(p + o);
    let d = gradOf<T>(ld<T>(g + o), th, maximize, decay, wd);
    if (momentum) {
      const b = first ? d : add<T>(mul<T>(ld<T>(s0 + o), mu), mul<T>(d, damp1));
      st<T>(s0 + o, b);
      d = nesterov ? add<T>(d, mul<T>(b, mu)) : b;
    }
    st<T>(p + o, sub<T>(th, mul<T>(d, lr)));
  }
}

// adam: [λ, 1 − γλ, β₁, 1 − β₁, β₂, 1 − β₂, √(1 − β₂ᵗ), ε, −γ/(1 − β₁ᵗ)]; states [m, v, v̂ (amsgrad)]
function adamRun<T>(flags: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, from: usize, to: usize, hyper: usize): void {
  const wd = C<T>(hyper, 0), shrink = C<T>(hyper, 1), b1 = C<T>(hyper, 2), omb1 = C<T>(hyper, 3), b2 = C<T>(hyper, 4);
  const omb2 = C<T>(hyper, 5), bc2s = C<T>(hyper, 6), eps = C<T>(hyper, 7), negStep = C<T>(hyper, 8);
  const maximize = (flags & MAXIMIZE) != 0, decay = (flags & DECAY) != 0, decoupled = (flags & DECOUPLED) != 0;
  const amsgrad = (flags & AMSGRAD) != 0;
  const l2 = decay && !decoupled, shrinks = decay && decoupled;
  for (let o = from; o < to; o += sizeof<T>()) {
    const th = ld<T>(p + o);
    const gi = gradOf<T>(ld<T>(g + o), th, maximize, l2, wd);
    const m = add<T>(mul<T>(ld<T>(s0 + o), b1), mul<T>(gi, omb1));
    const v = add<T>(mul<T>(ld<T>(s1 + o), b2), mul<T>(mul<T>(gi, omb2), gi));
    st<T>(s0 + o, m);
    st<T>(s1 + o, v);
    let second = v;
    if (amsgrad) {
      second = maxL<T>(ld<T>(s2 + o), v);
      st<T>(s2 + o, second);
    }
    const denom = add<T>(div<T>(sqrtL<T>(second), bc2s), eps);
    const base = shrinks ? mul<T>(th, shrink) : th;
    st<T>(p + o, add<T>(base, mul<T>(div<T>(m, denom), negStep)));
  }
}

// adamax: [λ, β₁, 1 − β₁, β₂, ε, −γ/(1 − β₁ᵗ)]; states [m, u]
function adamaxRun<T>(flags: i32, p: usize, g: usize, s0: usize, s1: usize, from: usize, to: usize, hyper: usize): void {
  const wd = C<T>(hyper, 0), b1 = C<T>(hyper, 1), omb1 = C<T>(hyper, 2), b2 = C<T>(hyper, 3), eps = C<T>(hyper, 4), negClr = C<T>(hyper, 5);
  const maximize = (flags & MAXIMIZE) != 0, decay = (flags & DECAY) != 0;
  for (let o = from; o < to; o += sizeof<T>()) {
    const th = ld<T>(p + o);
    const gi = gradOf<T>(ld<T>(g + o), th, maximize, decay, wd);
    const m = add<T>(mul<T>(ld<T>(s0 + o), b1), mul<T>(gi, omb1));
    const u = maxL<T>(mul<T>(ld<T>(s1 + o), b2), add<T>(absL<T>(gi), eps));
    st<T>(s0 + o, m);
    st<T>(s1 + o, u);
    st<T>(p + o, add<T>(th, mul<T>(div<T>(m, u), negClr)));
  }
}

// nadam: [λ, β₁, 1 − β₁, β₂, 1 − β₂, 1 − β₂ᵗ, ε, −γ(1 − μₜ)/(1 − Πₜ), −γμₜ₊₁/(1 − Πₜμₜ₊₁)]; states [m, v]
function nadamRun<T>(flags: i32, p: usize, g: usize, s0: usize, s1: usize, from: usize, to: usize, hyper: usize): void {
  const wd = C<T>(hyper, 0), b1 = C<T>(hyper, 1), omb1 = C<T>(hyper, 2), b2 = C<T>(hyper, 3), omb2 = C<T>(hyper, 4);
  const bc2 = C<T>(hyper, 5), eps = C<T>(hyper, 6), cg = C<T>(hyper, 7), cm = C<T>(hyper, 8);
  const maximize = (flags & MAXIMIZE) != 0, decay = (flags & DECAY) != 0;
  for (let o = from; o < to; o += sizeof<T>()) {
    const th = ld<T>(p + o);
    const gi = gradOf<T>(ld<T>(g + o), th, maximize, decay, wd);
    const m = add<T>(mul<T>(ld<T>(s0 + o), b1), mul<T>(gi, omb1));
    const v = add<T>(mul<T>(ld<T>(s1 + o), b2), mul<T>(mul<T>(gi, omb2), gi));
    st<T>(s0 + o, m);
    st<T>(s1 + o, v);
    const denom = add<T>(sqrtL<T>(div<T>(v, bc2)), eps);
    st<T>(p + o, add<T>(add<T>(th, mul<T>(div<T>(gi, denom), cg)), mul<T>(div<T>(m, denom), cm)));
  }
}

// rmsprop: [λ, α, 1 − α, ε, μ, γ, −γ]; states [squareAvg, gradAvg (centered), buf (momentum)]
function rmspropRun<T>(flags: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, from: usize, to: usize, hyper: usize): void {
  const wd = C<T>(hyper, 0), alpha = C<T>(hyper, 1), oma = C<T>(hyper, 2), eps = C<T>(hyper, 3), mu = C<T>(hyper, 4);
  const lr = C<T>(hyper, 5), negLr = C<T>(hyper, 6);
  const maximize = (flags & MAXIMIZE) != 0, decay = (flags & DECAY) != 0;
  const centered = (flags & CENTERED) != 0, momentum = (flags & MOMENTUM) != 0;
  const buf = centered ? s2 : s1;
  for (let o = from; o < to; o += sizeof<T>()) {
    const th = ld<T>(p + o);
    const gi = gradOf<T>(ld<T>(g + o), th, maximize, decay, wd);
    const sq = add<T>(mul<T>(ld<T>(s0 + o), alpha), mul<T>(mul<T>(gi, oma), gi));
    st<T>(s0 + o, sq);
    let avg: T;
    if (centered) {
      const ga = add<T>(mul<T>(ld<T>(s1 + o), alpha), mul<T>(gi, oma));
      st<T>(s1 + o, ga);
      avg = sqrtL<T>(sub<T>(sq, mul<T>(ga, ga)));
    } else {
      avg = sqrtL<T>(sq);
    }
    avg = add<T>(avg, eps);
    if (momentum) {
      const b = add<T>(mul<T>(ld<T>(buf + o), mu), div<T>(gi, avg));
      st<T>(buf + o, b);
      st<T>(p + o, sub<T>(th, mul<T>(b, lr)));
    } else {
      st<T>(p + o, add<T>(th, mul<T>(div<T>(gi, avg), negLr)));
    }
  }
}

// adagrad: [λ, ε, −γ/(1 + (t − 1)η)]; states [sum]
function adagradRun<T>(flags: i32, p: usize, g: usize, s0: usize, from: usize, to: usize, hyper: usize): void {
  const wd = C<T>(hyper, 0), eps = C<T>(hyper, 1), negClr = C<T>(hyper, 2);
  const maximize = (flags & MAXIMIZE) != 0, decay = (flags & DECAY) != 0;
  for (let o = from; o < to; o += sizeof<T>()) {
    const th = ld<T>(p + o);
    const gi = gradOf<T>(ld<T>(g + o), th, maximize, decay, wd);
    const sum = add<T>(ld<T>(s0 + o), mul<T>(gi, gi));
    st<T>(s0 + o, sum);
    const std = add<T>(sqrtL<T>(sum), eps);
    st<T>(p + o, add<T>(th, mul<T>(div<T>(gi, std), negClr)));
  }
}

// adadelta: [λ, ρ, 1 − ρ, ε, γ]; states [squareAvg, accDelta]
function adadeltaRun<T>(flags: i32, p: usize, g: usize, s0: usize, s1: usize, from: usize, to: usize, hyper: usize): void {
  const wd = C<T>(hyper, 0), rho = C<T>(hyper, 1), omr = C<T>(hyper, 2), eps = C<T>(hyper, 3), lr = C<T>(hyper, 4);
  const maximize = (flags & MAXIMIZE) != 0, decay = (flags & DECAY) != 0;
  for (let o = from; o < to; o += sizeof<T>()) {
    const th = ld<T>(p + o);
    const gi = gradOf<T>(ld<T>(g + o), th, maximize, decay, wd);
    const sq = add<T>(mul<T>(ld<T>(s0 + o), rho), mul<T>(mul<T>(gi, omr), gi));
    st<T>(s0 + o, sq);
    const std = sqrtL<T>(add<T>(sq, eps));
    const acc = ld<T>(s1 + o);
    const delta = mul<T>(div<T>(sqrtL<T>(add<T>(acc, eps)), std), gi);
    st<T>(s1 + o, add<T>(mul<T>(acc, rho), mul<T>(mul<T>(delta, omr), delta)));
    st<T>(p + o, sub<T>(th, mul<T>(delta, lr)));
  }
}

// @ts-ignore: decorator
@inline
function runRule<T>(rule: i32, flags: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, from: usize, to: usize, hyper: usize): void {
  if (from >= to) return;
  switch (rule) {
    case SGD: sgdRun<T>(flags, p, g, s0, from, to, hyper); break;
    case ADAM: adamRun<T>(flags, p, g, s0, s1, s2, from, to, hyper); break;
    case ADAMAX: adamaxRun<T>(flags, p, g, s0, s1, from, to, hyper); break;
    case NADAM: nadamRun<T>(flags, p, g, s0, s1, from, to, hyper); break;
    case RMSPROP: rmspropRun<T>(flags, p, g, s0, s1, s2, from, to, hyper); break;
    case ADAGRAD: adagradRun<T>(flags, p, g, s0, from, to, hyper); break;
    case ADADELTA: adadeltaRun<T>(flags, p, g, s0, s1, from, to, hyper); break;
    default: break;
  }
}

/**
 * One fused optimizer update, in place, over n contiguous elements at byte addresses p (parameter), g
 * (gradient, read only) and s0…s2 (the rule's state tensors; unused ones are ignored): float64 when `f64`
 * is nonzero, else float32. `hyper` holds the rule's float64 constants.
 */
export function optimStep(rule: i32, flags: i32, f64: i32, n: i32, p: usize, g: usize, s0: usize, s1: usize, s2: usize, hyper: usize): void {
  if (f64 != 0) {
    runRule<f64>(rule, flags, p, g, s0, s1, s2, 0, <usize>n << 3, hyper);
  } else {
    const vec = <usize>(n & ~3) << 2;
    runRule<v128>(rule, flags, p, g, s0, s1, s2, 0, vec, hyper);
    runRule<f32>(rule, flags, p, g, s0, s1, s2, vec, <usize>n << 2, hyper);
  }
}
