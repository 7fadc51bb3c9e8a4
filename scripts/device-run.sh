#!/usr/bin/env bash
# Runs the HyperGen device check on a GPU machine: GPU vs CPU agreement for every built-in tower at depths 1-3,
# Adam tower step times at depths 1, 2, 3 and 32 for 2^24 and 2^26 parameters, PyTorch's fused Adam and a device
# copy in the same run, and a table with ratios.
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
export DOTNET_gcServer=0
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | tee "$results/gpu.txt" || true

status=0
"$app/hypergen-device-check" agreement --size "${AGREEMENT_LOG2:-18}" | tee "$results/agreement.txt" || status=$?
"$app/hypergen-device-check" bench --sizes "${SIZES:-24,26}" --depths 1,2,3,32 --steps "${STEPS:-50}" \
  --out "$results/hypergen-bench.json" | tee "$results/hypergen-bench.txt"
python3 "$root/scripts/torch_adam_bench.py" --sizes "${SIZES:-24,26}" --steps "${STEPS:-50}" --out "$results/torch-bench.json"
python3 "$root/scripts/device_table.py" "$results/hypergen-bench.json" "$results/torch-bench.json" --out "$results/device-table.md"
echo "results in $results"
exit "$status"
