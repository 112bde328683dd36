"""BLAS threads on a busy machine: default threads against one thread, before and
with common.threads (one BLAS thread from `import common` on).

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_busy_threads.py [--repeats 3] [--no-burner]

A second process burns one core for the whole benchmark (a bounded busy loop that
also stops when this script exits; it is killed at the end). Each measurement runs
in a fresh Python process, as a learner's fresh kernel would, so the limit set at
import is what is measured. Candidates, run alternately; medians are printed:

- default threads, before: no thread variable, and the BLAS thread count that NumPy
  started with is put back right after `import common` (the project before the change)
- default threads, with: no thread variable, `import common` as it is
- one thread, before / with: OPENBLAS_NUM_THREADS=1 (an explicit choice, which
  common.threads leaves alone, so both should match)
- for notebook 07 only, the alternative not taken: with the change, but each
  accuracy() on the default threads (the 10,000-row products there gain most from threads)

Workloads: the book's loop (1,000 iterations of TwoLayerNet 784-50-10 in float32,
batch 100, SGD 0.1, no evaluation); notebook 07's training cell (10,000 iterations,
accuracy on all 60,000 + 10,000 images every 600); the training lab's run on the full
set (one epoch, 600 iterations, evaluations on its 2,000-image samples).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ITERS_BOOK, ITERS_NB07, BATCH, LR = 1000, 10_000, 100, 0.1
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS",
                    "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
BURNER = """
import os, sys, time
end, parent = time.monotonic() + float(sys.argv[1]), os.getppid()
while time.monotonic() < end and os.getppid() == parent:
    for _ in range(200_000):
        pass
"""
CANDIDATES = {  # name -> (environment variables, mode)
    "default threads, before": ({}, "before"),
    "default threads, with": ({}, "with"),
    "one thread, before": ({"OPENBLAS_NUM_THREADS": "1"}, "before"),
    "one thread, with": ({"OPENBLAS_NUM_THREADS": "1"}, "with"),
    "with, accuracy on default threads": ({}, "eval-threads"),
}
WORKLOADS = {"book": "the book's loop, 1,000 iterations",
             "nb07": "notebook 07's training, 10,000 iterations + 17 evaluations",
             "lab": "the training lab, one epoch of the full set (600 iterations)"}


# ---- worker: one measurement in a fresh process ----

def blas_threads():
    from threadpoolctl import threadpool_info
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def book_loop(data):
    import numpy as np

    from common.two_layer_net import TwoLayerNet
    (x_train, t_train), _ = data
    net = TwoLayerNet(784, 50, 10, dtype=np.float32, rng=np.random.default_rng(0))
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(ITERS_BOOK):
        batch = rng.integers(0, len(x_train), BATCH)
        grads = net.gradient(x_train[batch], t_train[batch])
        for key in net.params:
            net.params[key] -= LR * grads[key]
    return time.perf_counter() - start, float(net.lastLayer.loss)


def notebook_07(data, accuracy_scope):
    """Notebook 07's training cell, without its prints."""
    import numpy as np

    from common.two_layer_net import TwoLayerNet
    (x_train, t_train), (x_test, t_test) = data

    def train(net, x, t, iters, batch_size, lr, rng, on_epoch=None):
        losses = []
        iter_per_epoch = max(len(x) // batch_size, 1)
        for i in range(iters):
            batch = rng.integers(0, len(x), batch_size)
            grads = net.gradient(x[batch], t[batch])
            for key in net.params:
                net.params[key] -= lr * grads[key]
            losses.append(float(net.lastLayer.loss))
            if on_epoch is not None and i % iter_per_epoch == 0:
                on_epoch(i)
        return losses

    start = time.perf_counter()
    net = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, dtype=np.float32,
                      rng=np.random.default_rng(0))
    train_acc, test_acc = [], []

    def evaluate(i):
        with accuracy_scope():
            train_acc.append(net.accuracy(x_train, t_train))
            test_acc.append(net.accuracy(x_test, t_test))

    train(net, x_train, t_train, iters=ITERS_NB07, batch_size=BATCH, lr=LR,
          rng=np.random.default_rng(0), on_epoch=evaluate)
    with accuracy_scope():
        accuracy = net.accuracy(x_test, t_test)
    return time.perf_counter() - start, accuracy


