/**
 * Version counters for storage, as PyTorch's: every in-place write bumps the written storage's version, and a
 * graph node remembers the versions of its inputs and output when it is recorded. Backward refuses to use a
 * node whose tensors were overwritten since (its saved values would be stale and the gradient silently wrong).
 */
import type { Storage } from "../backend/backend.js";

const versions = new WeakMap<Storage, number>();

/** How many in-place writes the storage has seen. */
export const versionOf = (s: Storage): number => versions.get(s) ?? 0;

/** Records an in-place write to the storage. */
export function bumpVersion(s: Storage): void {
  versions.set(s, versionOf(s) + 1);
}
