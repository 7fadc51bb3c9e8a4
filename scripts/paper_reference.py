#!/usr/bin/env python3
"""A PyTorch timing reference for `hypergen train`: the paper's hyperoptimizer, Adam / SGD(1e-5), on its MLP.

Written for HyperGen (not the paper's code). It does what the paper describes for its PyTorch implementation:
the weights after each step are a differentiable function of the level-1 hyperparameters that produced them
(alpha, and beta1, beta2 through (tanh(r) + 1) / 2), while the previous weights, the optimizer state and the
gradients are detached. The next step's loss.backward() therefore yields dL/dw (for Adam) and dL/dh (the
hypergradient, for the SGD level above) in one pass; SGD updates the hyperparameters, then Adam updates the
weights with them. Same model, data order rules, batch size (256) and loss as `hypergen train`.

--graph paper (the default) calls loss.backward(create_graph=True), as the paper's library requires of its users
(it keeps the hypergradient differentiable); --graph lean calls loss.backward(), about twice as fast here. Every
gradient is detached before it is used, so both compute the same values at every height (checked at height 3);
only the time differs.

--height picks the tower: 2 (the default) is Adam / SGD(1e-5) as above; 3 is Adam / SGD(1e-5) / SGD(1e-5), where
level 3 learns kappa, level 2's step size: level 2's update of Adam's hyperparameters is then itself kept in the
graph as a function of kappa (gradients detached, as everywhere), so the next loss.backward() also yields dL/dkappa;
1 is the paper's Adam whose hyperparameters take part in the graph but are not learned (the paper's "Adam (hyper)").

--device cuda runs on the GPU (data, weights and optimizer state there); --steps N times N steps after --warmup
steps instead of running epochs (only full batches; the data are reshuffled when used up, as epochs would) and
prints ms per step; --json FILE also writes that as JSON for scripts/device_table.py.

Usage (Debian: apt-get install python3-torch python3-numpy):
    /usr/bin/python3 scripts/paper_reference.py --epochs 2 --threads 2
    python3 scripts/paper_reference.py --device cuda --height 3 --steps 200 --json paper-mlp-3.json
Prints seconds per epoch (training only, evaluation excluded) and the test error after each epoch.
"""
import argparse
import gzip
import json
import math
import os
import struct
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F

DEBIAN_DATA = "/usr/share/datasets/fashion-mnist"
SUBSET_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fashion-mnist-subset")


def read_idx(path):
    """Reads one (optionally gzipped) idx file into a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte idx file")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, prefix):
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    return x, torch.from_numpy(labels.astype(np.int64))


def forward(params, x):
    w1, b1, w2, b2 = params
    hidden = torch.tanh(x @ w1 + b1)
    return F.log_softmax(torch.tanh(hidden @ w2 + b2), dim=1)  # tanh on the logits too, as in the paper


def init_params(generator):
    """PyTorch's nn.Linear initialisation: uniform in +-1/sqrt(fan_in) for weights and biases."""
    def uniform(shape, fan_in):
        bound = 1.0 / math.sqrt(fan_in)
        return (torch.rand(shape, generator=generator) * 2 - 1) * bound
    return [uniform((784, 128), 784), uniform(128, 784), uniform((128, 10), 128), uniform(10, 128)]


