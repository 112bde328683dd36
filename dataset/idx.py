"""Read and write IDX files, the format of the original MNIST files.

An IDX file is a big-endian header (magic number, then one int32 per
dimension) followed by the raw data, row-major. MNIST uses uint8 data:
magic 2049 for labels (count,) and 2051 for images (count, rows, cols).
"""
import gzip
import math
import struct
import zlib
from pathlib import Path

import numpy as np

LABELS_MAGIC, IMAGES_MAGIC = 2049, 2051
DIMENSIONS = {LABELS_MAGIC: 1, IMAGES_MAGIC: 3}


class IdxFormatError(ValueError):
    """An MNIST file that cannot be read: truncated, corrupt, or not IDX."""


def read_bytes(path):
    """The file's bytes, decompressed when its name ends in .gz.

    A file that cannot be opened or read (permission denied, a folder, an I/O
    error) raises OSError saying so; only a file that reads but does not
    decompress is called truncated or corrupt (IdxFormatError).
    """
    path = Path(path)
    try:
        f = open(path, "rb")  # noqa: SIM115 (closed below)
    except PermissionError as error:
        raise PermissionError(f"{path}: permission denied, this file cannot be read. Give your user "
                              "read permission (chmod a+r), or use a copy you can read.") from error
    except IsADirectoryError as error:
        raise IsADirectoryError(f"{path} is a folder, not a file: in its place put the original "
                                "MNIST file of that name.") from error
    with f:
        if path.suffix != ".gz":
            return _read(f, path)
        try:
            with gzip.GzipFile(fileobj=f, mode="rb") as unzipped:
                return _read(unzipped, path)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            raise IdxFormatError(
                f"{path}: the gzip file is truncated or corrupt ({error}). Replace it with a fresh "
                "copy of the original file.") from error


def _read(f, path):
    """f.read(), where an I/O error of the disk says so (it is not a damaged file)."""
    try:
        return f.read()
    except gzip.BadGzipFile:
        raise
    except OSError as error:
        raise OSError(f"{path}: the file cannot be read ({error}).") from error


def parse_idx(data, expected_magic, name="IDX data"):
    """A uint8 array from the bytes of an IDX file whose magic number is expected_magic.

    The header is checked against the length before any array is made, so a
    damaged header cannot ask for a huge allocation. The array is read-only
    (it shares memory with data).
    """
    if len(data) < 4:
        raise IdxFormatError(f"{name}: {len(data)} bytes is too short for an IDX file.")
    (magic,) = struct.unpack(">i", data[:4])
    if magic != expected_magic:
        kind = "labels" if expected_magic == LABELS_MAGIC else "images"
        raise IdxFormatError(
            f"{name}: magic number {magic}, expected {expected_magic} for MNIST {kind}. "
            "The file is not the one its name says, or it is damaged.")
    ndim = DIMENSIONS[expected_magic]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxFormatError(f"{name}: the file ends inside its header ({len(data)} bytes).")
    shape = struct.unpack(f">{ndim}i", data[4:header])
    if min(shape) < 0:
        raise IdxFormatError(
            f"{name}: the header gives shape {shape}, with a negative dimension. The file is "
            "damaged or not an MNIST file: replace it.")
    expected = header + math.prod(shape)  # Python integers: no overflow
    if len(data) != expected:
        raise IdxFormatError(
            f"{name}: the header gives shape {shape}, which needs {expected} bytes, but the file "
            f"has {len(data)}. The file is truncated or damaged: replace it.")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def read_idx(path, expected_magic):
    """parse_idx of a file on disk, gzip or raw."""
    return parse_idx(read_bytes(path), expected_magic, name=str(path))


def write_idx(path, array):
    """Write a uint8 array (N,) or (N, rows, cols) as IDX; gzip when path ends in .gz."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = {1: LABELS_MAGIC, 3: IMAGES_MAGIC}[array.ndim]
    data = struct.pack(f">i{array.ndim}i", magic, *array.shape) + array.tobytes()
    path = Path(path)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
