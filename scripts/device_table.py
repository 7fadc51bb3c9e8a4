#!/usr/bin/env python3
"""Merges the HyperGen and PyTorch timings of one device-check run into a Markdown table with ratios.

Ratios are against PyTorch's fused Adam step on the same size, measured in the same run. Bandwidths are effective:
bytes that must move per parameter times parameters, over the time (copy: 8 B/param; torch fused Adam: 28 B/param;
HyperGen Adam depth 1: 32 B/param, 28 in the update and 4 in the NaN/infinity scan of the gradients; depth >= 2
with recomputed partials: 48 B/param, 32 in the update and 16 in the hypergradient reduction). Targets (issue 3): depth 3 at 2^26 <= 1.35x torch fused Adam; depth 32 within 3% of
depth 2; zero host bytes per step.

With --mlp (hypergen-device-check mlp's JSON) and --paper-mlp (scripts/paper_reference.py --steps --json files), a
second table puts the MLP training step (784-128-10, batch 256) of HyperGen's GPU trainer, with each engine for the
matrix products (HyperGen's tiled kernels, cuBLAS), beside the paper's method in PyTorch on the same GPU, tower by
tower (matched by height: the towers are Adam with SGD(1e-5) levels above).
Target: Adam/SGD/SGD faster than the paper's method.
"""
import argparse
import json


def bytes_per_param(kind, depth):
    if kind in ("copy", "torch-copy"):
        return 8
    if kind == "torch-adam-fused":
        return 28
    if depth == 1:
        return 28 if kind == "hypergen-adam-unchecked" else 32
    return 48


def height(tower):
    return tower.count("/") + 1


