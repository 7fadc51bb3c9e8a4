#!/usr/bin/env python3
"""Times PyTorch's fused Adam step and a device copy on the GPU, for the HyperGen device check.

One optimizer step of torch.optim.Adam(fused=True) over one flat float32 parameter of 2^k elements whose
gradient is already set: the baseline a HyperGen Adam tower is compared with. Times come from CUDA events around
many steps, after a warm-up. Writes JSON (see --out) that scripts/device_table.py reads.
"""
import argparse
import json
import sys


def time_cuda(torch, action, steps):
    for _ in range(max(3, steps // 5)):
        action()
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(steps):
        action()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="24,26", help="comma-separated log2 sizes")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--out", default="torch-bench.json")
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        sys.exit("error: PyTorch is not installed for this python3; the baseline needs it.")
    if not torch.cuda.is_available():
        sys.exit("error: PyTorch sees no CUDA device; the baseline must run on the GPU.")

    device = torch.device("cuda")
    cases = []
    for log2 in (int(s) for s in args.sizes.split(",")):
        n = 1 << log2
        weights = torch.nn.Parameter(torch.zeros(n, device=device, dtype=torch.float32))
        weights.grad = (torch.rand(n, device=device, dtype=torch.float32) * 2 - 1) * 1e-2
        optimizer = torch.optim.Adam([weights], lr=1e-3, fused=True)
        ms = time_cuda(torch, optimizer.step, args.steps)
        cases.append({"kind": "torch-adam-fused", "log2Size": log2, "milliSeconds": ms})
        print(f"torch Adam(fused=True) 2^{log2}: {ms:.4f} ms/step")

        source = torch.empty(n, device=device, dtype=torch.float32).uniform_()
        target = torch.empty_like(source)
        ms = time_cuda(torch, lambda: target.copy_(source), args.steps)
        cases.append({"kind": "torch-copy", "log2Size": log2, "milliSeconds": ms})
        print(f"torch device copy 2^{log2}: {ms:.4f} ms")
        del weights, optimizer, source, target
        torch.cuda.empty_cache()

    result = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cases": cases,
    }
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
