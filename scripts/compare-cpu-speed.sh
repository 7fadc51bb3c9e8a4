#!/usr/bin/env bash
# Seconds per epoch of Adam / SGD(1e-5) on the paper's MLP and the full Fashion-MNIST, on this machine's CPU:
# HyperGen (`hypergen train`) against scripts/paper_reference.py (PyTorch, the paper's way of hyperoptimizing,
# both as the paper's library is used, with create_graph=True, and leaner without it), in one session, HyperGen
# before and after PyTorch so that a change in the machine's load shows as a gap between the two HyperGen runs. Needs Debian's python3-torch (and libopenblas0-pthread: with the generic
# reference BLAS that python3-torch pulls in alone, torch's matrix products are about 15x slower).
set -euo pipefail
cd "$(dirname "$0")/.."

epochs="${EPOCHS:-3}"
threads="${THREADS:-$(nproc)}"
python="${PYTHON:-/usr/bin/python3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

dotnet build src/HyperGen.Cli -c Release -v quiet -nologo >/dev/null
hypergen() { dotnet src/HyperGen.Cli/bin/Release/net10.0/hypergen.dll "$@"; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) logical cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in before torch-paper torch-lean after; do
    if [ "${run#torch-}" != "$run" ]; then
        "$python" scripts/paper_reference.py --epochs 2 --threads "$threads" --graph "${run#torch-}"
    else
        hypergen train --tower "adam(alpha=1e-3)/sgd(alpha=1e-5)" --epochs "$epochs" --out "$out/$run" >/dev/null
        python3 - "$out/$run" "$run" <<'PY'
import json, os, sys
folder, run = sys.argv[1], sys.argv[2]
summary = json.load(open(os.path.join(folder, "summary.json")))
epochs = json.load(open(os.path.join(folder, "log.json")))["epochs"]
print(f"hypergen ({run}): epochs " + ", ".join(f"{e['train_seconds']:.3f}" for e in epochs)
      + f" s; mean {summary['seconds_per_epoch']:.3f} s/epoch; test error {summary['test_error_pct']:.2f} %")
PY
    fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
