"""common.params_file: parameter files are written atomically and never through a symbolic
link, and every damaged or hostile file is refused with a ValueError naming the path and
what is wrong, without running code and without allocating what a header asks for."""
import errno
import gzip
import io
import os
import pickle
import signal
import socket
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers import interruptible

import common.params_file as params_file
from common.params_file import load_params_file, save_params_file

ROOT = Path(__file__).resolve().parent.parent


def params(seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((4, 3)), "b1": np.zeros(3, dtype=np.float32),
            "steps": np.arange(5, dtype=np.int64), "mask": np.array([True, False])}


def assert_same(loaded, expected):
    assert loaded.keys() == expected.keys()
    for key, value in expected.items():
        np.testing.assert_array_equal(loaded[key], value)
        assert loaded[key].dtype == value.dtype and loaded[key].shape == value.shape


def left_in(folder):
    return sorted(p.name for p in folder.iterdir())


# --- saving ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,kind", [("params.pkl", "pickle"), ("params.pickle", "pickle"),
                                       ("PARAMS.PKL", "pickle"), ("params.npz", "npz"), ("params.bin", "npz")])
def test_the_name_chooses_the_books_pickle_or_npz_and_both_load_back(tmp_path, name, kind):
    path = tmp_path / name
    save_params_file(path, params())
    assert_same(load_params_file(path), params())
    if kind == "pickle":  # the book's own loader: plain pickle.load gives a plain dict
        with open(path, "rb") as f:
            plain = pickle.load(f)
        assert type(plain) is dict and path.read_bytes()[:2] == b"\x80\x04"
        assert_same(plain, params())
    else:
        with np.load(path, allow_pickle=False) as saved:
            assert_same({k: saved[k] for k in saved.files}, params())
    assert left_in(tmp_path) == [name]


def test_keys_that_np_savez_cannot_take_are_saved(tmp_path):
    """np.savez(file, file=...) is a TypeError: the archive is written member by member."""
    arrays = {"file": np.ones(2), "allow_pickle": np.zeros(1), "a/b": np.arange(3)}
    save_params_file(tmp_path / "p.npz", arrays)
    assert_same(load_params_file(tmp_path / "p.npz"), arrays)


@pytest.mark.parametrize("suffix", [".pkl", ".npz"])
@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt(),
                                     RuntimeError("bug in the middle of writing")])
def test_a_failure_while_writing_keeps_the_old_file_and_leaves_nothing(tmp_path, monkeypatch, suffix, failure):
    path = tmp_path / f"params{suffix}"
    save_params_file(path, params(0))
    before = path.read_bytes()

    def write_then_fail(*args, **kwargs):
        args[1 if suffix == ".pkl" else 0].write(b"the first bytes of the new file")
        raise failure
    monkeypatch.setattr(params_file.pickle, "dump", write_then_fail)
    monkeypatch.setattr(params_file, "_write_npz", write_then_fail)
    with pytest.raises(type(failure)) as info:
        save_params_file(path, params(1))
    assert path.read_bytes() == before and left_in(tmp_path) == [path.name]
    assert_same(load_params_file(path), params(0))
    if isinstance(failure, OSError):
        assert str(info.value).startswith(f"{path} cannot be written (No space left on device): the disk is full")
        assert "an existing file there is unchanged" in str(info.value)


