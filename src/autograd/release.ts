/**
 * Freeing gradient memory at once, without waiting for the garbage collector, where that is provably safe.
 *
 * On backends whose memory the garbage collector does not own (wasm: dead storages are freed only after a
 * forced full collection, paced by the bytes allocated; see src/backend/wasm/reclaim.ts), every byte of
 * garbage a training step makes costs collection time. A backward pass makes much of it: the gradients of
 * intermediate tensors, dead once the pass is over, and every step's parameter gradients, dead once
 * `zeroGrad()` drops them. Two rules free them, both on storages (a storage is only freed when no tensor
 * that views it can still be reached):
 *
 * 1. End of a backward pass (`Release.finish`). The engine takes an allocation mark before it makes the
 *    seed gradient (`Backend.allocationMark`), and notes the storage of every gradient tensor it holds: the
 *    seeds it made, every tensor a node's vjp returns, every sum it accumulates. At the end it frees each
 *    noted storage that was allocated after the mark (so it is none of the user's tensors: not a given
 *    gradOutput, not a forward tensor, not an old `.grad`), is not a cached constant (`pinStorage`), and is
 *    not the storage of a tensor that left the engine: a leaf's or a `retainGrad()` tensor's `.grad`, a
 *    result `gradients()` returns. Nothing else can reach those storages: built-in vjps keep nothing (the
 *    contract at `Vjp`, src/autograd/node.ts), the pass records no graph, and the engine's own maps die
 *    with the pass. The pass frees nothing when it ran user code that might have kept a gradient — a node of
 *    an `autograd.Function` (`Node.userCode`) — or recorded a graph (`createGraph`: gradients then reference
 *    each other through their nodes). nabla has no tensor hooks; if it gets them, a pass that runs one must
 *    free nothing either. A pass that throws frees nothing.
 * 2. Parameter gradients. A `.grad` the engine set in a pass that could free (rule 1) is marked engine-owned
 *    when its storage was allocated in that pass and no other tensor that left the engine shares it (`y = x
 *    + b` gives x and b views of one storage: neither is engine-owned). Reading `.grad` (the public getter)
 *    hands the tensor to user code, which may keep it: it marks the tensor observed. Assigning `.grad` marks
 *    the assigned tensor observed. `Optimizer.zeroGrad()`, `Module.zeroGrad()`, `Tensor.zeroGrad()`, and
 *    the engine when it adds a new gradient to an old one, free the old gradient's storage when it is
 *    engine-owned and was never observed; otherwise they only drop it, as before. Library code that reads a
 *    gradient only for the moment (optimizer steps, gradient clipping) reads the internal `_grad`; code that
 *    may keep it (the composite optimizer path, which hands it to an overridable `update`) marks it
 *    observed.
 *
 * The TS backend has no allocation mark (its `dispose` does nothing: the garbage collector owns its typed
 * arrays), so none of this runs there.
 */
import type { Backend, Storage } from "../backend/backend.js";
import type { Tensor } from "../tensor.js";

/** `Tensor._gradState` bit: the engine made this gradient and nothing else that left the engine shares its storage. */
export const GRAD_ENGINE_OWNED = 1;
/** `Tensor._gradState` bit: the tensor was handed to user code (`.grad` read or assigned). */
export const GRAD_OBSERVED = 2;

/** Storages of cached constants (`Tensor._constant`): never freed by the engine, even when made during a pass. */
const pinned = new WeakSet<Storage>();

/** Marks a storage that is cached for reuse, so that a backward pass never frees it. */
export function pinStorage(s: Storage): void {
  pinned.add(s);
}

/** Frees gradient `g`'s storage when it is engine-owned and was never observed (rule 2); returns whether it did. */
export function releaseGrad(g: Tensor): boolean {
  if (g._gradState !== GRAD_ENGINE_OWNED) return false;
  g._gradState = 0;
  g.backend.dispose(g.storage);
  return true;
}

/** The bookkeeping of one backward pass for rule 1 (see the module comment). */
export class Release {
  /** Storages of gradients the engine held that were allocated since the mark. */
  private readonly held = new Set<Storage>();
  /** Storages of tensors that left the engine, with how many such tensors view each. */
  private readonly escaped = new Map<Storage, number>();
  /** `.grad` tensors this pass set. */
  private readonly grads: Tensor[] = [];
  /** Old `.grad` tensors this pass replaced by a sum. */
  private readonly replaced: Tensor[] = [];
  /** Set when the pass runs user code (a node with `userCode`): then it frees nothing. */
  userCode = false;

  private constructor(private readonly backend: Backend, private readonly mark: number) {}

  /**
   * Starts the bookkeeping of a pass over tensors of `backend` — before the pass makes its seed gradients —
   * or returns null where nothing may be freed: a recorded pass (`createGraph`), or a backend without an
   * allocation mark.
   */
  static start(backend: Backend, createGraph: boolean): Release | null {
    if (createGraph || backend.allocationMark === undefined || backend.allocatedSince === undefined) return null;
    return new Release(backend, backend.allocationMark());
  }

  /** Notes a gradient tensor the engine holds. */
  hold(t: Tensor): void {
    if (t.backend === this.backend && this.backend.allocatedSince!(t.storage, this.mark)) this.held.add(t.storage);
  }

  /** Notes a tensor that leaves the engine (returned to the caller). */
  escape(t: Tensor): void {
    this.escaped.set(t.storage, (this.escaped.get(t.storage) ?? 0) + 1);
  }

  /** Notes a tensor the engine sets as a `.grad`, and the old `.grad` it replaces (null if none). */
  setGrad(g: Tensor, old: Tensor | null): void {
    this.escape(g);
    this.grads.push(g);
    if (old !== null) this.replaced.push(old);
  }

  /** At the end of a pass that did not throw: frees what rule 1 allows and marks engine-owned `.grad`s. */
  finish(): void {
    if (this.userCode) return;
    for (const g of this.grads) {
      if (this.held.has(g.storage) && this.escaped.get(g.storage) === 1) g._gradState |= GRAD_ENGINE_OWNED;
    }
    for (const old of this.replaced) releaseGrad(old);
    for (const s of this.held) if (!this.escaped.has(s) && !pinned.has(s)) this.backend.dispose(s);
  }
}
