// The wasm backend in headless Chromium. The page script (test/browser/entry.ts) is bundled with esbuild and
// served from a local node:http server on 127.0.0.1, once with the COOP/COEP headers that make a page
// cross-origin isolated (SharedArrayBuffer, so worker threads) and once without (one thread). Both pages
// run three Adam steps of an MLP (test/browser/mlp-steps.ts) on the main thread; the losses must match the
// same steps run here in Node on the wasm backend. A screenshot of each page is written to the temp
// directory (path printed). Skips, with a message, when Chromium is missing: `apt-get install -y chromium`
// (or set CHROMIUM_PATH).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { backendName, getBackend, setBackend } from "../src/backend/registry.js";
import type { WasmBackend } from "../src/backend/wasm/backend.js";
import { getNumThreads, setNumThreads } from "../src/backend/wasm/threads.js";
import { mlpSteps, type MlpResult } from "./browser/mlp-steps.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`;
if (skip) console.log(`# browser test skipped: ${skip}`);

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>nabla browser test</title></head>` +
  `<body><p>loading…</p><script type="module" src="app.js"></script></body></html>`;

interface PageResult extends Partial<MlpResult> {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  backend?: string;
  threads?: number;
  sharedMemory?: boolean;
  error?: string;
}

async function serve(js: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const isolated = req.url!.startsWith("/isolated/");
    const headers: Record<string, string> = isolated
      ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
      : {};
    if (req.url!.endsWith("/app.js")) {
      res.writeHead(200, { ...headers, "Content-Type": "text/javascript" }).end(js);
    } else if (req.url!.endsWith("/")) {
      res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end(HTML);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  return { server, base: `http://127.0.0.1:${addr.port}` };
}

async function runPage(browser: Browser, url: string, shot: string): Promise<PageResult> {
  const page = await browser.newPage({ viewport: { width: 900, height: 420 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as { __nabla?: unknown }).__nabla !== undefined, undefined, { timeout: 60_000 });
  const r = (await page.evaluate(() => (globalThis as { __nabla?: unknown }).__nabla)) as PageResult;
  await page.screenshot({ path: shot });
  console.log(`# screenshot: ${shot}`);
  await page.close();
  assert.deepEqual(errors, [], "page errors");
  return r;
}

test("the wasm backend runs threaded in headless Chromium (COOP/COEP) and on one thread without", { skip, timeout: 180_000 }, async () => {
  // The reference: the same steps here, on the wasm backend with two threads.
  const before = backendName();
  setBackend("wasm");
  const threadsBefore = getNumThreads();
  setNumThreads(2);
  let node: MlpResult;
  try {
    node = mlpSteps();
    assert.ok((getBackend("wasm") as WasmBackend).threads >= 1);
  } finally {
    setNumThreads(threadsBefore);
    setBackend(before);
  }

  console.log(`# node (wasm, 2 threads): ${JSON.stringify(node)}`);
  const bundle = await build({
    entryPoints: ["test/browser/entry.ts"], bundle: true, format: "esm", platform: "browser", write: false, target: "es2022", logLevel: "silent",
  });
  const { server, base } = await serve(bundle.outputFiles[0]!.text);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const isolated = await runPage(browser, `${base}/isolated/`, join(tmpdir(), "nabla-browser-isolated.png"));
    console.log(`# isolated page: ${JSON.stringify(isolated)}`);
    assert.equal(isolated.error, undefined, isolated.error);
    assert.equal(isolated.crossOriginIsolated, true);
    assert.equal(isolated.sharedArrayBuffer, true);
    assert.equal(isolated.backend, "wasm");
    assert.equal(isolated.sharedMemory, true);
    assert.ok(isolated.threads! >= 2, `threads ${isolated.threads}`);

    const plain = await runPage(browser, `${base}/plain/`, join(tmpdir(), "nabla-browser-plain.png"));
    console.log(`# plain page: ${JSON.stringify(plain)}`);
    assert.equal(plain.error, undefined, plain.error);
    assert.equal(plain.crossOriginIsolated, false);
    assert.equal(plain.sharedArrayBuffer, false);
    assert.equal(plain.backend, "wasm");
    assert.equal(plain.sharedMemory, false);
    assert.equal(plain.threads, 1);

    // Same kernels, deterministic for any thread count: the losses agree with Node's to float32 rounding
    // (they came out bit-identical when this test was written; the tolerance allows another V8's Math.*
    // in the few float64 fallbacks).
    for (const r of [isolated, plain]) {
      assert.equal(r.losses!.length, 3);
      r.losses!.forEach((l, i) => assert.ok(Math.abs(l - node.losses[i]!) <= 1e-6 * Math.abs(node.losses[i]!), `loss ${i}: page ${l}, node ${node.losses[i]}`));
      assert.ok(Math.abs(r.weightSum! - node.weightSum) <= 1e-5 * Math.max(1, Math.abs(node.weightSum)), `weight sum: page ${r.weightSum}, node ${node.weightSum}`);
    }
    assert.ok(node.losses[2]! < node.losses[0]!, "the loss decreases over the three steps");
  } finally {
    await browser.close();
    server.close();
  }
});