class PaperTower:
    """Level 1: Adam with alpha, beta1, beta2 (betas as raw r, beta = (tanh(r) + 1) / 2) on the weights.
    Levels 2 .. height: SGD with step size kappa on the raw hyperparameters of the level below; the top level's
    kappa is fixed. With height 1, Adam's hyperparameters are graph leaves whose gradients are never used."""

    EPS = 1e-8

    def __init__(self, params, height=2, alpha=1e-3, beta1=0.9, beta2=0.999, kappa=1e-5, device="cpu"):
        def scalar(value):
            return torch.tensor(value, device=device)
        # raw[k] holds level k + 1's hyperparameters; all but the top level's are learned by the level above.
        self.raw = [[scalar(alpha), scalar(math.atanh(2 * beta1 - 1)), scalar(math.atanh(2 * beta2 - 1))]]
        self.raw += [[scalar(kappa)] for _ in range(height - 2)]
        self.height = height
        self.kappa = kappa  # the top level's step size
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.full_like(p, self.EPS) for p in params]
        self.t = 0

    def values(self):
        alpha, r1, r2 = self.raw[0]
        return alpha.item(), (math.tanh(r1.item()) + 1) / 2, (math.tanh(r2.item()) + 1) / 2

    def learned_kappas(self):
        """Step sizes of levels 2 .. height - 1 (learned by the level above), lowest first."""
        return [level[0].item() for level in self.raw[1:]]

    def step(self, params):
        """params carry .grad from loss.backward(); the raw hyperparameters carry theirs (None at step 1)."""
        grads = [[None if h.grad is None else h.grad.detach() for h in level] for level in self.raw]
        for level in self.raw:
            for h in level:
                h.grad = None  # with create_graph, the gradient's graph refers back to h: break the cycle
        if self.height >= 2:
            # The highest learned level moves by the fixed step size, outside any graph.
            with torch.no_grad():
                for h, g in zip(self.raw[-1], grads[-1]):
                    if g is not None:
                        h -= self.kappa * g
        # Fresh leaves: the graph from one update to the next loss is all that is ever differentiated.
        self.raw[-1] = [h.detach().requires_grad_() for h in self.raw[-1]]
        # Lower learned levels (height >= 3), top down: each moves by the step size just set above it, inside the
        # graph, so that the next loss reaches that step size through these values and the weights they produce.
        for k in range(len(self.raw) - 2, -1, -1):
            (kappa,) = self.raw[k + 1]
            updated = []
            for h, g in zip(self.raw[k], grads[k]):
                new_h = h.detach() - kappa * (torch.zeros_like(h) if g is None else g)
                new_h.retain_grad()
                updated.append(new_h)
            self.raw[k] = updated
        alpha, r1, r2 = self.raw[0]
        beta1, beta2 = (torch.tanh(r1) + 1) / 2, (torch.tanh(r2) + 1) / 2
        self.t += 1
        updated = []
        for i, p in enumerate(params):
            g = p.grad.detach()
            p.grad = None
            m = beta1 * self.m[i] + (1 - beta1) * g
            v = beta2 * self.v[i] + (1 - beta2) * g * g
            m_hat = m / (1 - beta1 ** self.t)
            v_hat = v / (1 - beta2 ** self.t)
            new_p = p.detach() - alpha * m_hat / (torch.sqrt(v_hat) + self.EPS)
            new_p.retain_grad()
            self.m[i], self.v[i] = m.detach(), v.detach()
            updated.append(new_p)
        return updated


BATCH = 256


def tower_name(height):
    """The tower in HyperGen's notation, as the device check's JSON names it."""
    return "/".join(["adam(alpha=1e-3)"] + ["sgd(alpha=1e-5)"] * (height - 1))


def train_step(params, optimizer, x, y, graph):
    loss = F.nll_loss(forward(params, x), y)
    loss.backward(create_graph=graph == "paper")
    return optimizer.step(params), loss


