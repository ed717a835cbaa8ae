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
 * --harmony-weak-refs-with-cleanup-some, which only affect new contexts, and resets both right after), and
 * runs a full collection and then the finalizers synchronously once the wasm bytes allocated since the last
 * one exceed the allowance.
 *
 * The allowance trades memory for time. Up to the allowance of dead storage piles up between two
 * collections, and the WebAssembly memory — which never shrinks — keeps room for it: it adds to the peak
 * memory. A collection costs a roughly fixed time (it marks the live JS heap: W2 and W4, 7–8 MB of heap, 4–8
 * ms each, more where the dead tensors are many small ones), not time in proportion to the live wasm bytes
 * (a 200 MB training set is one object to the collector). So:
 * - a program whose live wasm data is small gets the full `budget` (64 MiB): its memory is small anyway and
 *   the allowance buys time (W4, a tiny MLP: 6 collections per 2,000 steps instead of 26 at 16 MiB, ~30 %
 *   faster, when it allocated 0.2 MiB per step);
 * - as the live data grows past half the budget, the allowance shrinks in inverse proportion, budget² / (2·live),
 *   down to budget / 8 (8 MiB from 256 MiB of live data on): programs with large live data are the ones
 *   whose memory matters (they run out of it first: a browser tab, a container, wasm32's 4 GiB), and for them
 *   the peak stays close to the live data, at the price of more collections (W2, 214 MiB of Fashion-MNIST:
 *   9.6 MiB). Since the autograd engine frees a step's gradients at once (src/autograd/release.ts), a W2
 *   step leaves ≈ 0.6 MiB to the collector instead of 1.5, so this costs few collections: one every ~16
 *   steps; 19 MiB (budget² / live) measured 316–326 MiB peak RSS, 9.6 MiB 314–322, at the same speed;
 * - it is never below HEAP_FACTOR times the JS heap that survived the last collection, which bounds the
 *   collection time per allocated byte for programs with very many live tensor objects.
 * (It was max(64 MiB, live / 4): W2's data alone set it to 53 MiB; then budget² / live, ≥ budget / 4, ≥ twice
 * the JS heap, before gradients were freed eagerly.) Young-generation collections would be
 * cheaper but do not clear finalization cells (measured). docs/wasm.md has the measurements. Elsewhere
 * (browsers) the standard registry frees storages when the event loop turns; `tensor.dispose()` frees at
 * once everywhere.
 */

/** The allowance is at least this multiple of the JS heap that survived the last collection. */
const HEAP_FACTOR = 1;
/** The smallest allowance from the live-data rule, as a share of the budget. */
const MIN_SHARE = 0.125;

/** Bytes of wasm allocation allowed before the next collection, given the live wasm and JS heap bytes after the last. */
export function collectionAllowance(budget: number, liveBytes: number, heapBytes: number): number {
  const fromLive = liveBytes <= budget / 2 ? budget : Math.max(budget * MIN_SHARE, (budget * budget) / (2 * liveBytes));
  return Math.max(fromLive, HEAP_FACTOR * heapBytes);
}

/** What the registry holds for a storage: its block; `ptr` is set to -1 once the block was freed by dispose. */
export interface Held {
  ptr: number;
  bytes: number;
  /** The number of collections before the block was registered (set by `register`). */
  epoch?: number;
}

interface NodeHooks {
  gc: () => void;
  Registry: typeof FinalizationRegistry;
  /** Bytes in use in the JS heap. */
  heapUsed: () => number;
}

type CleanupSomeRegistry<T> = FinalizationRegistry<T> & { cleanupSome?: () => void };

function nodeHooks(): NodeHooks | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const get = proc?.getBuiltinModule;
    if (typeof get !== "function") return null;
    const v8 = get("node:v8") as { setFlagsFromString(f: string): void; getHeapStatistics(): { used_heap_size: number } };
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
    return { gc, Registry, heapUsed: () => v8.getHeapStatistics().used_heap_size };
  } catch {
    return null;
  }
}

export class Reclaimer {
  private readonly registry: CleanupSomeRegistry<Held>;
  private readonly gc: NodeHooks["gc"] | null;
  private readonly heapUsed: () => number;
  private sinceCollect = 0;
  /** Bytes of wasm allocation allowed before the next collection (see `collectionAllowance`). */
  private allowance: number;
  /** Whether collections can be forced and finalizers run synchronously (Node). */
  readonly synchronous: boolean;
  /** Collections forced so far. */
  collections = 0;

  /**
   * @param free returns a block to the allocator
   * @param budget the allowance while the live wasm data is at most this (it shrinks beyond; see `allowance`)
   * @param liveBytes the allocator's live bytes
   * @param heapUsed the JS heap's used bytes (default: V8's figure; tests pass their own)
   */
  constructor(free: (h: Held) => void, private readonly budget: number, private readonly liveBytes: () => number, heapUsed?: () => number) {
    const hooks = nodeHooks();
    const onFinalize = (h: Held): void => {
      if (h.ptr >= 0) free(h);
    };
    this.registry = hooks ? new hooks.Registry<Held>(onFinalize) : new FinalizationRegistry<Held>(onFinalize);
    this.gc = hooks?.gc ?? null;
    this.heapUsed = heapUsed ?? hooks?.heapUsed ?? (() => 0);
    this.synchronous = hooks !== null;
    this.allowance = budget;
  }

  /**
   * Frees `held` once `owner` is garbage-collected. No unregister token: registering with one costs about
   * 5× more (V8 keeps a token → cell map; measured 0.5 vs 0.1 µs, and W4 allocates ~86 storages a step);
   * a block freed early goes through `release` instead, which the finalizer then skips.
   */
  register(owner: object, held: Held): void {
    this.registry.register(owner, held);
    held.epoch = this.collections;
    this.sinceCollect += held.bytes;
    if (this.gc !== null && this.sinceCollect > this.allowance) this.collect();
  }

  /**
   * Marks a registered block as freed by its owner (dispose), so its finalizer does nothing. A block
   * allocated since the last collection no longer counts towards the next one: it will never be garbage
   * waiting for a collection, and the allocator reuses its memory at once (the autograd engine frees most
   * of a training step's gradients this way; src/autograd/release.ts).
   */
  release(held: Held): void {
    held.ptr = -1;
    if (held.epoch === this.collections) this.sinceCollect -= held.bytes;
  }

  /** Forces a collection and runs finalizers now (Node); a no-op elsewhere. */
  collect(): void {
    if (this.gc === null) return;
    this.sinceCollect = 0;
    this.gc();
    this.registry.cleanupSome!();
    this.collections++;
    this.allowance = collectionAllowance(this.budget, this.liveBytes(), this.heapUsed());
  }
}
