#!/usr/bin/python3
"""qprobe train against a standard two-pass PyTorch linear probe, on the same .npy, in one run.

Usage (from the repository root; needs Debian's python3-torch and numpy under /usr/bin/python3):
    /usr/bin/python3 cli/bench/probe_vs_torch.py [--dir DIR] [--rounds 3] [--epochs 150] [--qprobe CMD]

Writes a 464 x 48 x 4096 float32 feature file with planted signal (features.npy, samples.csv) to
DIR, then alternates, ROUNDS times: PyTorch (2 threads) MSE and PG epochs; `src/bin/qprobe train`
with MSE and PG on the same files, once keeping the features as float32 and once as bfloat16
(`--feature-precision bf16`, half the bytes per epoch; PyTorch stays float32). PyTorch's figure is its steady epoch time (median of the epochs
after the first); qprobe's is what the user sees, "in X s" / EPOCHS, scaled from the 75% of rows
it trains on to all of them, as issue 16 measured it. Prints each round's ratios and deletes the
files at the end.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

PROMPTS, CANDIDATES, DIM = 464, 48, 4096


def write_data(directory):
    rng = np.random.default_rng(1)
    n = PROMPTS * CANDIDATES
    x = rng.standard_normal((n, DIM), dtype=np.float32)
    x += np.repeat(rng.standard_normal((PROMPTS, DIM), dtype=np.float32) * 0.5, CANDIDATES, axis=0)
    u = rng.standard_normal(DIM).astype(np.float32)
    u /= np.linalg.norm(u)
    threshold = np.repeat(rng.uniform(-1, 1, PROMPTS), CANDIDATES)
    reward = ((x @ u) + 0.3 * rng.standard_normal(n) > threshold).astype(np.float64)
    np.save(os.path.join(directory, "features.npy"), x)
    with open(os.path.join(directory, "samples.csv"), "w") as f:
        f.write("prompt_id,reward\n")
        for i in range(n):
            f.write(f"p{i // CANDIDATES},{reward[i]:.0f}\n")
    return x, reward


def torch_epochs(x, reward, objective, epochs, k=8):
    """Standard two-pass probe: forward over all rows, loss, backward (a second pass), AdamW step."""
    torch.manual_seed(0)
    features = torch.from_numpy(x)
    r = torch.from_numpy(reward.astype(np.float32))
    probe = torch.nn.Linear(DIM, 1)
    opt = torch.optim.AdamW(probe.parameters(), lr=1e-3, weight_decay=0.01)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        opt.zero_grad()
        q = probe(features).squeeze(1)
        if objective == "MSE":
            loss = ((q - r) ** 2).mean()
        else:
            # Chunks of k within each prompt, re-drawn every epoch.
            perm = torch.argsort(torch.rand(PROMPTS, CANDIDATES), dim=1)
            idx = (perm + torch.arange(PROMPTS).unsqueeze(1) * CANDIDATES).reshape(-1, k)
            loss = -(torch.softmax(q[idx], dim=1) * r[idx]).sum(1).mean()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - start)
    return float(np.median(times[1:]))


def qprobe_epochs(command, directory, epochs, precision):
    env = dict(os.environ, QPROBE_CACHE=os.path.join(directory, "cache"))
    out = subprocess.run(command.split() + ["train", "--features",
                          os.path.join(directory, "features.npy"), "--samples", os.path.join(directory, "samples.csv"),
                          "--objective", "MSE,PG", "--epochs", str(epochs), "--feature-precision", precision,
                          "--out", os.path.join(directory, "out")],
                         env=env, capture_output=True, text=True, check=True).stdout
    seconds = dict(re.findall(r"train\s+(\S+?)(?:\(\S*\))?\s+loss .* in ([0-9.]+) s", out))
    share = 0.75  # --test-fraction 0.25: qprobe trains on three quarters of the prompts
    return {name[:3].rstrip("("): float(s) / epochs / share for name, s in seconds.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--qprobe", help="the qprobe command (default: this checkout's src/bin/qprobe)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    directory = tempfile.mkdtemp(prefix="qprobe-vs-torch-", dir=args.dir)
    try:
        x, reward = write_data(directory)
        print(f"{PROMPTS} x {CANDIDATES} x {DIM} float32 ({x.nbytes / 1e6:.0f} MB), torch {torch.__version__}, "
              f"{torch.get_num_threads()} threads; s/epoch over all rows")
        print(f"{'round':>5} {'qprobe':>6} {'torch MSE':>10} {'qprobe MSE':>11} {'ratio':>6} {'torch PG':>10} "
              f"{'qprobe PG':>10} {'ratio':>6}")
        command = args.qprobe or os.path.join(root, "src/bin/qprobe")
        for rnd in range(1, args.rounds + 1):
            t_mse = torch_epochs(x, reward, "MSE", args.epochs)
            t_pg = torch_epochs(x, reward, "PG", args.epochs)
            for precision in ("f32", "bf16"):
                q = qprobe_epochs(command, directory, args.epochs, precision)
                print(f"{rnd:>5} {precision:>6} {t_mse:>10.4f} {q['MSE']:>11.4f} {t_mse / q['MSE']:>5.1f}x {t_pg:>10.4f} "
                      f"{q['PG']:>10.4f} {t_pg / q['PG']:>5.1f}x", flush=True)
    finally:
        shutil.rmtree(directory)


if __name__ == "__main__":
    sys.exit(main())
