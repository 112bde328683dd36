"""Re-execute the notebooks in place, each top to bottom in a fresh kernel.

    python notebooks/run_notebooks.py           # every notebook
    python notebooks/run_notebooks.py 04 07     # the notebooks whose names start so (or give their paths)

The run sets PYTHONHASHSEED=0 and OPENBLAS_NUM_THREADS=1, pins OpenBLAS and
NumPy to their AVX2 code paths where the CPU has them (so float results do not
depend on the CPU model), makes MNIST_DIR absolute (the kernels run in the
notebook's folder; `~` is expanded), and records no per-cell timing metadata. Prints the time each
notebook took.

A notebook is rewritten only when every cell ran, atomically (its permissions are
kept): a failing run leaves the file as it was, prints the notebook, the cell
(number and id) and the error, and the run goes on with the next notebook; the exit
status is then 1. A notebook that needs the full MNIST set (metadata
backprop.needs_full_mnist, or a cell tagged needs-full-mnist) is not run where the
set cannot be had, so its stored outputs never come from the 5,000-image subset.
Ctrl-C stops the kernel, removes its connection file, leaves the notebook as it was,
and exits 130 with one line; SIGTERM does the same and exits 143. Exit 2: a usage error or
a prefix that matches nothing.
"""
import argparse
import atexit
import json
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


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
        env["MNIST_DIR"] = os.path.abspath(os.path.expanduser(os.environ["MNIST_DIR"]))
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


class UsageError(Exception):
    """Arguments that name nothing: exit 2 with the message."""


class RunFailed(Exception):
    """A notebook that did not run through: the message names it, the cell and the error."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM: the kernel is stopped. The message says where the run was;
    `status` is the exit status (128 + the signal's number)."""

    def __init__(self, message, status=130):
        super().__init__(message)
        self.status = status


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as Ctrl-C is, so that it stops the kernel the same way."""


def _on_sigterm(signum, frame):
    raise _Terminated


def notebooks(prefixes=()):
    """The notebooks whose names start with one of prefixes (all when none is given). A
    prefix may be a path to a notebook (notebooks/05_x.ipynb, or any other .ipynb file).
    A prefix that matches nothing raises UsageError."""
    paths = sorted(HERE.glob("[0-9][0-9]*_*.ipynb"))
    chosen = set()
    for prefix in prefixes:
        if prefix.endswith(".ipynb") and Path(prefix).is_file():
            chosen.add(Path(prefix).resolve())
            continue
        found = [p for p in paths if p.name.startswith(Path(prefix).name)]
        if not found:
            raise UsageError(f"no notebook in {HERE} starts with {prefix!r}")
        chosen.update(found)
    return sorted(chosen) if prefixes else paths


def needs_full_mnist(nb):
    """Whether a notebook (nbformat node) needs the full MNIST set, by its metadata or a cell tag."""
    if nb.metadata.get("backprop", {}).get("needs_full_mnist", False):
        return True
    return any("needs-full-mnist" in cell.get("metadata", {}).get("tags", []) for cell in nb.cells)


def read_notebook(path):
    """The notebook at path as an nbformat node; RunFailed naming it if it cannot be read."""
    from common.params_file import read_regular_file

    try:
        content = read_regular_file(path, "notebook").decode("utf-8")
        parsed = json.loads(content)
    except json.JSONDecodeError as error:
        raise RunFailed(f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}; "
                        "repair it (git diff shows what changed) or restore it from git") from None
    except (OSError, ValueError) as error:  # unreadable, a pipe or folder, not UTF-8
        raise RunFailed(f"{path}: cannot be read as a notebook: {error}") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("cells"), list):
        raise RunFailed(f"{path}: cannot be read as a notebook: valid JSON, but not a notebook (no list of cells)")
    import nbformat  # only now: importing it takes seconds here (jsonschema)
    try:
        return nbformat.reads(content, as_version=4)
    except Exception as error:  # noqa: BLE001 (nbformat: ValidationError, KeyError, ... for a damaged notebook)
        raise RunFailed(f"{path}: cannot be read as a notebook: {type(error).__name__}: {str(error)[:300]}") from None


def execute(path, timeout=600):
    """Run one notebook in a fresh kernel and write it back atomically. Returns seconds.

    Raises RunFailed (the notebook is unchanged) naming the cell that failed and its error,
    or Interrupted after Ctrl-C, once the kernel is stopped and its connection file removed.
    """
    from nbclient import NotebookClient

    from common.params_file import write_atomically

    path = Path(path)
    if path.is_symlink():  # write_atomically would refuse to replace it after the whole run
        raise RunFailed(f"{path}: is a symbolic link (to {os.readlink(path)}): not run, as it could not be "
                        "written back; run the notebook it points to")
    nb = read_notebook(path)
    if needs_full_mnist(nb) and full_mnist_missing():
        raise RunFailed(f"{path.name}: not run: it {full_mnist_missing()} (its stored outputs come from the full set)")
    # store_widget_state: the widgets' last state goes into the notebook's metadata, so the
    # lab of notebook 07 shows itself (inactive) in JupyterLab and on the website before it runs.
    # --log-level=ERROR: the kernel's start-up warnings (TCP on loopback) are not this run's news.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=True, resources={"metadata": {"path": str(path.parent)}},
                            extra_arguments=["--log-level=ERROR"])
    run = _Run(client)
    start = time.perf_counter()
    worker = threading.Thread(target=run.execute, name=f"run {path.name}", daemon=True)
    worker.start()
    try:
        worker.join()
    except KeyboardInterrupt as interrupt:
        status = 128 + signal.SIGTERM if isinstance(interrupt, _Terminated) else 130
        run.stop()
        try:
            worker.join(timeout=30)  # nbclient sees the kernel die, shuts it down and cleans up
        except KeyboardInterrupt:
            pass
        if worker.is_alive():  # then nbclient's exit handler would find a half-stopped client
            atexit.unregister(client._cleanup_kernel)
        run.remove_connection_file()
        raise Interrupted(f"{path.name}: {'terminated' if status != 130 else 'interrupted'}{run.where()}; the "
                          "kernel is stopped and the notebook unchanged", status) from None
    seconds = time.perf_counter() - start
    run.remove_connection_file()
    if run.error is not None:
        raise RunFailed(run.describe_error(path))
    try:
        write_atomically(path, lambda f: f.write(_notebook_text(nb).encode("utf-8")))
    except OSError as error:
        raise RunFailed(f"{path.name}: ran, but could not be written back, so it is unchanged: {error}") from None
    return seconds


def _notebook_text(nb):
    """What nbformat.write writes: the JSON, ending in a newline."""
    import nbformat
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


class _Stopped(Exception):
    """Raised in the worker by nbclient's hooks once Ctrl-C was pressed."""


