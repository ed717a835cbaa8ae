// The op-spec suites run on both backends. The main test run uses the default backend ("wasm" where
// WebAssembly SIMD exists; NABLA_BACKEND overrides it); this file runs the same suites again, unchanged, on
// the other one: each file in a child process with test/backend-wasm-preload.ts, which selects that backend
// first and reports how many of its kernel calls the suite made (so a suite that silently ran on the
// wrong backend fails here).
// parity: PyTorch values and gradients; gradcheck / nn-gradcheck: first and second derivatives in float64;
// nn-layers: the layers; losses: every loss against PyTorch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { backendName } from "../src/backend/registry.js";

const other = backendName() === "wasm" ? "ts" : "wasm";
// A child of a --test process would otherwise speak the runner's binary protocol instead of TAP.
const env: Record<string, string | undefined> = { ...process.env, NABLA_SUITE_BACKEND: other };
delete env.NODE_TEST_CONTEXT;
delete env.NABLA_BACKEND;

function run(suite: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--import", "./test/backend-wasm-preload.ts", `test/${suite}.test.ts`], { env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill(), 180_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(`${out}\nexit code ${code}`);
    });
  });
}

for (const suite of ["parity", "gradcheck", "nn-gradcheck", "nn-layers", "losses"]) {
  test(`the ${suite} suite passes on the ${other} backend too`, async () => {
    const out = await run(suite);
    const failures = out.split("\n").filter((l) => l.startsWith("not ok"));
    assert.deepEqual(failures, [], out.slice(-3000));
    assert.match(out, /exit code 0$/, out.slice(-3000));
    assert.match(out, /^# pass [1-9]/m);
    const report = /suite-preload: (\{.*\})/.exec(out);
    assert.ok(report, "the preload did not report");
    const { backend, kernelCalls } = JSON.parse(report[1]!) as { backend: string; kernelCalls: number };
    assert.equal(backend, other);
    assert.ok(kernelCalls > 100, `only ${kernelCalls} ${other} kernel calls`);
  });
}
