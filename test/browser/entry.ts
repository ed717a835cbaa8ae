/**
 * The browser test's page script (bundled by test/browser.test.ts with esbuild into one ESM file): starts
 * the wasm backend the way a page should (`await initWasm()`), runs test/browser/mlp-steps.ts on the page's
 * main thread, renders what it found into the DOM and leaves it in `window.__nabla` for the test to read.
 */
import { backendName, getBackend, setBackend } from "../../src/backend/registry.js";
import type { WasmBackend } from "../../src/backend/wasm/backend.js";
import { initWasm } from "../../src/backend/wasm/init.js";
import { getNumThreads } from "../../src/backend/wasm/threads.js";
import { mlpSteps } from "./mlp-steps.js";

interface PageResult {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  cores: number;
  backend?: string;
  threads?: number;
  threadsWanted?: number;
  sharedMemory?: boolean;
  losses?: number[];
  weightSum?: number;
  ms?: number;
  error?: string;
}

function render(r: PageResult): void {
  const rows = Object.entries(r).map(([k, v]) => `<tr><th>${k}</th><td>${Array.isArray(v) ? v.map((x) => Number(x).toPrecision(9)).join(", ") : String(v)}</td></tr>`);
  document.body.innerHTML = `<h1>nabla in Chromium: ${r.error ? "error" : "wasm backend"}</h1>` +
    `<table style="font: 14px monospace; border-collapse: collapse">${rows.join("")}</table>` +
    (r.error ? `<pre style="color: #b00">${r.error}</pre>` : "");
}

async function main(): Promise<void> {
  const r: PageResult = {
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === "function",
    cores: navigator.hardwareConcurrency,
  };
  try {
    r.threads = await initWasm();
    setBackend("wasm");
    const b = getBackend() as WasmBackend;
    r.backend = backendName();
    r.threadsWanted = getNumThreads();
    r.sharedMemory = b.shared;
    const t0 = performance.now();
    const { losses, weightSum } = mlpSteps();
    r.ms = Math.round(performance.now() - t0);
    r.losses = losses;
    r.weightSum = weightSum;
    r.threads = b.threads;
  } catch (e) {
    r.error = String((e as Error).stack ?? e);
  }
  render(r);
  (globalThis as { __nabla?: PageResult }).__nabla = r;
}

void main();
