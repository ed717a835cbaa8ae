/**
 * LambdaCallback: a callback from plain functions, one per hook you need.
 * ```ts
 * const log = new LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) });
 * await trainer.fit(x, y, { epochs: 3, callbacks: [log] });
 * ```
 * The functions run with `this` unbound; to stop training, capture the trainer:
 * `new LambdaCallback({ onBatchEnd: (b, logs) => { if (logs.loss < 1e-3) trainer.stopTraining = true; } })`.
 */
import { ValueError } from "../../errors.js";
import { Callback, HOOK_NAMES, type CallbackHooks } from "./callback.js";

export class LambdaCallback extends Callback {
  constructor(hooks: CallbackHooks) {
    super();
    if (hooks === null || typeof hooks !== "object") throw new ValueError("LambdaCallback: expected an object of hooks, e.g. { onEpochEnd: (epoch, logs) => ... }.");
    for (const [k, f] of Object.entries(hooks)) {
      if (!(HOOK_NAMES as readonly string[]).includes(k)) {
        throw new ValueError(`LambdaCallback: unknown hook "${k}". Hooks: ${HOOK_NAMES.join(", ")}.`);
      }
      if (typeof f !== "function") throw new ValueError(`LambdaCallback: ${k} must be a function, got ${typeof f}.`);
      (this as unknown as Record<string, unknown>)[k] = f;
    }
  }
}