KILLED_SAVE = """
import sys, time
import numpy as np
import common.params_file as pf
def slow(f, arrays):
    f.write(b"PK\\x03\\x04" + bytes(1 << 16))
    f.flush()
    print("writing", flush=True)
    time.sleep(600)
pf._write_npz = slow
pf.save_params_file(sys.argv[1], {"W": np.full(3, 2.0)})
"""


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_process_killed_mid_save_leaves_the_old_parameters_loadable(tmp_path, sig):
    path = tmp_path / "params.npz"
    save_params_file(path, {"W": np.ones(3)})
    child = subprocess.Popen([sys.executable, "-c", KILLED_SAVE, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    try:
        assert child.stdout.readline() == "writing\n", child.stderr.read()
        child.send_signal(sig)
        child.communicate(timeout=60)
    finally:
        child.kill()
        child.wait()
    assert_same(load_params_file(path), {"W": np.ones(3)})
    parts = [name for name in left_in(tmp_path) if name != "params.npz"]
    if sig == signal.SIGINT:  # KeyboardInterrupt: the temporary file is removed
        assert parts == []
    else:  # SIGKILL gives no chance to clean up: the part is hidden and never read
        assert len(parts) == 1 and parts[0].startswith(".params.npz.") and parts[0].endswith(".part")


@pytest.mark.parametrize("target_exists", [True, False])
def test_a_symbolic_link_at_the_destination_is_refused_and_its_target_untouched(tmp_path, target_exists):
    target, link = tmp_path / "elsewhere.pkl", tmp_path / "params.pkl"
    if target_exists:
        save_params_file(target, params(0))
    before = target.read_bytes() if target_exists else None
    link.symlink_to(target)
    with pytest.raises(OSError, match=rf"{link} is a symbolic link \(to {target}\): refusing to write through "
                                      "it or to replace it. Write to the file it points to, or remove the link"):
        save_params_file(link, params(1))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert (target.read_bytes() if target_exists else target.exists()) == (before if target_exists else False)
    assert left_in(tmp_path) == sorted(["params.pkl"] + (["elsewhere.pkl"] if target_exists else []))


def test_a_folder_at_the_destination_is_refused(tmp_path):
    (tmp_path / "params.pkl").mkdir()
    with pytest.raises(IsADirectoryError, match=rf"{tmp_path / 'params.pkl'} is a folder: give the name of a file"):
        save_params_file(tmp_path / "params.pkl", params())
    assert left_in(tmp_path / "params.pkl") == []


def test_a_pipe_at_the_destination_is_refused_not_written_into(tmp_path):
    os.mkfifo(tmp_path / "params.npz")
    with pytest.raises(OSError, match=r"params.npz is a named pipe \(FIFO\), not a regular file: refusing to replace it"):
        save_params_file(tmp_path / "params.npz", params())
    assert stat.S_ISFIFO(os.lstat(tmp_path / "params.npz").st_mode) and left_in(tmp_path) == ["params.npz"]


def test_a_missing_folder_is_named_with_the_fix(tmp_path):
    path = tmp_path / "runs" / "params.pkl"
    with pytest.raises(FileNotFoundError, match=rf"{path} cannot be written .*: the folder {tmp_path / 'runs'} does "
                                                "not exist; create it first"):
        save_params_file(path, params())
    assert left_in(tmp_path) == []


def test_an_unwritable_folder_is_named_with_the_fix(tmp_path, monkeypatch):
    """Root writes anywhere: the denial is simulated where the temporary file is made."""
    def denied(path):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(params_file, "_create_temporary", denied)
    with pytest.raises(PermissionError, match=rf"params.pkl cannot be written \(Permission denied\): make {tmp_path} "
                                              "writable, or write elsewhere"):
        save_params_file(tmp_path / "params.pkl", params())


def test_the_old_files_permissions_are_kept_and_a_new_file_gets_the_umask(tmp_path):
    path = tmp_path / "params.pkl"
    save_params_file(path, params(0))
    path.chmod(0o640)
    save_params_file(path, params(1))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    old_umask = os.umask(0o027)
    try:
        save_params_file(tmp_path / "new.npz", params())
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "new.npz").stat().st_mode) == 0o640  # 0o666 less the umask 0o027


@pytest.mark.parametrize("content,message", [
    ({3: np.ones(2)}, "parameter names must be non-empty strings, got 3"),
    ({"": np.ones(2)}, "parameter names must be non-empty strings, got ''"),
    ({"W": np.array([1, "a"], dtype=object)}, "'W' is an array of dtype object; parameter files hold arrays of numbers"),
    ({"W": np.array(["a", "b"])}, "'W' is an array of dtype <U1"),
    ({"W": np.ones(2, dtype=complex)}, "'W' is an array of dtype complex128"),
    ([np.ones(2)], "params must be a dict of NumPy arrays, got a list"),
])
def test_what_cannot_be_a_parameter_is_refused_before_anything_is_written(tmp_path, content, message):
    for name in ("params.pkl", "params.npz"):
        with pytest.raises(ValueError, match=f"{name}: {message}"):
            save_params_file(tmp_path / name, content)
    assert left_in(tmp_path) == []


