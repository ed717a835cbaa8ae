// The op-spec suites written for the default backend, run unchanged on the wasm backend: each file runs in
// a child process with test/backend-wasm-preload.ts, which registers and selects "wasm" first and reports
// how many wasm kernel calls the suite made (so a suite that silently ran on "ts" fails here).
// parity: PyTorch values and gradients (float32 → native kernels); gradcheck: first and second derivatives
// of every differentiable op in float64 (→ the TS-fallback path); nn-layers: the layers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

// A child of a --test process would otherwise speak the runner's binary protocol instead of TAP.
const env = { ...process.env };
delete env.NODE_TEST_CONTEXT;

for (const suite of ["parity", "gradcheck", "nn-layers"]) {
  test(`the ${suite} suite passes on the wasm backend`, () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--import", "./test/backend-wasm-preload.ts", `test/${suite}.test.ts`], {
      encoding: "utf8",
      env,
      timeout: 120_000,
    });
    const out = r.stdout + r.stderr;
    const failures = out.split("\n").filter((l) => l.startsWith("not ok"));
    assert.deepEqual(failures, [], out.slice(-3000));
    assert.equal(r.status, 0, out.slice(-3000));
    assert.match(out, /^# pass [1-9]/m);
    const report = /wasm-preload: (\{.*\})/.exec(out);
    assert.ok(report, "the preload did not report");
    const { backend, kernelCalls } = JSON.parse(report[1]!) as { backend: string; kernelCalls: number };
    assert.equal(backend, "wasm");
    assert.ok(kernelCalls > 100, `only ${kernelCalls} wasm kernel calls`);
  });
}
