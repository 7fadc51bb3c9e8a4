#!/usr/bin/env bash
# Runs the HyperGen device check on a GPU machine: GPU vs CPU agreement for every built-in tower at depths 1-3,
# Adam tower step times at depths 1, 2, 3 and 32 for 2^24 and 2^26 parameters, PyTorch's fused Adam and a device
# copy in the same run; `hypergen bench --device gpu`; then the paper's MLP training step (784-128-10, batch 256) through HyperGen's GPU trainer
# for Adam/SGD/SGD, Adam/SGD and Adam with each matrix-product engine (HyperGen's kernels, cuBLAS), and the paper's
# method in PyTorch for the same towers on the same GPU (about 80 s together); and tables with ratios
# (device-table.md).
#   scripts/device-run.sh [bundle, default out/device-check/hypergen-device-check.tar.xz] [results folder, default out/device-check/results]
# Needs: an NVIDIA GPU with its driver (libcuda.so.1), python3 with PyTorch. No .NET, no network.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="${1:-$root/out/device-check/hypergen-device-check.tar.xz}"
results="${2:-$root/out/device-check/results}"
app="$(mktemp -d)"
trap 'rm -rf "$app"' EXIT

[[ -f "$bundle" ]] || { echo "error: no bundle at $bundle; build it with scripts/device-check.sh" >&2; exit 2; }
tar -C "$app" -xJf "$bundle"
mkdir -p "$results"

# ILGPU loads the CUDA driver by name; put the driver's folder on the library path (HyperGen.Kernels maps
# libcuda.so to libcuda.so.1, which is all most machines have).
for dir in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/cuda/compat; do
  if [[ -e "$dir/libcuda.so.1" ]]; then
    export LD_LIBRARY_PATH="$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    break
  fi
done
# cuBLAS (the GPU model's matrix products, when it loads): machines without the CUDA toolkit often have it only in
# PyTorch's wheels (site-packages/nvidia/*/lib); put the newest found on the library path.
cublas_dir="$(python3 - <<'PY' || true
import glob, os, re, site, sys
found = []
for root in dict.fromkeys([*site.getsitepackages(), site.getusersitepackages(), *sys.path]):
    for path in glob.glob(os.path.join(root, "nvidia", "**", "libcublas.so.*"), recursive=True):
        version = re.search(r"\.so\.(\d+)", path)
        found.append((int(version.group(1)) if version else 0, os.path.dirname(path)))
if found:
    print(max(found)[1])
PY
)"
if [[ -n "$cublas_dir" ]]; then
  export LD_LIBRARY_PATH="$cublas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "cuBLAS from $cublas_dir"
fi
export DOTNET_gcServer=0
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee "$results/gpu.txt" || true

status=0
"$app/hypergen-device-check" agreement --size "${AGREEMENT_LOG2:-18}" | tee "$results/agreement.txt" || status=$?
"$app/hypergen-device-check" bench --sizes "${SIZES:-24,26}" --depths 1,2,3,32 --steps "${STEPS:-50}" \
  --out "$results/hypergen-bench.json" | tee "$results/hypergen-bench.txt"
python3 "$root/scripts/torch_adam_bench.py" --sizes "${SIZES:-24,26}" --steps "${STEPS:-50}" --out "$results/torch-bench.json"
# hypergen bench itself on the GPU: the copy, a hand-written ILGPU Adam and Sgd/Adam/RmsProp towers at depths 1, 2, 3
# and 32, 2^24 and 2^26, with its targets (about 30 s).
"$app/hypergen" bench --device gpu --budget-ms "${BENCH_BUDGET_MS:-500}" --out "$results/hypergen-bench-cli.md" \
  > /dev/null 2> "$results/hypergen-bench-cli.log" || status=$?
# A failure in the MLP part is reported in the exit status but still leaves the tables of what did run.
rm -f "$results"/hypergen-mlp.json "$results"/paper-mlp-*.json
"$app/hypergen-device-check" mlp --steps "${MLP_STEPS:-200}" --out "$results/hypergen-mlp.json" \
  | tee "$results/hypergen-mlp.txt" || status=$?
for height in 3 2 1; do
  python3 "$root/scripts/paper_reference.py" --device cuda --height "$height" --steps "${MLP_STEPS:-200}" \
    --json "$results/paper-mlp-$height.json" | tee "$results/paper-mlp-$height.txt" || status=$?
done
mlp_args=()
if [[ -f "$results/hypergen-mlp.json" ]]; then
  mlp_args=(--mlp "$results/hypergen-mlp.json" --paper-mlp)
  for file in "$results"/paper-mlp-*.json; do
    if [[ -f "$file" ]]; then mlp_args+=("$file"); fi
  done
fi
python3 "$root/scripts/device_table.py" "$results/hypergen-bench.json" "$results/torch-bench.json" \
  --out "$results/device-table.md" "${mlp_args[@]}"
echo "results in $results"
exit "$status"
