/**
 * Freeing the wasm memory of tensors the program no longer references, without user code.
 *
 * Each storage is registered with a FinalizationRegistry. Two problems remain, and this file solves them
 * where the runtime allows:
 * 1. The garbage collector does not see WebAssembly memory: a tensor object of a few dozen bytes can hold
 *    megabytes of it, so the JS heap, and with it the pace of collections, barely moves while wasm memory
 *    fills with dead tensors (measured: 4 GiB after 3,000 steps of a 512-wide MLP).
 * 2. V8 runs finalization callbacks as a separate task, so a synchronous training loop frees nothing until
 *    it yields to the event loop.
 * In Node (process.getBuiltinModule, Node ≥ 20.16), the reclaimer obtains `gc` and a FinalizationRegistry
 * with `cleanupSome` from a fresh vm context (after enabling the V8 flags --expose-gc and
 * --harmony-weak-refs-with-cleanup-some, which only affect new contexts, and resets both right after), and after every `budget` bytes
 * of allocation (or a quarter of the bytes that survived the last collection, if more) runs a full collection and then the
 * finalizers synchronously. The allowance bounds the garbage, not a multiple of the live data: a training set of 200 MB
 * no longer lets 200 MB of dead batches pile up between collections (W2's WebAssembly memory went from 542 to about 290 MiB),
 * while the quarter keeps the collection work per allocated byte bounded when the live data is huge
 * (young-generation collections do not clear finalization cells: measured). Elsewhere (browsers) the standard registry frees storages when
 * the event loop turns; `tensor.dispose()` frees at once everywhere.
 */

/** Share of the bytes that survived the last collection that may be allocated before the next (when above the budget). */
const LIVE_FRACTION = 0.25;

/** What the registry holds for a storage: its block; `ptr` is set to -1 once the block was freed by dispose. */
export interface Held {
  ptr: number;
  bytes: number;
}

interface NodeHooks {
  gc: () => void;
  Registry: typeof FinalizationRegistry;
}

type CleanupSomeRegistry<T> = FinalizationRegistry<T> & { cleanupSome?: () => void };

function nodeHooks(): NodeHooks | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const get = proc?.getBuiltinModule;
    if (typeof get !== "function") return null;
    const v8 = get("node:v8") as { setFlagsFromString(f: string): void };
    const vm = get("node:vm") as { runInNewContext(code: string): unknown };
    v8.setFlagsFromString("--expose-gc");
    v8.setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    let hooks: [NodeHooks["gc"], typeof FinalizationRegistry];
    try {
      hooks = vm.runInNewContext("[gc, FinalizationRegistry]") as [NodeHooks["gc"], typeof FinalizationRegistry];
    } finally {
      // Back to the defaults at once: contexts and workers created later (the application's own included)
      // must not find a global gc or the non-standard cleanupSome.
      v8.setFlagsFromString("--no-expose-gc");
      v8.setFlagsFromString("--no-harmony-weak-refs-with-cleanup-some");
    }
    const [gc, Registry] = hooks;
    if (typeof gc !== "function" || typeof (Registry.prototype as { cleanupSome?: unknown }).cleanupSome !== "function") return null;
    return { gc, Registry };
  } catch {
    return null;
  }
}

export class Reclaimer {
  private readonly registry: CleanupSomeRegistry<Held>;
  private readonly gc: NodeHooks["gc"] | null;
  private sinceCollect = 0;
  /** Live bytes right after the last collection: the next one comes after max(budget, LIVE_FRACTION · this) new bytes. */
  private survivors = 0;
  /** Whether collections can be forced and finalizers run synchronously (Node). */
  readonly synchronous: boolean;

  /**
   * @param free returns a block to the allocator
   * @param budget bytes allocated between forced collections (or LIVE_FRACTION of the bytes that survived the last one, if more)
   * @param liveBytes the allocator's live bytes
   */
  constructor(free: (h: Held) => void, private readonly budget: number, private readonly liveBytes: () => number) {
    const hooks = nodeHooks();
    const onFinalize = (h: Held): void => {
      if (h.ptr >= 0) free(h);
    };
    this.registry = hooks ? new hooks.Registry<Held>(onFinalize) : new FinalizationRegistry<Held>(onFinalize);
    this.gc = hooks?.gc ?? null;
    this.synchronous = hooks !== null;
  }

  /**
   * Frees `held` once `owner` is garbage-collected. No unregister token: registering with one costs about
   * 5× more (V8 keeps a token → cell map; measured 0.5 vs 0.1 µs, and W4 allocates ~86 storages a step);
   * a block freed early goes through `release` instead, which the finalizer then skips.
   */
  register(owner: object, held: Held): void {
    this.registry.register(owner, held);
    this.sinceCollect += held.bytes;
    if (this.gc !== null && this.sinceCollect > Math.max(this.budget, this.survivors * LIVE_FRACTION)) this.collect();
  }

  /** Marks a registered block as freed by its owner (dispose), so its finalizer does nothing. */
  release(held: Held): void {
    held.ptr = -1;
  }

  /** Forces a collection and runs finalizers now (Node); a no-op elsewhere. */
  collect(): void {
    if (this.gc === null) return;
    this.sinceCollect = 0;
    this.gc();
    this.registry.cleanupSome!();
    this.survivors = this.liveBytes();
  }
}