def synchronize(device):
    # CUDA runs asynchronously: without waiting, a timer would measure only the launches.
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_steps(args, params, optimizer, x_train, y_train, generator, device):
    """Times args.steps steps after args.warmup, waiting for the device only at the ends; prints ms per step."""
    full = len(x_train) // BATCH * BATCH  # full batches only, as HyperGen's device check times them
    if full == 0:
        raise SystemExit(f"error: --steps needs at least {BATCH} training images")

    def batches():
        while True:  # a new shuffle when the data are used up, as a new epoch would
            order = torch.randperm(len(x_train), generator=generator)[:full].to(device)
            for first in range(0, full, BATCH):
                yield order[first:first + BATCH]

    stream = batches()

    def run(count, params):
        loss = None
        for _ in range(count):
            batch = next(stream)
            params, loss = train_step(params, optimizer, x_train[batch], y_train[batch], args.graph)
        return params, loss

    params, _ = run(args.warmup, params)
    synchronize(device)
    start = time.perf_counter()
    params, loss = run(args.steps, params)
    synchronize(device)
    ms = 1000 * (time.perf_counter() - start) / args.steps
    loss_value = loss.item()
    print(f"{args.steps} steps after {args.warmup} warm-up: {ms:.3f} ms/step, tower {tower_name(args.height)}, "
          f"loss {loss_value:.4f}")
    if args.json:
        name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)"
        result = {"tower": tower_name(args.height), "height": args.height, "ms_per_step": ms, "steps": args.steps,
                  "warmup": args.warmup, "graph": args.graph, "device": name, "torch": torch.__version__,
                  "batch_size": BATCH, "train_images": len(x_train), "final_loss": loss_value}
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)
        print(f"wrote {args.json}")


def main():
    # The paper's library is used with create_graph=True and documents this warning as expected; the step below
    # clears every .grad it reads, which breaks the cycle the warning is about.
    warnings.filterwarnings("ignore", message="Using backward\\(\\) with create_graph=True")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEBIAN_DATA if os.path.isdir(DEBIAN_DATA) else SUBSET_DATA)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--graph", choices=["paper", "lean"], default="paper",
                        help="paper: loss.backward(create_graph=True), as the paper's library is used; lean: loss.backward()")
    parser.add_argument("--height", type=int, choices=[1, 2, 3], default=2,
                        help="1: Adam; 2: Adam / SGD(1e-5); 3: Adam / SGD(1e-5) / SGD(1e-5)")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--steps", type=int, default=0, help="time this many steps instead of running epochs")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps before --steps")
    parser.add_argument("--json", help="with --steps: also write the result to this JSON file")
    args = parser.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("error: --device cuda, but torch sees no CUDA device")
    device = torch.device(args.device)

    torch.set_num_threads(args.threads)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    x_train, y_train, x_test, y_test = (t.to(device) for t in (x_train, y_train, x_test, y_test))
    generator = torch.Generator().manual_seed(args.seed)
    params = [p.to(device).requires_grad_() for p in init_params(generator)]
    optimizer = PaperTower(params, height=args.height, device=device)
    extras = "" if args.height == 2 else f", height {args.height}"
    if device.type == "cuda":
        extras += f", device {torch.cuda.get_device_name(device)}"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, graph {args.graph}{extras}, data {args.data}: "
          f"{len(x_train)} train, {len(x_test)} test")
    if args.steps > 0:
        time_steps(args, params, optimizer, x_train, y_train, generator, device)
        return

    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(x_train), generator=generator).to(device)
        synchronize(device)
        start = time.perf_counter()
        steps = 0
        for first in range(0, len(x_train), BATCH):
            batch = order[first:first + BATCH]
            params, loss = train_step(params, optimizer, x_train[batch], y_train[batch], args.graph)
            steps += 1
        synchronize(device)
        seconds = time.perf_counter() - start
        with torch.no_grad():
            predictions = forward(params, x_test).argmax(dim=1)
            error = 100.0 * (predictions != y_test).float().mean().item()
        alpha, beta1, beta2 = optimizer.values()
        kappas = "".join(f" kappa{level}={kappa:.6g}" for level, kappa in enumerate(optimizer.learned_kappas(), start=2))
        print(f"epoch {epoch}: {seconds:.3f} s ({1000 * seconds / steps:.2f} ms/step), loss {loss.item():.4f}, "
              f"test error {error:.2f} %, alpha={alpha:.5g} beta1={beta1:.6g} beta2={beta2:.6g}{kappas}")


if __name__ == "__main__":
    main()
