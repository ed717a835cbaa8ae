// The command line as users install it: compile src/ to a temporary dist/ (tsc -p tsconfig.build.json), pack
// the package (npm pack: package.json's "bin" brings bin/nabla.mjs along), install the tarball into an empty
// project offline, and run `node_modules/.bin/nabla` — which must run the compiled dist/cli/main.js, with no
// tsx and no sources. Covers train, evaluate and tune with worker threads (dist/search/search-worker-entry.js).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "nabla-dist-"));
after(() => rmSync(work, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NABLA_DEBUG: "", NABLA_CLI: "" }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

test("the packed and installed package runs `nabla` from dist/ (train, evaluate, tune on workers)", { timeout: 240_000 }, async () => {
  const pkg = join(work, "pkg"), app = join(work, "app");
  mkdirSync(pkg);
  mkdirSync(app);
  // tsc exits non-zero on type errors anywhere in src but still emits; what matters is the emitted CLI.
  await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(pkg, "dist")], ROOT);
  assert.ok(existsSync(join(pkg, "dist/cli/main.js")), "tsc did not emit dist/cli/main.js");
  for (const f of ["package.json", "README.md", "bin"]) cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
  const packed = await run("npm", ["pack", "--silent", "--json"], pkg);
  assert.equal(packed.code, 0, packed.stderr);
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = info[0]!.files.map((f) => f.path);
  assert.ok(files.includes("bin/nabla.mjs") && files.includes("dist/cli/main.js") && files.includes("dist/search/search-worker-entry.js"));
  assert.ok(!files.some((f) => f.startsWith("src/")));

  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
  const inst = await run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(pkg, info[0]!.filename)], app);
  assert.equal(inst.code, 0, inst.stderr);
  assert.ok(!existsSync(join(app, "node_modules/tsx")));
  const nabla = join(app, "node_modules/.bin/nabla");

  const ver = await run(nabla, ["--version"], app);
  assert.match(ver.stdout, /^nabla \d+\.\d+\.\d+\n$/);
  writeFileSync(join(app, "data.csv"), "x1,x2,label\n" + Array.from({ length: 60 }, (_, i) => `${(i % 3) * 3 + Math.sin(i) * 0.3},${Math.cos(i) * 0.3},${"pqr"[i % 3]}`).join("\n") + "\n");
  const t = await run(nabla, ["train", "--data", "data.csv", "--epochs", "15", "--lr", "0.02", "--json", "--out", "m"], app);
  assert.equal(t.code, 0, t.stderr);
  const metrics = JSON.parse(t.stdout.trim());
  assert.ok(metrics.validation.accuracy >= 0.9, t.stdout);
  assert.deepEqual(readdirSync(join(app, "m")).sort(), ["curves.svg", "history.json", "model.json", "weights.safetensors"]);
  const e = await run(nabla, ["evaluate", "--model", "m", "--data", "data.csv", "--json"], app);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout.trim()).rows, 60);
  const tune = await run(nabla, ["tune", "--data", "data.csv", "--hidden", "4/8", "--epochs", "5", "--jobs", "2", "--json", "--out", "t"], app);
  assert.equal(tune.code, 0, tune.stderr);
  assert.equal(JSON.parse(tune.stdout.trim()).results.length, 2);
  assert.match(tune.stderr, /2 worker threads/);
  const bad = await run(nabla, ["train", "--data", "missing.csv"], app);
  assert.deepEqual([bad.code, bad.stderr], [1, "nabla train: --data: no such file: missing.csv\n"]);
});
