"""Re-execute the notebooks in place, each top to bottom in a fresh kernel.

    python notebooks/run_notebooks.py           # every notebook
    python notebooks/run_notebooks.py 04 07     # the notebooks whose names start so

The run sets PYTHONHASHSEED=0 and OPENBLAS_NUM_THREADS=1, pins OpenBLAS and
NumPy to their AVX2 code paths where the CPU has them (so float results do not
depend on the CPU model), makes MNIST_DIR absolute (the kernels run in
notebooks/), and records no per-cell timing metadata. A notebook
is rewritten only when every cell ran: a failing run leaves the file as it was.
Prints the time each notebook took.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def reproducible_env():
    """Environment variables for a run whose outputs repeat on any x86-64 machine here."""
    env = {"PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        flags = []
    if "avx2" in flags:
        env["OPENBLAS_CORETYPE"] = "Haswell"
    if "avx512f" in flags:
        env["NPY_DISABLE_CPU_FEATURES"] = "X86_V4 AVX512_ICL AVX512_SPR"
    if os.environ.get("MNIST_DIR"):  # kernels run in notebooks/: a relative path would point elsewhere
        env["MNIST_DIR"] = os.path.abspath(os.environ["MNIST_DIR"])
    return env


_mnist_reason = []


def full_mnist_missing():
    """None when the full MNIST set loads (MNIST_DIR, the cache, or a download), else why not,
    in one line with the fix."""
    if not _mnist_reason:
        from dataset.mnist import MnistUnavailableError, load_raw
        try:
            load_raw(allow_subset=False)
            _mnist_reason.append(None)
        except MnistUnavailableError as error:
            _mnist_reason.append(f"needs the full MNIST set: {error.fix}")
        except (OSError, ValueError) as error:  # a bad MNIST_DIR: the message names the path
            _mnist_reason.append(f"needs the full MNIST set: {error}")
    return _mnist_reason[0]


def notebooks(prefixes=()):
    paths = sorted(HERE.glob("[0-9][0-9]*_*.ipynb"))
    return [p for p in paths if not prefixes or p.name.startswith(tuple(prefixes))]


def execute(path, timeout=600):
    """Run one notebook in a fresh kernel and write it back atomically. Returns seconds."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # store_widget_state: the widgets' last state goes into the notebook's metadata, so the
    # lab of notebook 07 shows itself (inactive) in JupyterLab and on the website before it runs.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=True, resources={"metadata": {"path": str(HERE)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    fd, tmp = tempfile.mkstemp(dir=HERE, suffix=".ipynb.part")
    try:
        os.chmod(tmp, os.stat(path).st_mode & 0o777)  # keep the notebook's mode, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return seconds


def main(argv):
    os.environ.update(reproducible_env())
    paths = notebooks(argv)
    if not paths:
        print(f"no notebook in {HERE} starts with {' or '.join(argv)}", file=sys.stderr)
        return 2
    total = 0.0
    for path in paths:
        seconds = execute(path)
        total += seconds
        print(f"{path.name:<45}{seconds:7.1f} s")
    print(f"{'all':<45}{total:7.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
