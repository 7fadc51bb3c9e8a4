#!/usr/bin/env bash
# Builds the device-check bundle: hypergen-device-check and the hypergen CLI (for `hypergen bench --device gpu`),
# published self-contained for linux-x64 into one folder (the GPU machine has no .NET and no network; the two share
# the runtime and every library but their own), compressed with xz. Run on the development machine; then run
# scripts/device-run.sh on the GPU machine with the repository working tree and this bundle.
#   scripts/device-check.sh [bundle path, default out/device-check/hypergen-device-check.tar.xz]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="${1:-$root/out/device-check/hypergen-device-check.tar.xz}"
publish="$root/out/device-check/publish"
limit_mib=60

rm -rf "$publish"
for project in src/HyperGen.Cli/HyperGen.Cli.csproj tools/HyperGen.DeviceCheck/HyperGen.DeviceCheck.csproj; do
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained true -p:DebugType=none -o "$publish" --nologo -v q
done
mkdir -p "$(dirname "$bundle")"
tar -C "$publish" -cJf "$bundle" .
size=$(stat -c %s "$bundle")
echo "bundle: $bundle ($((size / 1024 / 1024)) MiB compressed, $(du -sm "$publish" | cut -f1) MiB unpacked)"
if (( size > limit_mib * 1024 * 1024 )); then
  echo "error: the bundle is larger than $limit_mib MiB" >&2
  exit 1
fi