class _Run:
    """One NotebookClient.execute() in a worker thread (so Ctrl-C reaches the main thread
    and nbclient installs no signal handler of its own), with the cell it is at."""

    def __init__(self, client):
        self.client, self.cell, self.error = client, None, None
        self.stopping = threading.Event()
        self.connection_file = None
        client.on_cell_start = self._cell_starts
        client.on_notebook_start = self._kernel_ready

    def _kernel_ready(self, notebook=None, **kwargs):
        self.connection_file = getattr(self.client.km, "connection_file", None)
        if self.stopping.is_set():
            raise _Stopped

    def _cell_starts(self, cell=None, cell_index=None, **kwargs):
        if self.stopping.is_set():
            raise _Stopped
        self.cell = (cell_index, cell.get("id"), "".join(cell.get("source", "")))

    def execute(self):
        try:
            self.client.execute()
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            self.error = error

    def stop(self):
        """Kill the kernel's process group (it runs in a session of its own)."""
        self.stopping.set()
        provisioner = getattr(self.client.km, "provisioner", None)
        pid, group = getattr(provisioner, "pid", None), getattr(provisioner, "pgid", None)
        for kill, target in ((os.killpg, group), (os.kill, pid)):
            if target:
                try:
                    kill(target, signal.SIGKILL)
                except OSError:  # already gone
                    pass

    def remove_connection_file(self):
        km = self.client.km
        names = {self.connection_file, getattr(km, "connection_file", None) if km is not None else None}
        for name in names - {None, ""}:
            try:
                os.unlink(name)
            except OSError:
                pass

    def where(self):
        if self.cell is None:
            return " while the kernel was starting"
        index, cell_id, _ = self.cell
        return f" at cell {index} (id {cell_id})"

    def describe_error(self, path):
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        error, where = self.error, self.where()
        if isinstance(error, CellExecutionError):
            lines = ANSI.sub("", error.traceback or "").strip().splitlines()
            return (f"{path.name}: failed{where}: {error.ename}: {error.evalue}\n"
                    + "\n".join("    " + line for line in lines[-15:]))
        if isinstance(error, CellTimeoutError):
            return f"{path.name}: failed{where}: the cell did not finish within {self.client.timeout:g} s"
        if isinstance(error, DeadKernelError):
            return f"{path.name}: failed{where}: the kernel died ({error})"
        return f"{path.name}: failed{where}: {type(error).__name__}: {error}"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="run_notebooks.py", description="Re-execute notebooks in place, "
                                     "each in a fresh kernel (see the module docstring).")
    parser.add_argument("notebooks", nargs="*", help="notebook name prefixes or paths (default: all)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    os.environ.update(reproducible_env())
    try:
        paths = notebooks(args.notebooks)
    except UsageError as error:
        print(f"run_notebooks.py: {error}", file=sys.stderr)
        return 2
    total, failed = 0.0, []
    for path in paths:
        try:
            seconds = execute(path, timeout=args.timeout)
        except Interrupted as error:
            print(f"run_notebooks.py: {error}", file=sys.stderr)
            return error.status
        except KeyboardInterrupt as interrupt:  # before a kernel started: nothing to stop
            terminated = isinstance(interrupt, _Terminated)
            print(f"run_notebooks.py: {'terminated' if terminated else 'interrupted'} before {path.name} ran; "
                  "it is unchanged", file=sys.stderr)
            return 128 + signal.SIGTERM if terminated else 130
        except RunFailed as error:
            print(f"run_notebooks.py: {error}", file=sys.stderr)
            failed.append(path.name)
            continue
        total += seconds
        print(f"{path.name:<45}{seconds:7.1f} s", flush=True)
    print(f"{'all':<45}{total:7.1f} s" + (f", {len(failed)} failed (unchanged): {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