def test_saves_from_two_threads_at_once_leave_one_whole_file(tmp_path):
    path, errors = tmp_path / "params.npz", []

    def save(seed):
        try:
            for _ in range(20):
                save_params_file(path, params(seed))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
    threads = [threading.Thread(target=save, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and left_in(tmp_path) == ["params.npz"]
    loaded = load_params_file(path)
    assert any(np.array_equal(loaded["W1"], params(seed)["W1"]) for seed in (1, 2))


# --- loading what is not a regular file -----------------------------------------------------

def load_in_a_thread(path):
    """load_params_file(path) in a thread: a load that blocks fails the test instead of hanging it."""
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(_outcome(path)), daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert outcome, f"load_params_file({path}) blocked"
    return outcome[0]


def _outcome(path):
    try:
        return load_params_file(path)
    except Exception as error:  # noqa: BLE001
        return error


def test_a_pipe_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "params.pkl")
    error = load_in_a_thread(tmp_path / "params.pkl")
    assert isinstance(error, ValueError)
    assert str(error).startswith(f"{tmp_path / 'params.pkl'} is a named pipe (FIFO), not a parameter file: it is never read")


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "params.pkl"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        error = load_in_a_thread(path)
    assert isinstance(error, ValueError) and str(error) == f"{path} is a socket, not a parameter file"


def test_a_device_is_refused_without_reading_it(tmp_path):
    (tmp_path / "params.npz").symlink_to("/dev/zero")  # reading it would never end
    error = load_in_a_thread(tmp_path / "params.npz")
    assert isinstance(error, ValueError) and "params.npz is a device, not a parameter file" in str(error)


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "params.pkl").mkdir()
    with pytest.raises(ValueError, match=rf"{tmp_path / 'params.pkl'} is a folder, not a parameter file"):
        load_params_file(tmp_path / "params.pkl")


def test_missing_files_and_broken_links_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=rf"{tmp_path / 'params.pkl'}: no such parameter file"):
        load_params_file(tmp_path / "params.pkl")
    (tmp_path / "link.pkl").symlink_to(tmp_path / "gone.pkl")
    with pytest.raises(FileNotFoundError, match=rf"link.pkl is a broken symbolic link: its target {tmp_path / 'gone.pkl'} does not exist"):
        load_params_file(tmp_path / "link.pkl")


def test_an_unreadable_file_is_named_with_the_fix(tmp_path, monkeypatch):
    """Root reads any file: the denial is simulated at os.open."""
    path = tmp_path / "params.pkl"
    save_params_file(path, params())
    real_open = os.open

    def denied(file, *args, **kwargs):
        if os.fspath(file) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(params_file.os, "open", denied)
    with pytest.raises(PermissionError, match=rf"{path}: permission denied, the parameter file cannot be read \(chmod a\+r"):
        load_params_file(path)


def test_a_link_to_a_good_file_loads(tmp_path):
    save_params_file(tmp_path / "real.npz", params())
    (tmp_path / "params.npz").symlink_to(tmp_path / "real.npz")
    assert_same(load_params_file(tmp_path / "params.npz"), params())


# --- damaged and hostile .npz archives ------------------------------------------------------

def npz_bytes(arrays=None, compress=False):
    buffer = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(buffer, **(params() if arrays is None else arrays))
    return buffer.getvalue()


def npy_member(shape, descr="<f8", data=b"", version=(1, 0), fortran=False):
    buffer = io.BytesIO()
    header = {"descr": descr, "fortran_order": fortran, "shape": shape}
    if version == (1, 0):
        np.lib.format.write_array_header_1_0(buffer, header)
    else:
        np.lib.format.write_array_header_2_0(buffer, header)
    return buffer.getvalue() + data


