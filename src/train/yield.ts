/**
 * Yielding to the event loop, so a long `fit` never blocks timers, I/O or a UI. Yielding costs ~0.1 ms on
 * Node (more in browsers, where a `setTimeout(0)` may be clamped to 4 ms), so the trainer yields after every
 * `everyMs` of work rather than after every batch.
 */

/** Resolves on the next turn of the event loop (`setImmediate` on Node, a macrotask elsewhere). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof setImmediate === "function") setImmediate(resolve);
    else if (typeof MessageChannel === "function") {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    } else setTimeout(resolve, 0);
  });
}

/**
 * Yields when at least `everyMs` milliseconds have passed since the last yield.
 * ```ts
 * const y = new Yielder(10);
 * for (const batch of batches) { step(batch); await y.maybeYield(); }
 * ```
 */
export class Yielder {
  readonly everyMs: number;
  #last = now();
  /** How many times it yielded (tests read it). */
  count = 0;
  constructor(everyMs = 10) {
    this.everyMs = everyMs;
  }
  async maybeYield(): Promise<void> {
    if (now() - this.#last < this.everyMs) return;
    await yieldToEventLoop();
    this.count++;
    this.#last = now();
  }
}

const now = (): number => globalThis.performance.now();
