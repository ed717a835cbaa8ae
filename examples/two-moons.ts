/**
 * Two interleaved half-moons, exactly as ../shared/WORKLOADS.md W4 defines them: n/2 points per class on
 * the arcs, plus gaussian noise drawn by Box–Muller from mulberry32(seed).
 */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeMoons(n = 200, { noise = 0.1, seed = 42 } = {}): { x: Float32Array; y: Float32Array } {
  const rng = mulberry32(seed);
  const gauss = () => {
    const u1 = 1 - rng(), u2 = rng();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  const half = n / 2;
  const x = new Float32Array(n * 2), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const upper = i < half;
    const t = (Math.PI * (upper ? i : i - half)) / (half - 1);
    const px = upper ? Math.cos(t) : 1 - Math.cos(t);
    const py = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    x[2 * i] = px + noise * gauss();
    x[2 * i + 1] = py + noise * gauss();
    y[i] = upper ? 0 : 1;
  }
  return { x, y };
}
