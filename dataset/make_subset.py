"""Cut the offline subset from the four original MNIST files, byte for byte as committed.

    python -m dataset.make_subset ../shared/data/mnist          # writes dataset/mnist-5k-*.gz
    python -m dataset.make_subset ../shared/data/mnist --out /tmp

The subset is the first 500 training images of each digit, in training-set order,
sorted by digit (all 500 zeros, then all 500 ones, ...): the 5,000 images this project
used before, in the same order (dataset/README.md). It is stored as two IDX files, images
(5000, 28, 28) and labels (5000,), uint8, gzip-compressed with no name and no time
(dataset.idx.gzip_bytes), so the same input gives the same bytes. The four files are
verified first (dataset.mnist.read_directory). Prints each file's size and SHA-256,
which dataset.mnist.SUBSET_FILES must hold.
"""
import argparse
import hashlib
import os
from pathlib import Path

import numpy as np

from dataset.idx import write_idx
from dataset.mnist import SUBSET_DIR, SUBSET_FILES, read_directory

PER_DIGIT = 500


def subset(raw):
    """(images (5000, 28, 28), labels (5000,)): the first PER_DIGIT training images of each digit."""
    labels = raw["train_label"]
    rows = np.concatenate([np.flatnonzero(labels == digit)[:PER_DIGIT] for digit in range(10)])
    return raw["train_img"][rows], labels[rows]


def make_subset(mnist_dir, out=SUBSET_DIR):
    """Write the two subset files into out; returns {path: SHA-256}."""
    images, labels = subset(read_directory(mnist_dir))
    written = {}
    for key, array in (("images", images), ("labels", labels)):
        path = Path(out) / SUBSET_FILES[key][0]
        write_idx(path, array)
        written[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dataset.make_subset", description=__doc__.split("\n\n")[0])
    parser.add_argument("mnist_dir", nargs="?", default=os.environ.get("MNIST_DIR"),
                        help="folder with the four original files (default: $MNIST_DIR)")
    parser.add_argument("--out", default=SUBSET_DIR, help=f"where to write (default: {SUBSET_DIR})")
    args = parser.parse_args(argv)
    if not args.mnist_dir:
        parser.error("give the folder with the four original MNIST files (or set MNIST_DIR)")
    for path, digest in make_subset(args.mnist_dir, args.out).items():
        print(f"{path}  {path.stat().st_size:,} bytes  SHA-256 {digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
