// The runnable examples are part of the contract: the README's demo and issue 3's spiral run must reach
// their accuracies from scratch. Each runs as a child process, as a user would start it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (file: string, ...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", file, ...args], { cwd: root, encoding: "utf8", timeout: 240_000 });

test("demo: two moons reaches ≥ 95% with visible progress", () => {
  const r = run("examples/moons.ts", "--steps", "600");
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /step\s+100\/600/);
  const acc = Number(/training accuracy ([\d.]+)%/.exec(r.stdout)![1]);
  assert.ok(acc >= 95, `accuracy ${acc}%`);
});

test("spiral: 2-hidden-layer MLP with Adam + dropout + L2 reaches ≥ 95% test accuracy", () => {
  const r = run("examples/spiral.ts");
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const acc = Number(/test accuracy ([\d.]+)%/.exec(r.stdout)![1]);
  assert.ok(acc >= 95, `test accuracy ${acc}%`);
});
