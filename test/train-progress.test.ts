// ProgressBar on fake streams: a redrawn line with a bar, ETA and metrics on a TTY; one line per epoch
// elsewhere (and with verbose 2); the formatting helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed } from "../src/random.js";
import * as nn from "../src/nn/index.js";
import { makeMoons } from "../src/data/datasets/index.js";
import { Trainer } from "../src/train/trainer.js";
import { ProgressBar, formatDuration, formatValue, type WritableLike } from "../src/train/callbacks/progress-bar.js";

const { x, y } = makeMoons({ nSamples: 40, noise: 0.1, seed: 0 });
const fake = (isTTY: boolean): WritableLike & { text: string } => {
  const s = { text: "", isTTY, columns: 200, write(chunk: string) { s.text += chunk; return true; } };
  return s;
};
const trainer = () => {
  manualSeed(0);
  return new Trainer(new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Linear(4, 2)), { optimizer: "adam", loss: "crossEntropy", metrics: ["accuracy"] });
};

test("on a TTY: one line per epoch, redrawn in place with a bar, the step count, ETA, loss and metrics", async () => {
  const s = fake(true);
  await trainer().fit(x, y, { epochs: 2, batchSize: 10, validationSplit: 0.25, seed: 0, verbose: 0, callbacks: [new ProgressBar({ stream: s, throttleMs: 0 })] });
  const lines = s.text.split("\n");
  assert.equal(lines.length, 3); // two finished epochs and an empty tail
  assert.equal(lines[2], "");
  for (const [e, line] of lines.slice(0, 2).entries()) {
    const draws = line.split("\r").slice(1).map((d) => d.trimEnd());
    assert.equal(draws.length, 3 + 1, "a draw per batch (3 batches of 10 from 30 training samples) and the final one");
    assert.match(draws[0]!, new RegExp(`^Epoch ${e + 1}/2  1/3 \\[=*>\\.+\\] ETA \\d+\\.\\ds - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4}$`));
    assert.match(draws[1]!, /^Epoch \d\/2  2\/3 \[=+>\.+\] ETA /);
    assert.match(draws[3]!, new RegExp(`^Epoch ${e + 1}/2  3/3 \\[={25}\\] \\d+\\.\\ds \\d+ms/step - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4} - valLoss: \\d\\.\\d{4} - valAccuracy: \\d\\.\\d{4}$`));
    assert.ok(!draws[3]!.includes("lr:"), "the learning rate is not shown");
  }
});

test("off a TTY (and with verbose 2): one plain line per epoch, no carriage returns", async () => {
  for (const [stream, verbose] of [[fake(false), 1], [fake(true), 2]] as const) {
    await trainer().fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [new ProgressBar({ stream, verbose })] });
    const lines = stream.text.trimEnd().split("\n");
    assert.equal(lines.length, 3);
    assert.ok(!stream.text.includes("\r"));
    lines.forEach((l, e) => assert.match(l, new RegExp(`^Epoch ${e + 1}/3 - 3/3 - \\d+\\.\\ds - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4}$`)));
  }
});

test("a long TTY line is cut to the terminal width; a shorter redraw blanks the rest of the longer one", async () => {
  const s = fake(true);
  s.columns = 40;
  await trainer().fit(x, y, { epochs: 1, batchSize: 20, verbose: 0, callbacks: [new ProgressBar({ stream: s, throttleMs: 0 })] });
  for (const d of s.text.split(/[\r\n]/).filter(Boolean)) assert.ok(d.length <= 39, `${JSON.stringify(d)} is ${d.length} wide`);
});

test("formatValue and formatDuration", () => {
  assert.equal(formatValue(0.123456), "0.1235");
  assert.equal(formatValue(0), "0.0000");
  assert.equal(formatValue(1.5e-5), "1.500e-5");
  assert.equal(formatValue(Number.NaN), "nan");
  assert.equal(formatValue(-Infinity), "-inf");
  assert.equal(formatDuration(0.42), "0.4s");
  assert.equal(formatDuration(42.4), "42s");
  assert.equal(formatDuration(185), "3:05");
  assert.equal(formatDuration(3723), "1:02:03");
});
