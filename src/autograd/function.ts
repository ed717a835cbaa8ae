/**
 * Custom differentiable functions, as `torch.autograd.Function`: subclass, write static `forward(ctx, ...)`
 * and `backward(ctx, ...gradOutputs)`, call `MyFn.apply(...)`.
 *
 * ```ts
 * class MultiplyGate extends autograd.Function {
 *   static forward(ctx: FunctionCtx, x: Tensor, y: Tensor) {
 *     ctx.saveForBackward(x, y);
 *     return x.mul(y);
 *   }
 *   static backward(ctx: FunctionCtx, dz: Tensor) {
 *     const [x, y] = ctx.savedTensors;
 *     return [dz.mul(y!), dz.mul(x!)];    // ∂L/∂x = dz·y, ∂L/∂y = dz·x
 *   }
 * }
 * const z = MultiplyGate.apply(x, y);
 * ```
 * forward runs without recording; its result is attached to the graph with backward as its gradient.
 * backward must return one entry per forward argument (null for non-tensors or inputs without gradient).
 * Written with tensor ops, backward is itself differentiable, so higher-order gradients work.
 */
import { GradError, fmtShape } from "../errors.js";
import { Tensor } from "../tensor.js";
import { noGrad } from "./grad-mode.js";
import { record } from "./node.js";

export class FunctionCtx {
  private saved: Tensor[] = [];
  /** Free-form storage for non-tensor values backward needs. */
  readonly data: Record<string, unknown> = {};
  /** Which forward arguments need a gradient. */
  needsInputGrad: boolean[] = [];

  /** Keeps tensors for backward. */
  saveForBackward(...tensors: Tensor[]): void {
    this.saved = tensors;
  }
  get savedTensors(): readonly Tensor[] {
    return this.saved;
  }
}

type GradResult = Tensor | null | undefined | readonly (Tensor | null | undefined)[];
type RestArgs<T> = T extends [FunctionCtx, ...infer R] ? R : never;

export abstract class Function {
  static forward(_ctx: FunctionCtx, ..._args: any[]): Tensor | Tensor[] {
    throw new GradError(`${this.name}.forward is not defined; write a static forward(ctx, ...inputs) in your subclass.`);
  }
  static backward(_ctx: FunctionCtx, ..._gradOutputs: Tensor[]): GradResult {
    throw new GradError(`${this.name}.backward is not defined; write a static backward(ctx, ...gradOutputs) in your subclass.`);
  }

  /** Runs forward and records backward as the gradient of its outputs. */
  static apply<C extends { forward(ctx: FunctionCtx, ...args: any[]): Tensor | Tensor[]; backward(ctx: FunctionCtx, ...g: Tensor[]): GradResult; name: string }>(
    this: C,
    ...args: RestArgs<Parameters<C["forward"]>>
  ): ReturnType<C["forward"]> {
    const cls = this;
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a: unknown) => a instanceof Tensor && a.requiresGrad);
    const raw = noGrad(() => cls.forward(ctx, ...args));
    const outs = Array.isArray(raw) ? raw : [raw];
    const tensorArgs = args.filter((a: unknown): a is Tensor => a instanceof Tensor);
    const argPos = args.map((a: unknown, i: number) => (a instanceof Tensor ? i : -1)).filter((i: number) => i >= 0);
    // Each output gets its own node; backward receives zeros for the other outputs (linearity).
    const recorded = outs.map((o, k) => {
      if (!(o instanceof Tensor)) throw new GradError(`${cls.name}.forward must return a Tensor or an array of Tensors.`);
      const out = o.requiresGrad || outs.indexOf(o) !== k || args.includes(o) ? o.detach() : o;
      const rec = record(out, cls.name, tensorArgs, (dy) => {
        const gs = outs.map((other, j) => (j === k ? dy : other.detach().mul(0)));
        const res = cls.backward(ctx, ...gs);
        const list = Array.isArray(res) ? res : [res];
        if (list.length !== args.length) {
          throw new GradError(`${cls.name}.backward returned ${list.length} gradient(s), but forward took ${args.length} argument(s); return one per argument (null for none).`);
        }
        return argPos.map((p, i) => {
          const g = list[p] ?? null;
          const x = tensorArgs[i]!;
          if (g !== null && g.shape.join() !== x.shape.join()) {
            throw new GradError(`${cls.name}.backward: gradient ${p} has shape ${fmtShape(g.shape)}, but argument ${p} has shape ${fmtShape(x.shape)}.`);
          }
          return g;
        });
      });
      // backward is user code: it may keep the gradients it gets or returns (see Node.userCode).
      // (out is fresh or detached, so a node on it is the one record just attached.)
      if (rec._node !== null) rec._node.userCode = true;
      return rec;
    });
    return (Array.isArray(raw) ? recorded : recorded[0]) as ReturnType<C["forward"]>;
  }
}
