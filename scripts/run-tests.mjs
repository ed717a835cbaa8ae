#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's built-in runner (through tsx). Node 20's --test does not expand
// globs, so the files are listed here. Extra arguments are passed on (e.g. a file filter substring).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.ts") && (filters.length === 0 || filters.some((f) => p.includes(f)))) files.push(p);
  }
};
walk("test");
if (files.length === 0) {
  console.error(`run-tests: no test files matched ${filters.join(" ") || "test/**/*.test.ts"}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
