#!/usr/bin/env python3
"""A PyTorch timing reference for `hypergen train`: the paper's hyperoptimizer, Adam / SGD(1e-5), on its MLP.

Written for HyperGen (not the paper's code). It does what the paper describes for its PyTorch implementation:
the weights after each step are a differentiable function of the level-1 hyperparameters that produced them
(alpha, and beta1, beta2 through (tanh(r) + 1) / 2), while the previous weights, the optimizer state and the
gradients are detached. The next step's loss.backward() therefore yields dL/dw (for Adam) and dL/dh (the
hypergradient, for the SGD level above) in one pass; SGD updates the hyperparameters, then Adam updates the
weights with them. Same model, data order rules, batch size (256) and loss as `hypergen train`.

--graph paper (the default) calls loss.backward(create_graph=True), as the paper's library requires of its users
(it keeps the hypergradient differentiable, which towers of three and more levels need); --graph lean calls
loss.backward(), which is enough for a two-level tower and about twice as fast here.

Usage (Debian: apt-get install python3-torch python3-numpy):
    /usr/bin/python3 scripts/paper_reference.py --epochs 2 --threads 2
Prints seconds per epoch (training only, evaluation excluded) and the test error after each epoch.
"""
import argparse
import gzip
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


class AdamUnderSgd:
    """Level 1: Adam with learned alpha, beta1, beta2 (betas as raw r, beta = (tanh(r) + 1) / 2).
    Level 2: SGD with fixed step size kappa on those three raw values."""

    EPS = 1e-8

    def __init__(self, params, alpha=1e-3, beta1=0.9, beta2=0.999, kappa=1e-5):
        self.raw = [torch.tensor(alpha), torch.tensor(math.atanh(2 * beta1 - 1)), torch.tensor(math.atanh(2 * beta2 - 1))]
        self.kappa = kappa
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.full_like(p, self.EPS) for p in params]
        self.t = 0

    def values(self):
        alpha, r1, r2 = self.raw
        return alpha.item(), (math.tanh(r1.item()) + 1) / 2, (math.tanh(r2.item()) + 1) / 2

    def step(self, params):
        """params carry .grad from loss.backward(); the raw hyperparameters carry theirs (None at step 1)."""
        with torch.no_grad():
            for h in self.raw:
                if h.grad is not None:
                    h -= self.kappa * h.grad
                    h.grad = None  # with create_graph, the gradient's graph refers back to h: break the cycle
        # Fresh leaves: the graph from one update to the next loss is all that is ever differentiated.
        self.raw = [h.detach().requires_grad_() for h in self.raw]
        alpha, r1, r2 = self.raw
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
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "t10k")
    generator = torch.Generator().manual_seed(args.seed)
    params = [p.requires_grad_() for p in init_params(generator)]
    optimizer = AdamUnderSgd(params)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, graph {args.graph}, data {args.data}: "
          f"{len(x_train)} train, {len(x_test)} test")

    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(x_train), generator=generator)
        start = time.perf_counter()
        steps = 0
        for first in range(0, len(x_train), 256):
            batch = order[first:first + 256]
            loss = F.nll_loss(forward(params, x_train[batch]), y_train[batch])
            loss.backward(create_graph=args.graph == "paper")
            params = optimizer.step(params)
            steps += 1
        seconds = time.perf_counter() - start
        with torch.no_grad():
            predictions = forward(params, x_test).argmax(dim=1)
            error = 100.0 * (predictions != y_test).float().mean().item()
        alpha, beta1, beta2 = optimizer.values()
        print(f"epoch {epoch}: {seconds:.3f} s ({1000 * seconds / steps:.2f} ms/step), loss {loss.item():.4f}, "
              f"test error {error:.2f} %, alpha={alpha:.5g} beta1={beta1:.6g} beta2={beta2:.6g}")


if __name__ == "__main__":
    main()
