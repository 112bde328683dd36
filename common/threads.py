"""One BLAS thread for the whole process, from `import common` on.

Why. NumPy's OpenBLAS starts one thread per core. The products of this series
are small (a batch of 100 rows by 784 by 50) and come between many other NumPy
operations, so the second thread gains little, and its spin-waiting collapses
when another program keeps a core busy. Measured on a 2-core machine with one
other process burning a core (benchmarks/bench_busy_threads.py, README
"Performance"): the book's loop of 1,000 iterations took 0.35-0.40 s on one
thread and 1 to 6 s on the default two, and notebook 07's training several
times longer. Even the largest products, the evaluation of 10,000 rows at a
time, lost more on a busy machine than two threads gained on a quiet one.

How. `common/__init__.py` calls `limit_blas_threads()` once, so any
`import common...` limits the BLAS libraries loaded by then (NumPy's) to one
thread for the whole process: the notebooks, `Trainer`, the training lab and
its background thread, and the reader's own NumPy code. Once, because a limit
around each call costs too much: threadpoolctl's `threadpool_limits` re-scans
the loaded libraries on each use (0.4 ms entering and leaving, more than an
iteration), and even a `ThreadpoolController` made once costs 13 us per
`limit()` (10 percent of the book's loop when entered every iteration).

An explicit choice wins: if any of THREAD_VARIABLES is set (for example
OPENBLAS_NUM_THREADS=2), nothing is changed. To use more threads for a while:

    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=2, user_api="blas"):
        ...
"""
import os

import numpy as np  # noqa: F401 (loads NumPy's BLAS, so that it can be limited)
from threadpoolctl import ThreadpoolController

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS",
                    "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def chosen_by_user(environ=None):
    """The thread-count environment variables that are set (non-empty), in THREAD_VARIABLES order."""
    environ = os.environ if environ is None else environ
    return [name for name in THREAD_VARIABLES if environ.get(name, "").strip()]


def limit_blas_threads(threads=1):
    """Limit every loaded BLAS library to `threads` threads, process-wide, unless the
    user chose a number through THREAD_VARIABLES. Returns True if it set the limit."""
    if chosen_by_user():
        return False
    controller = ThreadpoolController().select(user_api="blas")
    controller.limit(limits=threads)
    # threadpoolctl >= 3.8 lets only the thread that changed OpenBLAS change it again until
    # that thread lets go; let go, so that any thread can use threadpool_limits later.
    for library in controller.lib_controllers:
        let_go = getattr(type(library), "clear_controlling_thread", None)
        if let_go is not None:
            let_go()
    return True
