// Runs every ```ts block of docs/data.md with `from "nabla"` pointed at a module that re-exports the public
// face plus `data` (src/data/index.ts), so the data docs run whether or not src/index.ts exposes `data` yet.
import { test } from "node:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(root, ".nabla-tmp-data-docs-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const shim = join(dir, "nabla.ts");
writeFileSync(
  shim,
  `export * from ${JSON.stringify(pathToFileURL(join(root, "src/index.ts")).href)};\n` +
    `export * as data from ${JSON.stringify(pathToFileURL(join(root, "src/data/index.ts")).href)};\n`,
);

const text = readFileSync(join(root, "docs/data.md"), "utf8");
const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
blocks.forEach((code, i) => {
  test(`docs/data.md example ${i + 1} runs`, async () => {
    const path = join(dir, `example_${i}.ts`);
    writeFileSync(path, code.replace(/from "nabla"/g, `from ${JSON.stringify(pathToFileURL(shim).href)}`));
    const log = console.log;
    console.log = () => {};
    try {
      await import(pathToFileURL(path).href);
    } finally {
      console.log = log;
    }
  });
});
test("docs/data.md has examples", () => {
  if (blocks.length < 8) throw new Error(`found only ${blocks.length} ts blocks`);
});
