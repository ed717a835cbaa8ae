/**
 * The base of epoch-indexed learning-rate schedules, as torch.optim.lr_scheduler.LRScheduler: construction
 * records each group's `initialLr` and sets the lr for epoch 0; every `step()` advances `lastEpoch` by one
 * and writes the new lr into the optimizer's parameter groups. Call it after `optimizer.step()`.
 */
import { ValueError } from "../../errors.js";
import type { BaseOptions, ParamGroup } from "../optimizer.js";

/** What a scheduler needs of an optimizer: its parameter groups (and defaults, to see which options it has). */
export interface SchedulableOptimizer {
  readonly paramGroups: ParamGroup<BaseOptions>[];
  readonly defaults: object;
}

/** The common face of all schedulers. */
export interface Scheduler {
  /** The lr of each group as set by the last `step()` (or construction). */
  getLastLr(): number[];
  /** A plain-data copy of the scheduler's counters, to save next to the optimizer's state dict. */
  stateDict(): Record<string, unknown>;
  loadStateDict(sd: Record<string, unknown>): void;
}

export function checkOptimizer(name: string, optimizer: unknown): asserts optimizer is SchedulableOptimizer {
  const o = optimizer as SchedulableOptimizer | null;
  if (o === null || typeof o !== "object" || !Array.isArray(o.paramGroups)) {
    throw new ValueError(`${name}: expected an optimizer (e.g. new SGD(...)), got ${o === null ? "null" : typeof o}.`);
  }
}

/** Copies the plain-data fields of a scheduler (not its optimizer, not functions). */
export function plainFields(obj: object, skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === "optimizer" || skip.includes(k) || typeof v === "function") continue;
    out[k] = structuredClone(v);
  }
  return out;
}

/** Loads fields saved by `plainFields`, checking the dict came from the same kind of scheduler. */
export function loadFields(target: object, name: string, sd: Record<string, unknown>): void {
  if (sd === null || typeof sd !== "object") throw new ValueError(`${name}.loadStateDict: expected an object from stateDict(), got ${String(sd)}.`);
  if (sd.scheduler !== name) {
    throw new ValueError(`${name}.loadStateDict: this state dict was saved by ${String(sd.scheduler)}, not ${name}.`);
  }
  for (const [k, v] of Object.entries(sd)) if (k !== "scheduler") (target as Record<string, unknown>)[k] = structuredClone(v);
}

export abstract class LRScheduler implements Scheduler {
  readonly optimizer: SchedulableOptimizer;
  /** Each group's `initialLr`: what the schedule scales. */
  baseLrs: number[];
  /** The number of `step()` calls so far (0 after construction). */
  lastEpoch = -1;
  /** How many times `step()` ran, construction included. */
  stepCount = 0;
  protected lastLr: number[] = [];
  /** The scheduler's class name (used in messages and state dicts). */
  readonly scheduler: string;

  constructor(name: string, optimizer: SchedulableOptimizer) {
    checkOptimizer(name, optimizer);
    this.scheduler = name;
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /** Sets the lr of epoch 0. Internal: each subclass calls it at the end of its constructor. */
  _initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The lr of each group for `lastEpoch`, from the current lrs (PyTorch's "chainable" form). */
  protected abstract getLr(): number[];
  /** The lr of each group at `lastEpoch` straight from the base lrs, where a closed form exists. */
  protected closedFormLr?(): number[];

  /**
   * Advances the schedule by one epoch and writes the new lr into the optimizer's groups.
   * @param epoch jump to this epoch instead, using the closed form where there is one (PyTorch's deprecated
   *   form; SequentialLR uses it to restart a schedule)
   */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]!));
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  protected get groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): Record<string, unknown> {
    return plainFields(this);
  }

  loadStateDict(sd: Record<string, unknown>): void {
    loadFields(this, this.scheduler, sd);
  }
}

/** Per-group values: one number for all groups, or one per group. */
export function perGroup(name: string, what: string, value: number | readonly number[], optimizer: SchedulableOptimizer): number[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(value)) {
    if (value.length !== n) throw new ValueError(`${name}: expected ${n} values for ${what} (one per parameter group), got ${value.length}.`);
    return [...value];
  }
  return new Array<number>(n).fill(value as number);
}

/** The index where x would be inserted after any equal entries of the sorted array (Python's bisect_right). */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
