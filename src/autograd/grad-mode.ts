/** Whether operations record the graph. `noGrad(fn)` turns recording off inside fn, `enableGrad(fn)` on. */

let enabled = true;

export const isGradEnabled = (): boolean => enabled;

/** Runs `fn` with gradient recording set to `mode`, restoring the previous mode afterwards. */
export function withGradMode<T>(mode: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/**
 * Runs `fn` without recording the graph (inference, optimizer updates), like `torch.no_grad()`.
 * ```ts
 * const y = noGrad(() => model.forward(x)); // y.requiresGrad === false
 * ```
 */
export const noGrad = <T>(fn: () => T): T => withGradMode(false, fn);

/** Runs `fn` with recording on, even inside `noGrad`. */
export const enableGrad = <T>(fn: () => T): T => withGradMode(true, fn);
