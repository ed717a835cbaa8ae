#!/usr/bin/env python3
"""PyTorch CPU anchor for the nabla benchmark workloads (../shared/WORKLOADS.md), W1-W4.

Run with Debian's interpreter (python3-torch):  /usr/bin/python3 bench/torch_bench.py [--quick] [--json]
  [--only W1,W2,W3,W4] [--threads 1,2] [--epochs N] [--steps N] [--w3-runs N] [--w4-steps N] [--w4-runs N]
Prints one JSON object (with --json) or an indented one; `npm run bench` (bench/run.ts) calls it when torch is
importable, one process per workload and thread count, so each process's peak RSS is its own.
Each workload is measured at 1 and 2 intra-op threads (torch.set_num_threads); the best is what the ratios use.
W2 also reports the process's peak RSS right after training (getrusage ru_maxrss, the counter
/usr/bin/time -v reads); W3 runs in the same process on the net W2 trained (W3 alone still trains it first).
"""
import gzip, json, math, os, resource, struct, sys, time

import torch

QUICK = "--quick" in sys.argv
FMNIST = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


ONLY = set(arg("--only", "W1,W2,W3,W4").split(","))
THREADS = [int(t) for t in arg("--threads", "1,2").split(",")]
W2_EPOCHS = int(arg("--epochs", 1 if QUICK else 5))
W2_STEPS = int(arg("--steps", 0)) or None  # cap on steps per epoch (quick runs); None = the whole epoch
W3_RUNS = int(arg("--w3-runs", 3 if QUICK else 10))
W4_STEPS = int(arg("--w4-steps", 500 if QUICK else 2000))
W4_RUNS = int(arg("--w4-runs", 2 if QUICK else 5))


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def rng():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return rng


def stats(xs):
    s = sorted(xs)
    return {"min": s[0], "median": s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2, "max": s[-1], "runs": len(s)}


def uniform(n, seed):
    r = mulberry32(seed)
    return torch.tensor([r() for _ in range(n)], dtype=torch.float32)


def w1(threads):
    torch.set_num_threads(threads)
    out = {}
    shapes = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (128, 784, 256)]
    if QUICK:
        shapes = [(256, 256, 256), (128, 784, 256)]
    for (m, k, n) in shapes:
        a = uniform(m * k, 1).reshape(m, k)
        b = uniform(k * n, 2).reshape(k, n)
        ref = a.double() @ b.double()
        c = a @ b
        assert torch.allclose(c.double(), ref, rtol=1e-4, atol=1e-3)
        runs = []
        for rep in range(2 if QUICK else 5):
            t0 = time.perf_counter(); calls = 0
            while True:
                c = (a @ b).numpy()  # read back to host memory
                calls += 1
                el = time.perf_counter() - t0
                if el >= 0.25:
                    break
            runs.append(2 * m * n * k * calls / el / 1e9)
        out[f"{m}x{k}x{n}"] = stats(runs)
    return out


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    nd = magic & 0xFF
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    return torch.frombuffer(bytearray(data[4 + 4 * nd:]), dtype=torch.uint8).reshape(*dims)


def fmnist():
    xtr = read_idx(f"{FMNIST}/train-images-idx3-ubyte.gz").reshape(-1, 784).float() / 255
    ytr = read_idx(f"{FMNIST}/train-labels-idx1-ubyte.gz").long()
    xte = read_idx(f"{FMNIST}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).float() / 255
    yte = read_idx(f"{FMNIST}/t10k-labels-idx1-ubyte.gz").long()
    return xtr, ytr, xte, yte


def w2_w3(threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    xtr, ytr, xte, yte = fmnist()
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = torch.nn.CrossEntropyLoss()
    epochs = W2_EPOCHS
    times = []
    g = torch.Generator().manual_seed(0)
    for ep in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(60000, generator=g)
        steps = samples = 0
        for i in range(0, 60000, 128):
            idx = perm[i:i + 128]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad()
            loss = lossf(model(xb), yb)
            loss.backward()
            opt.step()
            steps += 1
            samples += len(idx)
            if W2_STEPS and steps >= W2_STEPS:
                break
        final_loss = loss.item()  # read back once per epoch, inside the timing, as the JS runs do
        times.append(time.perf_counter() - t0)
    peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    # W3: inference over the test set in 10 batches of 1,000; 2 warm-up passes, 10 timed.
    def infer():
        with torch.no_grad():
            for i in range(0, 10000, 1000):
                model(xte[i:i + 1000]).numpy()
    for _ in range(2):
        infer()
    ips = []
    for _ in range(W3_RUNS):
        t0 = time.perf_counter(); infer(); ips.append(10000 / (time.perf_counter() - t0))
    med = stats(times)["median"]
    return {"W2": {"epoch1_s": times[0], "epoch_s": stats(times), "epoch_times": times, "samples_per_s": samples / med, "test_accuracy": acc,
                   "epochs": epochs, "steps_per_epoch": steps, "samples_per_epoch": samples, "final_loss": final_loss, "peak_rss_kb": peak_rss_kb},
            "W3": {"images_per_s": stats(ips), "passes": W3_RUNS, "warmup": 2, "accuracy": acc}}


def moons():
    rng = mulberry32(42)
    xs, ys = [], []
    for i in range(200):
        upper = i < 100
        t = math.pi * (i if upper else i - 100) / 99
        px, py = (math.cos(t), math.sin(t)) if upper else (1 - math.cos(t), 0.5 - math.sin(t))
        for _ in range(1):
            u1 = 1 - rng(); u2 = rng(); nx = math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
            u1 = 1 - rng(); u2 = rng(); ny = math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
        xs.append([px + 0.1 * nx, py + 0.1 * ny]); ys.append([0.0 if upper else 1.0])
    return torch.tensor(xs), torch.tensor(ys)


def w4(threads):
    torch.set_num_threads(threads)
    x, y = moons()
    steps = W4_STEPS

    def train():
        model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1), torch.nn.Sigmoid())
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        lossf = torch.nn.BCELoss()
        t0 = time.perf_counter()
        for _ in range(steps):
            opt.zero_grad()
            loss = lossf(model(x), y)
            loss.backward()
            opt.step()
        final = loss.item()
        el = time.perf_counter() - t0
        with torch.no_grad():
            acc = ((model(x) > 0.5).float() == y).float().mean().item()
        return el / steps * 1e6, final, acc

    train()
    runs = [train() for _ in range(W4_RUNS)]
    return {"us_per_step": stats([r[0] for r in runs]), "final_loss": runs[-1][1], "train_accuracy": runs[-1][2], "steps": steps}


def main():
    res = {"system": "pytorch", "version": torch.__version__, "quick": QUICK, "threads": {}}
    for th in THREADS:
        r = {}
        if "W1" in ONLY:
            r["W1"] = w1(th)
        if "W4" in ONLY:
            r["W4"] = w4(th)
        if ("W2" in ONLY or "W3" in ONLY) and os.path.exists(f"{FMNIST}/train-images-idx3-ubyte.gz"):
            r.update({k: v for k, v in w2_w3(th).items() if k in ONLY})
        res["threads"][str(th)] = r
    if "--json" in sys.argv:
        print(json.dumps(res))
    else:
        print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
