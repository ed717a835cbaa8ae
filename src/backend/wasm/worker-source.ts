/**
 * The code every kernel worker runs, as a string: the same text starts a Node worker
 * (`new Worker(code, { eval: true, workerData })`) and a browser Web Worker (a Blob URL, data by
 * postMessage), so no worker file has to be located, bundled or served. A worker instantiates the kernel
 * module over the shared memory, then loops: sleep on the generation word, claim part numbers of the posted
 * job, run them, count them done. The protocol is described in threads.ts (slot numbers must match).
 */
export const WORKER_SOURCE = `"use strict";
const GEN = 0, CLAIM = 1, DONE = 2, READY = 3, STOP = 4;
function start(d) {
  const ctl = new Int32Array(d.control);
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  const run = inst.exports.runPart;
  const thread = d.thread, spinMs = d.spinMs, job = d.job;
  let seen = Atomics.load(ctl, GEN);
  Atomics.add(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  for (;;) {
    let g = Atomics.load(ctl, GEN);
    if (g === seen) {
      // Spin a little first: kernels of a training step come back to back, and waking from a wait costs more.
      const until = performance.now() + spinMs;
      for (let i = 1; g === seen; i++) {
        if ((i & 255) === 0 && performance.now() > until) break;
        g = Atomics.load(ctl, GEN);
      }
      if (g === seen) { Atomics.wait(ctl, GEN, seen); continue; }
    }
    seen = g;
    if (Atomics.load(ctl, STOP) !== 0) return;
    const tag = seen & 0x7ff;
    for (;;) {
      const c = Atomics.load(ctl, CLAIM);
      if ((c >>> 20) !== tag) break;
      const parts = (c >>> 10) & 1023, p = c & 1023;
      if (p >= parts) break;
      if (Atomics.compareExchange(ctl, CLAIM, c, c + 1) !== c) continue;
      run(job, p, thread);
      if (Atomics.add(ctl, DONE, 1) + 1 === parts) Atomics.notify(ctl, DONE);
    }
  }
}
if (typeof process === "object" && process.versions && process.versions.node && typeof require === "function") {
  start(require("node:worker_threads").workerData);
} else {
  self.onmessage = (e) => { self.onmessage = null; start(e.data); };
}
`;