def mlp_table(hypergen_file, paper_files):
    """The MLP training-step table: HyperGen's GPU trainer against the paper's method, matched by tower height."""
    with open(hypergen_file, encoding="utf-8") as handle:
        hypergen = json.load(handle)
    paper = {}
    for path in paper_files:
        with open(path, encoding="utf-8") as handle:
            result = json.load(handle)
        paper[result["height"]] = result
    devices = sorted({r["device"] for r in paper.values()})
    lines = [
        f"MLP 784-128-10 training step, batch {hypergen['batch_size']}: HyperGen `GpuTrainer` (log read every "
        f"{hypergen['steps_per_readback']} steps, median of those blocks) on {hypergen['device']}, with each engine for "
        f"the matrix products; the paper's method in PyTorch (scripts/paper_reference.py, mean over one synchronised "
        f"run) on {', '.join(devices) or '-'}.",
        "",
        "| tower | products | HyperGen ms/step | HyperGen mean | steps | paper's method (PyTorch) ms/step | paper / HyperGen |",
        "|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for case in hypergen["mlp"]:
        reference = paper.get(height(case["tower"]))
        ms = case["ms_per_step"]
        notes = [note for note, flag in (("diverged", case.get("diverged")), ("DISAGREES with the CPU model", case.get("agreement"))) if flag]
        note = f" ({', '.join(notes)})" if notes else ""
        gemm = case.get("gemm_description") or case.get("gemm") or "-"
        if reference:
            torch_ms = reference["ms_per_step"]
            torch_text = f"{torch_ms:.3f} (graph {reference['graph']}, torch {reference['torch']})"
            ratio = f"{torch_ms / ms:.2f}x"
        else:
            torch_ms, torch_text, ratio = None, "-", "-"
        lines.append(f"| {case['tower']}{note} | {gemm} | {ms:.3f} | {case['mean_ms_per_step']:.3f} | {case['steps']} | {torch_text} | {ratio} |")
        if height(case["tower"]) == 3 and torch_ms:
            met = ms < torch_ms and not case.get("agreement")
            verdicts.append(f"Adam/SGD/SGD with {gemm}: HyperGen {ms:.3f} ms/step, the paper's method {torch_ms:.3f} ms/step: "
                            f"{torch_ms / ms:.2f}x (target faster: {'met' if met else 'NOT met'})")
    for missing in hypergen.get("gemm_unavailable", []):
        verdicts.append(f"products engine {missing['gemm']} not timed: {missing['reason']}")
    for case in hypergen["mlp"]:
        if case.get("agreement"):
            verdicts.append(f"{case['gemm']}: {case['agreement']}")
    return lines + ["", *[f"- {v}" for v in dict.fromkeys(verdicts)]]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("hypergen")
    parser.add_argument("torch")
    parser.add_argument("--out", default="device-table.md")
    parser.add_argument("--mlp", help="hypergen-device-check mlp's JSON")
    parser.add_argument("--paper-mlp", nargs="*", default=[], help="scripts/paper_reference.py --json files")
    args = parser.parse_args()
    with open(args.hypergen, encoding="utf-8") as handle:
        hypergen = json.load(handle)
    with open(args.torch, encoding="utf-8") as handle:
        torch = json.load(handle)

    lines = [
        f"Device: {hypergen['device']} (torch sees: {torch['device']}, torch {torch['torch']}, CUDA {torch['cuda']}); "
        f"measured {hypergen['date']}.",
        "",
        "| size | what | ms/step | x torch fused Adam | effective GB/s | enqueue us/step | host B/step |",
        "|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    sizes = sorted({c["log2Size"] for c in hypergen["cases"]})
    for log2 in sizes:
        n = 1 << log2
        torch_adam = next((c["milliSeconds"] for c in torch["cases"] if c["log2Size"] == log2 and c["kind"] == "torch-adam-fused"), None)
        rows = [(c["kind"], 0, c["milliSeconds"], None, None) for c in torch["cases"] if c["log2Size"] == log2]
        rows += [(c["kind"], c["depth"], c["milliSeconds"], c["enqueueMicroseconds"], c["hostBytesPerStep"])
                 for c in hypergen["cases"] if c["log2Size"] == log2]
        by_depth = {}
        for kind, depth, ms, enqueue, host in rows:
            name = {
                "copy": "ILGPU device copy",
                "torch-copy": "torch device copy",
                "torch-adam-fused": "torch Adam(fused=True)",
                "hypergen-adam-unchecked": f"HyperGen Adam tower, depth {depth}, checks off",
            }.get(kind, f"HyperGen Adam tower, depth {depth}")
            ratio = f"{ms / torch_adam:.2f}" if torch_adam else "-"
            bandwidth = bytes_per_param(kind, depth) * n / (ms * 1e-3) / 1e9
            enqueue_text = f"{enqueue:.1f}" if enqueue is not None and kind != "copy" else ""
            host_text = str(host) if host is not None and kind != "copy" else ""
            lines.append(f"| 2^{log2} | {name} | {ms:.4f} | {ratio} | {bandwidth:.0f} | {enqueue_text} | {host_text} |")
            if kind == "hypergen-adam":
                by_depth[depth] = (ms, host)
        if torch_adam and 3 in by_depth:
            ratio = by_depth[3][0] / torch_adam
            verdicts.append(f"2^{log2}: depth 3 / torch fused Adam = {ratio:.2f} (target <= 1.35: {'met' if ratio <= 1.35 else 'NOT met'})")
        if 2 in by_depth and 32 in by_depth:
            growth = by_depth[32][0] / by_depth[2][0] - 1
            verdicts.append(f"2^{log2}: depth 32 vs depth 2 = {growth * 100:+.1f}% (target within 3%: {'met' if abs(growth) <= 0.03 else 'NOT met'})")
        hosts = [host for _, host in by_depth.values()]
        if hosts:
            verdicts.append(f"2^{log2}: host bytes per step {max(hosts)} (target 0: {'met' if max(hosts) == 0 else 'NOT met'})")

    lines += ["", *[f"- {v}" for v in verdicts]]
    if args.mlp:
        lines += ["", *mlp_table(args.mlp, args.paper_mlp)]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
