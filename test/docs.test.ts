// Runs every ```ts block of README.md and docs/*.md, so the documentation's examples cannot rot.
// `from "nabla"` is pointed at src/index.ts; each block runs as its own module with console output captured.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = pathToFileURL(join(root, "src/index.ts")).href;
const docs = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const dir = mkdtempSync(join(root, ".nabla-tmp-docs-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
for (const file of docs) {
  const text = readFileSync(join(root, file), "utf8");
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  blocks.forEach((code, i) => {
    count++;
    test(`${file} example ${i + 1} runs`, async () => {
      const src = code.replace(/from "nabla"/g, `from ${JSON.stringify(entry)}`);
      const path = join(dir, `${file.replace(/\W/g, "_")}_${i}.ts`);
      writeFileSync(path, src);
      const log = console.log;
      const lines: string[] = [];
      console.log = (...a: unknown[]) => lines.push(a.map((v) => (typeof v === "string" ? v : (JSON.stringify(v) ?? String(v)))).join(" "));
      try {
        await import(pathToFileURL(path).href);
      } finally {
        console.log = log;
      }
      // Where a snippet prints and its comment states the value, they must agree.
      const expected = [...src.matchAll(/^console\.log\(.*\);\s*\/\/ (.+)$/gm)].map((m) => m[1]!);
      if (expected.length === lines.length) {
        lines.forEach((l, k) => {
          // A trailing "(note)" or "— note" is commentary; "~" marks an approximate value, not checked.
          const want = expected[k]!.replace(/\s+—.*$/, "").replace(/\s*\([^()]*\)\s*$/, "");
          if (want.includes("~")) return;
          // Compare only value-like comments (numbers, arrays, quoted strings, booleans), not prose;
          // "..." in a comment stands for an elided tail or middle.
          if (!/^(\[|-?\d|"|true\b|false\b)/.test(want) || want.includes("  ")) return;
          const norm = (t: string) => t.replace(/[",]/g, " ").replace(/\s+/g, " ").replace(/\[ /g, "[").replace(/ \]/g, "]").trim();
          const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          const pattern = new RegExp("^" + norm(want).split("...").map(escape).join(".*") + "$");
          assert.match(norm(l), pattern, `line ${k + 1} of ${file} example ${i + 1}: printed ${l}, comment says ${want}`);
        });
      }
    });
  });
}

test("the documentation has examples", () => assert.ok(count >= 10, `found only ${count} ts blocks`));
