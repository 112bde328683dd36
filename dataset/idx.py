"""Read and write IDX files, the format of the original MNIST files.

An IDX file is a big-endian header (magic number, then one int32 per
dimension) followed by the raw data, row-major. MNIST uses uint8 data:
magic 2049 for labels (count,) and 2051 for images (count, rows, cols).

Files are opened without blocking (a pipe, socket or device in a file's place is
refused, never read), gzip data is decompressed with a limit, and a header is
checked against the data's length before any array is made.
"""
import errno
import math
import os
import stat
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np

LABELS_MAGIC, IMAGES_MAGIC = 2049, 2051
DIMENSIONS = {LABELS_MAGIC: 1, IMAGES_MAGIC: 3}
REPLACE = "Replace it with a fresh copy of the original file."


class IdxFormatError(ValueError):
    """An MNIST file that cannot be read: truncated, corrupt, or not IDX."""


def open_regular(path, what="file", fix="in its place put the original MNIST file of that name."):
    """A binary file object for path, which must be a regular file (or a link to one).

    Opened with O_NONBLOCK, so a named pipe in its place cannot block: a pipe, socket
    or device raises OSError, a folder IsADirectoryError, without being read; their
    messages name the path, say what it is instead of a `what`, and end with `fix`.
    Permission denied raises PermissionError with its fix.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except PermissionError as error:
        raise PermissionError(f"{path}: permission denied, this {what} cannot be read. Give your user "
                              "read permission (chmod a+r), or use a copy you can read.") from error
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise OSError(f"{path} is not a regular {what} (a socket): {fix}") from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(f"{path} is a folder, not a {what}: {fix}")
        raise OSError(f"{path} is not a regular {what} (a device, socket or pipe): {fix}")
    return open(fd, "rb", closefd=True)


def read_file(path):
    """The bytes of a regular file (open_regular), where an I/O error of the disk says so."""
    with open_regular(path) as f:
        try:
            return f.read()
        except OSError as error:
            raise OSError(f"{path}: the file cannot be read ({error}).") from error


def gunzip(data, limit, name="gzip data"):
    """(the first `limit` decompressed bytes of data, whether there is more).

    Never decompresses more than limit + 1 bytes, whatever the data claims.
    Concatenated gzip members are read in turn, as gzip does. Truncated or corrupt
    data raises IdxFormatError naming `name`.
    """
    if not data:
        raise IdxFormatError(f"{name}: the file is empty (0 bytes). {REPLACE}")
    out, rest, size = [], data, 0
    try:
        while rest:
            room = limit + 1 - size
            unzip = zlib.decompressobj(wbits=31)
            out.append(unzip.decompress(rest, room))
            size += len(out[-1])
            if size > limit:  # there is more than limit
                break
            if not unzip.eof:
                raise IdxFormatError(f"{name}: the gzip file is truncated or corrupt (it ends before its end marker). "
                                     f"{REPLACE}")
            rest = unzip.unused_data
    except zlib.error as error:
        raise IdxFormatError(f"{name}: the gzip file is truncated or corrupt ({error}). {REPLACE}") from error
    content = b"".join(out)
    return content[:limit], size > limit


def read_bytes(path, limit=1 << 31):
    """The file's bytes, decompressed (at most `limit` bytes) when its name ends in .gz.

    A file that cannot be opened or read (permission denied, a folder, a pipe, an
    I/O error) raises OSError saying so; only a file that reads but does not
    decompress is called truncated or corrupt (IdxFormatError).
    """
    path = Path(path)
    data = read_file(path)
    if path.suffix != ".gz":
        return data
    content, more = gunzip(data, limit, str(path))
    if more:
        raise IdxFormatError(f"{path}: decompresses to more than {limit} bytes: not an MNIST file. {REPLACE}")
    return content


def parse_header(data, expected_magic, name="IDX data"):
    """(shape, header length) from the first bytes of an IDX file whose magic number is expected_magic."""
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
    return shape, header


def parse_idx(data, expected_magic, name="IDX data"):
    """A uint8 array from the bytes of an IDX file whose magic number is expected_magic.

    The header is checked against the length before any array is made, so a
    damaged header cannot ask for a huge allocation. The array is read-only
    (it shares memory with data).
    """
    shape, header = parse_header(data, expected_magic, name)
    expected = header + math.prod(shape)  # Python integers: no overflow
    if len(data) != expected:
        raise IdxFormatError(
            f"{name}: the header gives shape {shape}, which needs {expected} bytes, but the file "
            f"has {len(data)}. The file is truncated or damaged: replace it.")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def read_idx(path, expected_magic):
    """parse_idx of a file on disk, gzip or raw."""
    return parse_idx(read_bytes(path), expected_magic, name=str(path))


def idx_bytes(array):
    """The IDX file of a uint8 array (N,) or (N, rows, cols)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = {1: LABELS_MAGIC, 3: IMAGES_MAGIC}[array.ndim]
    return struct.pack(f">i{array.ndim}i", magic, *array.shape) + array.tobytes()


def gzip_bytes(data):
    """data as a gzip file that is the same bytes on every run: no name, no time,
    deflate level 9 (RFC 1952: XFL 2 says so; OS 255 is "unknown")."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    body = deflate.compress(data) + deflate.flush()
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + body
            + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF))


def write_idx(path, array):
    """Write a uint8 array (N,) or (N, rows, cols) as IDX; gzip when path ends in .gz.
    Written to a temporary file in the same folder and renamed, so path is never half-written."""
    path = Path(path)
    data = idx_bytes(array)
    if path.suffix == ".gz":
        data = gzip_bytes(data)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with open(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            os.unlink(tmp)
