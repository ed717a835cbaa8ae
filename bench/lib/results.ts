/** Options and results of the W2/W3/W4 workload functions, shared by every system. */
import { summarize, type Summary } from "./stats.js";

export interface W2Options {
  /** Epochs to train (5 in the full run). */
  epochs: number;
  /** Stop each epoch after this many steps (--quick, tests); default: the whole epoch. */
  maxSteps?: number;
  batchSize?: number;
  /** Called after each epoch (progress lines). */
  onEpoch?: (epoch: number, seconds: number, loss: number) => void;
}

export interface W2Result {
  epochs: number;
  stepsPerEpoch: number;
  samplesPerEpoch: number;
  /** Wall time of each epoch, seconds. */
  epochSeconds: number[];
  epoch1Seconds: number;
  /** min / median / max of the epoch times. */
  epochStats: Summary;
  /** samplesPerEpoch / median epoch time. */
  samplesPerSecond: number;
  /** The last batch's loss of the last epoch. */
  finalLoss: number;
  /** Accuracy on the 10,000 test images after training (not timed). */
  testAccuracy: number;
}

export interface W3Result {
  passes: number;
  warmup: number;
  batches: number;
  batchSize: number;
  /** min / median / max images/s over the timed passes. */
  imagesPerSecond: Summary;
}

export function w2Result(opts: W2Options, steps: number, samples: number, times: number[], finalLoss: number, testAccuracy: number): W2Result {
  const epochStats = summarize(times);
  return {
    epochs: opts.epochs, stepsPerEpoch: steps, samplesPerEpoch: samples, epochSeconds: times, epoch1Seconds: times[0]!,
    epochStats, samplesPerSecond: samples / epochStats.median, finalLoss, testAccuracy,
  };
}

export interface W4Options {
  steps: number;
  /** Timed trainings after the warm-up one. */
  runs: number;
  /** Untimed warm-up trainings (default 1). */
  warmup?: number;
}

export interface W4Result {
  steps: number;
  runs: number;
  /** min / median / max µs per step over the timed trainings. */
  usPerStep: Summary;
  /** Loss after the last step of the last training. */
  finalLoss: number;
  /** Training accuracy (prediction > 0.5) after the last training. */
  trainAccuracy: number;
}

/** One warm-up training (or `warmup`), then `runs` timed ones; µs per step from each training's seconds. */
export function collectW4(opts: W4Options, train: () => { seconds: number; loss: number; accuracy: number }): W4Result {
  for (let w = 0; w < (opts.warmup ?? 1); w++) train();
  const us: number[] = [];
  let last = { seconds: 0, loss: NaN, accuracy: NaN };
  for (let r = 0; r < opts.runs; r++) {
    last = train();
    us.push((last.seconds * 1e6) / opts.steps);
  }
  return { steps: opts.steps, runs: opts.runs, usPerStep: summarize(us), finalLoss: last.loss, trainAccuracy: last.accuracy };
}

/** Times `runs` passes of `pass` (after `warmup` untimed ones) as images/s over `n` images. */
export function timePasses(n: number, warmup: number, runs: number, pass: () => void): Summary {
  for (let w = 0; w < warmup; w++) pass();
  const ips: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    pass();
    ips.push(n / ((performance.now() - t0) / 1000));
  }
  return summarize(ips);
}
