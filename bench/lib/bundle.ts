/**
 * Builds the benchmark child (bench/child.ts and everything it imports: nabla's sources, the workloads,
 * TF.js) into one ES module with esbuild (tsx's own dependency), written under node_modules/.cache so that
 * packages still resolve. Children then run on plain `node`: no TypeScript loader thread in the measured
 * process (tsx adds ≈ 36 MB of RSS and a transpile step), and TF.js is taken from its ES-module sources, the
 * way bundlers and browsers get it — the only form of tfjs-core 4.22 that registers its gradient functions
 * (`dist/register_all_gradients.js`; its Node bundle has none, and Node cannot load the ES sources
 * directly because they import directories).
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, "..", "..");
export const bundleDir = join(repoRoot, "node_modules", ".cache", "nabla-bench");

/**
 * Bundles `entry` (a path relative to the repository root) into bundleDir; returns the output file. Dynamic
 * imports become separate chunks, so a nabla child never loads TF.js code and a TF.js child loads only
 * nabla's data readers.
 */
export async function bundle(entry = "bench/child.ts"): Promise<string> {
  const esbuild = await import("esbuild");
  rmSync(bundleDir, { recursive: true, force: true });
  mkdirSync(bundleDir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(repoRoot, entry)],
    outdir: bundleDir,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    mainFields: ["module", "main"],
    // CommonJS parts (the emscripten glue of tfjs-backend-wasm) call require and read __dirname.
    banner: {
      js: [
        'import { createRequire as __nablaCreateRequire } from "node:module";',
        'import { fileURLToPath as __nablaFileURLToPath } from "node:url";',
        'import { dirname as __nablaDirname } from "node:path";',
        "const require = __nablaCreateRequire(import.meta.url);",
        "const __filename = __nablaFileURLToPath(import.meta.url);",
        "const __dirname = __nablaDirname(__filename);",
      ].join("\n"),
    },
    logLevel: "error",
    sourcemap: "linked",
  });
  return join(bundleDir, entry.replace(/^.*\//, "").replace(/\.ts$/, ".mjs"));
}