def zip_of(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def refused(tmp_path, data, message, name="params.npz"):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ValueError, match=f"^{path}: {message}") as info:
        load_params_file(path)
    return info.value


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.9, 0.999])
def test_a_truncated_npz_is_named(tmp_path, fraction):
    data = npz_bytes()
    refused(tmp_path, data[:int(len(data) * fraction)], r"a damaged or truncated .npz archive \(File is not a zip file\): save it again")


def test_a_zip_with_a_member_that_is_no_array_is_refused(tmp_path):
    data = zip_of([("W1.npy", npy_member((2,), data=bytes(16))), ("notes.txt", b"learning rate 0.1")])
    refused(tmp_path, data, r"the .npz archive holds 'notes.txt', which is not a NumPy array \(.npy\): not a parameter file")


def test_a_zip_with_a_folder_entry_is_refused(tmp_path):
    refused(tmp_path, zip_of([("weights/", b"")]), "the .npz archive holds 'weights/', which is not a NumPy array")


@pytest.mark.parametrize("shape", [(10**12,), (10**6, 10**6), (2**62 // 8,)])
def test_a_header_asking_for_a_huge_array_is_refused_before_allocating(tmp_path, shape):
    data = zip_of([("W1.npy", npy_member(shape, data=bytes(80)))])
    refused(tmp_path, data, rf"W1.npy: its header asks for a float64 array of shape \({', '.join(map(str, shape))},?\) "
                            rf"\({8 * int(np.prod(shape, dtype=object))} bytes\), but the member holds 80 bytes of data")


def test_a_header_asking_for_more_than_a_compressed_member_can_hold_is_refused(tmp_path):
    data = bytearray(zip_of([("W1.npy", npy_member((4,), data=bytes(32)))], zipfile.ZIP_DEFLATED))
    # claim a huge uncompressed size in the local and central headers
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (2**32 - 2).to_bytes(4, "little")
    data[22:26] = (2**32 - 2).to_bytes(4, "little")
    refused(tmp_path, bytes(data), r"W1.npy claims 4294967294 bytes from \d+ in a file of \d+: the archive is damaged")


def test_a_member_shorter_than_its_header_says_is_refused(tmp_path):
    data = zip_of([("W1.npy", npy_member((100,), data=bytes(80)))])
    refused(tmp_path, data, r"W1.npy: its header asks for a float64 array of shape \(100,\) \(800 bytes\), but the member holds 80")


def test_a_member_with_extra_bytes_after_its_data_is_refused(tmp_path):
    data = zip_of([("W1.npy", npy_member((2,), data=bytes(16) + b"extra"))])
    refused(tmp_path, data, r"W1.npy: its header asks for a float64 array of shape \(2,\) \(16 bytes\), but the member holds 21")


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def test_an_object_array_in_an_npz_is_refused_and_never_unpickled(tmp_path):
    marker = tmp_path / "it ran"
    data = npz_bytes({"W1": np.array([Payload(marker)], dtype=object)})
    refused(tmp_path, data, "expected a dict of NumPy arrays of numbers, but 'W1' is an array of dtype object")
    assert not marker.exists()


@pytest.mark.parametrize("array,dtype", [(np.array(["a", "bc"]), "<U2"), (np.zeros(2, dtype=complex), "complex128"),
                                         (np.zeros(2, dtype=[("a", "<f4")]), r"\[\('a', '<f4'\)\]"),
                                         (np.zeros(2, dtype="M8[s]"), r"datetime64\[s\]")])
def test_arrays_that_are_not_numbers_are_refused(tmp_path, array, dtype):
    refused(tmp_path, npz_bytes({"W1": array}), f"expected a dict of NumPy arrays of numbers, but 'W1' is an array of dtype {dtype}")


def test_a_member_whose_data_was_changed_fails_its_crc(tmp_path):
    data = bytearray(npz_bytes({"W1": np.arange(100.0)}))
    data[200] ^= 0xFF  # inside W1's data
    refused(tmp_path, bytes(data), r"W1.npy is damaged \(BadZipFile: Bad CRC-32 for file 'W1.npy'\): save it again")


def test_an_encrypted_member_is_refused(tmp_path):
    data = bytearray(zip_of([("W1.npy", npy_member((2,), data=bytes(16)))]))
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1  # the "encrypted" flag
    data[6] |= 1
    refused(tmp_path, bytes(data), "W1.npy is encrypted: not a parameter file")


def test_a_member_compressed_in_a_way_numpy_never_writes_is_refused(tmp_path):
    data = zip_of([("W1.npy", npy_member((2,), data=bytes(16)))], zipfile.ZIP_LZMA)
    refused(tmp_path, data, "W1.npy is compressed with zip method 14, which NumPy never writes")


def test_a_member_stored_twice_is_refused(tmp_path):
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zip_of([("W1.npy", npy_member((2,), data=bytes(16))), ("W1.npy", npy_member((3,), data=bytes(24)))])
    refused(tmp_path, data, "the .npz archive holds 'W1.npy' twice: it is damaged")


def test_npy_format_version_3_is_refused(tmp_path):
    member = bytearray(npy_member((2,), data=bytes(16), version=(2, 0)))
    member[6] = 3
    refused(tmp_path, zip_of([("W1.npy", bytes(member))]), r"W1.npy: .npy format version \(3, 0\), which holds structured arrays only")


@pytest.mark.parametrize("header,message", [
    (b"{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}", r"W1.npy: its header gives the shape \(-2,\), with a negative dimension"),
    (b"{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", r"W1.npy is damaged \(TokenError: "),
    (b"{'descr': 'nonsense', 'fortran_order': False, 'shape': (2,)}", r"W1.npy is damaged \(ValueError: descr is not a valid dtype"),
    (b"__import__('os').system('touch it-ran')", r"W1.npy is damaged \(ValueError: malformed node or string"),
])
def test_a_damaged_npy_header_is_refused(tmp_path, monkeypatch, header, message):
    monkeypatch.chdir(tmp_path)
    header = header + b" " * (63 - len(header) % 64) + b"\n"
    member = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + bytes(16)
    refused(tmp_path, zip_of([("W1.npy", member)]), message)
    assert not (tmp_path / "it-ran").exists()


def test_compressed_fortran_and_big_endian_archives_load(tmp_path):
    arrays = {"W1": np.asfortranarray(np.arange(6.0).reshape(2, 3)), "b": np.arange(3, dtype=">i4"),
              "empty": np.zeros((0, 5)), "scalar": np.array(2.5)}
    for compress in (False, True):
        (tmp_path / "p.npz").write_bytes(npz_bytes(arrays, compress))
        assert_same(load_params_file(tmp_path / "p.npz"), arrays)


def test_an_empty_archive_is_an_empty_dict(tmp_path):
    save_params_file(tmp_path / "p.npz", {})
    assert (tmp_path / "p.npz").read_bytes()[:4] == b"PK\x05\x06"
    assert load_params_file(tmp_path / "p.npz") == {}


# --- damaged and hostile pickles ------------------------------------------------------------

def pickle_of(obj, protocol=4):
    return pickle.dumps(obj, protocol=protocol)


HUGE = (2**60).to_bytes(8, "little")
NOT_A_PARAMETER_FILE = r"not a parameter file \(.npz, or a pickled dict of NumPy arrays\): "


@pytest.mark.parametrize("data,message", [
    (b"\x80\x06}.", "not a parameter file: pickle protocol 6, and Python reads up to 5"),
    (b"\x80\x04P1\n.", "not a parameter file: the pickle uses PERSID at byte 2, which a dict of NumPy arrays never needs"),
    (b"\x80\x04K\x01Q.", "not a parameter file: the pickle uses BINPERSID at byte 4"),
    (b"\x80\x02\x82\x01.", "not a parameter file: the pickle uses EXT1 at byte 2"),
    (b"\x80\x02\x83\x01\x01.", "not a parameter file: the pickle uses EXT2 at byte 2"),
    (b"\x80\x05\x97.", "not a parameter file: the pickle uses NEXT_BUFFER at byte 2"),
    (b"\x80\x04\x8e" + HUGE + b"abc.", NOT_A_PARAMETER_FILE + r".*expected 1152921504606846976 bytes in a bytes8, but only 4 remain"),
    (b"\x80\x04\x96" + HUGE + b"abc.", NOT_A_PARAMETER_FILE + r".*bytearray8"),
    (b"\x80\x04\x8d" + HUGE + b"abc.", NOT_A_PARAMETER_FILE + r".*unicodestring8"),
    (b"\x80\x04}r\xff\xff\xff\x7f.", r"not a parameter file: memo index 2147483647 at byte 3 of a pickle with 2 opcodes before it"),
    (b"\x80\x04}h\x05.", NOT_A_PARAMETER_FILE + r".*unpickling it failed with UnpicklingError: Memo value not found at index 5"),
    (b"\x80\x04\xff.", NOT_A_PARAMETER_FILE + r".*opcode b'\\xff' unknown"),
    (b"\x80\x04}", NOT_A_PARAMETER_FILE + r".*pickle exhausted before seeing STOP"),
    (b"(S'touch it-ran'\nios\nsystem\n.", r"refused to load os.system: a parameter pickle may hold only a dict"),
    (b"\x80\x04cbuiltins\neval\n.", r"refused to load builtins.eval"),
    (b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00rot13\x86R.", r"refused _codecs.encode with encoding 'rot13'"),
    (b"\x80\x04}}b.", NOT_A_PARAMETER_FILE + r".*unpickling it failed with"),
])
def test_pickle_tricks_are_refused(tmp_path, data, message):
    refused(tmp_path, data, message, name="params.pkl")


def test_a_truncated_pickle_is_named(tmp_path):
    data = pickle_of(params())
    for cut in (1, len(data) // 3, len(data) - 1):
        refused(tmp_path, data[:cut], NOT_A_PARAMETER_FILE, name="params.pkl")


def test_bytes_after_the_pickle_are_refused(tmp_path):
    refused(tmp_path, pickle_of(params()) * 2, r"\d+ bytes follow the end of the pickle: the file is damaged \(two saves", "params.pkl")


@pytest.mark.parametrize("obj,message", [
    ([np.ones(2)], "expected a pickled dict of NumPy arrays, got a list"),
    ({1, 2}, "expected a pickled dict of NumPy arrays, got a set"),
    (np.ones(3), "expected a pickled dict of NumPy arrays, got a single NumPy array"),
    ({3: np.ones(2)}, r"expected a pickled dict of NumPy arrays of numbers, but it has the key 3, which is not a name"),
    ({"W": [np.ones(2)]}, "expected a pickled dict of NumPy arrays of numbers, but 'W' is list, not an array"),
    ({"lr": np.float64(0.1)}, "expected a pickled dict of NumPy arrays of numbers, but 'lr' is a single NumPy number"),
    ({"W": np.ones(2, dtype=complex)}, "expected a pickled dict of NumPy arrays of numbers, but 'W' is an array of dtype complex128"),
    ({"W": np.zeros(2, dtype="M8[s]")}, "expected a pickled dict of NumPy arrays of numbers, but 'W' is an array of dtype datetime64"),
    ({"W": np.zeros(2, dtype=[("a", "<f4")])}, r"expected a pickled dict of NumPy arrays of numbers, but 'W' is an array of dtype \|V4"),
])
def test_pickles_that_are_not_a_dict_of_number_arrays_are_refused(tmp_path, obj, message):
    refused(tmp_path, pickle_of(obj), message, name="params.pkl")


def pickled_array_state(shape, data, dtype_code=b"f8"):
    """{'W': array} in protocol 2, written opcode by opcode, with any claimed shape and data."""
    shape_ops = b"(" + b"".join(b"J" + n.to_bytes(4, "little", signed=True) for n in shape) + b"t"
    return (b"\x80\x02}X\x01\x00\x00\x00W"
            b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R"
            b"(K\x01" + shape_ops + b"cnumpy\ndtype\nU\x02" + dtype_code + b"K\x00K\x01\x87R"
            b"(K\x03U\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89"
            b"B" + len(data).to_bytes(4, "little") + data + b"tbs.")


def test_the_hand_written_array_pickle_is_a_valid_one(tmp_path):
    """The helper below builds what NumPy writes; with a consistent state it loads."""
    (tmp_path / "params.pkl").write_bytes(pickled_array_state((2, 3), np.arange(6.0).tobytes()))
    assert_same(load_params_file(tmp_path / "params.pkl"), {"W": np.arange(6.0).reshape(2, 3)})


@pytest.mark.parametrize("shape,data,dtype,message", [
    ((2**31 - 1, 2**31 - 1), bytes(16), b"f8", r"an array of shape \(2147483647, 2147483647\) and dtype float64, which needs \d+ bytes, with 16 bytes of data"),
    ((4,), bytes(16), b"f8", r"an array of shape \(4,\) and dtype float64, which needs 32 bytes, with 16 bytes"),
    ((-2,), bytes(16), b"f8", r"an array of shape \(-2,\): not a shape"),
    ((10**9,), bytes(16), b"O8", "an array of dtype object"),
    ((2,), bytes(16), b"V8", r"an array of dtype \|V8"),
])
def test_an_array_state_that_does_not_fit_its_data_is_refused_before_allocating(tmp_path, shape, data, dtype, message):
    refused(tmp_path, pickled_array_state(shape, data, dtype),
            "expected a pickled dict of NumPy arrays of numbers, but 'W' is " + message, name="params.pkl")


def test_an_array_rebuilt_with_a_huge_shape_is_refused(tmp_path):
    data = pickled_array_state((2,), bytes(16)).replace(b"K\x00\x85C\x01b", b"J\x00\xca\x9a;\x85C\x01b")  # (10**9,)
    refused(tmp_path, data, r"an array rebuilt as '_NdarrayClass' of shape \(1000000000,\), not as NumPy writes one", "params.pkl")


def test_a_gzipped_pickle_says_to_decompress_it(tmp_path):
    refused(tmp_path, gzip.compress(pickle_of(params())), NOT_A_PARAMETER_FILE + r"gzip-compressed: decompress it first", "params.pkl.gz")


def test_a_single_npy_file_says_what_it_is(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.ones(3))
    refused(tmp_path, buffer.getvalue(), NOT_A_PARAMETER_FILE + r"a single NumPy array \(.npy\), not a dict of them", "params.npy")


@pytest.mark.parametrize("data", [b"this is not a pickle", b"\x00" * 100, b"{\"W1\": [1, 2]}"])
def test_other_content_is_not_a_parameter_file(tmp_path, data):
    refused(tmp_path, data, NOT_A_PARAMETER_FILE + "it starts with ", name="params.pkl")


def test_an_empty_file_is_named(tmp_path):
    refused(tmp_path, b"", r"the file is empty \(0 bytes\): it is no parameter file \(was its saving cut off\?\)", "params.pkl")


@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_fortran_big_endian_and_bool_arrays_in_pickles_load(tmp_path, protocol):
    arrays = {"F": np.asfortranarray(np.arange(6.0).reshape(2, 3)), "big": np.arange(3, dtype=">i4"),
              "mask": np.array([True, False]), "view": np.arange(12.0).reshape(3, 4)[:, ::2], "empty": np.zeros((0, 2))}
    (tmp_path / "params.pkl").write_bytes(pickle_of(arrays, protocol))
    assert_same(load_params_file(tmp_path / "params.pkl"), arrays)


def test_protocol_5_out_of_band_buffers_are_refused(tmp_path):
    data = pickle.dumps({"W": np.ones(3)}, protocol=5, buffer_callback=lambda buffer: False)
    refused(tmp_path, data, "not a parameter file: the pickle uses NEXT_BUFFER", "params.pkl")


def test_an_open_file_instead_of_a_name_says_what_is_wanted(tmp_path):
    save_params_file(tmp_path / "p.npz", params())
    with open(tmp_path / "p.npz", "rb") as f:
        with pytest.raises(TypeError, match=r"load_params_file takes a file name \(str or pathlib.Path\), not a BufferedReader"):
            load_params_file(f)
    with open(tmp_path / "q.npz", "wb") as f:
        with pytest.raises(TypeError, match=r"save_params_file takes a file name \(str or pathlib.Path\), not a BufferedWriter"):
            save_params_file(f, params())
