#!/usr/bin/env bash
# Installs the full Fashion-MNIST (60,000 training and 10,000 test images, MIT licence) from Debian's
# dataset-fashion-mnist package into /usr/share/datasets/fashion-mnist, where `hypergen train` and
# `hypergen reproduce` look first. Without it they fall back to the 6,000/1,000-image subset shipped in
# data/fashion-mnist-subset and say so. Needs root (or sudo) and a Debian or Ubuntu apt source that has the package.
set -euo pipefail

target=/usr/share/datasets/fashion-mnist
if [ -f "$target/train-images-idx3-ubyte.gz" ]; then
    echo "Fashion-MNIST is already installed in $target"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "error: run this as root, or install sudo" >&2
        exit 1
    fi
    sudo=sudo
fi

if ! command -v apt-get >/dev/null; then
    echo "error: apt-get not found; this script installs Debian's dataset-fashion-mnist package." >&2
    echo "On other systems, put the four idx files of Fashion-MNIST in a folder and pass it as --data DIR." >&2
    exit 1
fi

$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dataset-fashion-mnist
ls -l "$target"
echo "Fashion-MNIST installed in $target"
