"""Rebuilds this folder's subset from Debian's dataset-fashion-mnist package.

Keeps the first TRAIN images/labels of the training set and the first TEST of
the test set, rewrites the item count in each idx header, and gzips the result
with a fixed mtime so reruns produce identical bytes.

    apt-get install -y dataset-fashion-mnist
    python3 data/fashion-mnist-subset/make-subset.py
"""
import gzip
import os
import struct

SOURCE = "/usr/share/datasets/fashion-mnist"
TRAIN, TEST = 6000, 1000
HERE = os.path.dirname(os.path.abspath(__file__))


def cut(name, count):
    with gzip.open(os.path.join(SOURCE, name), "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = list(struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims]))
    item = 1
    for d in shape[1:]:
        item *= d
    header = 4 + 4 * dims
    shape[0] = count
    body = data[header:header + count * item]
    out = struct.pack(">I", magic) + struct.pack(">" + "I" * dims, *shape) + body
    with open(os.path.join(HERE, name), "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as z:
            z.write(out)


cut("train-images-idx3-ubyte.gz", TRAIN)
cut("train-labels-idx1-ubyte.gz", TRAIN)
cut("t10k-images-idx3-ubyte.gz", TEST)
cut("t10k-labels-idx1-ubyte.gz", TEST)