def lab_run(data):
    from common.lab import TrainingLab
    (x_train, t_train), (x_test, t_test) = data
    lab = TrainingLab(x_train, t_train, x_test, t_test)
    lab.set(subset=60000, epochs=1.0)
    lab.train()
    run = lab.wait()
    if run.status != "finished":
        raise RuntimeError(run.summary())
    return run.seconds, run.test_accuracy


def worker(workload, mode):
    import contextlib

    import numpy  # noqa: F401 (loads BLAS before common does anything)
    from threadpoolctl import ThreadpoolController
    started_with = blas_threads()
    import common  # noqa: F401 (sets the limit, unless a thread variable is set)
    blas = ThreadpoolController().select(user_api="blas")
    if mode == "before":
        blas.limit(limits=started_with)  # undo the change: as the project was before it
    from dataset.mnist import load_mnist
    data = load_mnist(normalize=True, one_hot_label=(workload == "nb07"))
    threads = str(blas_threads()) + (f" (acc. {started_with})" if mode == "eval-threads" else "")
    if workload == "book":
        seconds, result = book_loop(data)
    elif workload == "nb07":
        scope = (lambda: blas.limit(limits=started_with)) if mode == "eval-threads" else contextlib.nullcontext
        seconds, result = notebook_07(data, scope)
    else:
        seconds, result = lab_run(data)
    print(json.dumps({"seconds": seconds, "threads": threads, "result": result}))


# ---- driver ----

def measure(workload, candidate, timeout):
    env_vars, mode = CANDIDATES[candidate]
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env.update(env_vars)
    done = subprocess.run([sys.executable, __file__, "--worker", workload, mode], env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{workload} / {candidate} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def candidates_for(workload):
    return [name for name in CANDIDATES if workload == "nb07" or not name.startswith("with, accuracy")]


def report(workload, results):
    median = {name: statistics.median(r["seconds"] for r in runs) for name, runs in results.items()}
    print(f"\n{WORKLOADS[workload]} (median of {len(next(iter(results.values())))}):")
    print(f"{'candidate':<36}{'BLAS threads':>13}{'median s':>10}   all runs (s)")
    for name, runs in results.items():
        threads = "/".join(sorted({r["threads"] for r in runs}))
        each = " ".join(f"{r['seconds']:.2f}" for r in runs)
        print(f"{name:<36}{threads:>13}{median[name]:10.2f}   {each}")
    d_before, d_with = median["default threads, before"], median["default threads, with"]
    o_before, o_with = median["one thread, before"], median["one thread, with"]
    print(f"default / one thread, before the change: {d_before / o_before:5.2f}")
    print(f"default / one thread, with the change:   {d_with / o_with:5.2f}")
    print(f"default threads, before / with (speed-up of the change): {d_before / d_with:5.2f}")
    alternative = median.get("with, accuracy on default threads")
    if alternative:
        print(f"accuracy on default threads / all on one thread (with): {alternative / d_with:5.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workloads", default="book,nb07,lab", help="comma-separated: book, nb07, lab")
    parser.add_argument("--no-burner", action="store_true", help="measure without the process burning a core")
    parser.add_argument("--burn-seconds", type=float, default=3600, help="the burner stops by itself after this")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    if not os.environ.get("MNIST_DIR"):
        sys.exit("Set MNIST_DIR to a folder with the four original MNIST .gz files.")
    workloads = [w.strip() for w in args.workloads.split(",")]
    unknown = set(workloads) - set(WORKLOADS)
    if unknown:
        sys.exit(f"unknown workload {', '.join(sorted(unknown))}: use {', '.join(WORKLOADS)}")
    burner = None
    if not args.no_burner:
        burner = subprocess.Popen([sys.executable, "-c", BURNER, str(args.burn_seconds)])
        time.sleep(0.5)
    try:
        load = os.getloadavg()[0]
        print(f"{os.cpu_count()} cores; {'one other process burning a core' if burner else 'no burner'}; "
              f"load average {load:.2f} at the start")
        results = {w: {name: [] for name in candidates_for(w)} for w in workloads}
        for _ in range(args.repeats):
            for w in workloads:
                for name in candidates_for(w):
                    results[w][name].append(measure(w, name, timeout=900))
        if burner is not None and burner.poll() is not None:
            print("warning: the burner stopped before the end (raise --burn-seconds)")
        for w in workloads:
            report(w, results[w])
        print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    finally:
        if burner is not None:
            burner.kill()
            burner.wait()


if __name__ == "__main__":
    main()
