"""common.threads: `import common` limits BLAS to one thread for the whole process,
unless the user chose a number; a later threadpool_limits still works and is undone.

Each check runs in a fresh Python process: the limit is set once, at import.
"""
import json
import os
import subprocess
import sys

import pytest

from common.threads import THREAD_VARIABLES, chosen_by_user

CORES = os.cpu_count() or 1


def run_fresh(code, **env_vars):
    """Run `code` in a new interpreter without any thread variable (plus env_vars); return its JSON."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env.update(env_vars)
    prelude = ("import json, numpy\n"
               "from threadpoolctl import threadpool_info\n"
               "def blas():\n"
               "    return sorted({i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas'})\n")
    done = subprocess.run([sys.executable, "-c", prelude + code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_chosen_by_user_ignores_unset_and_empty_variables():
    assert chosen_by_user({}) == []
    assert chosen_by_user({"OPENBLAS_NUM_THREADS": "", "OMP_NUM_THREADS": " "}) == []
    assert chosen_by_user({"OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "2", "PATH": "/bin"}) == \
        ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"]


def test_import_common_limits_blas_to_one_thread_and_prints_nothing():
    result = run_fresh("before = blas()\nimport common\nprint(json.dumps([before, blas()]))")
    before, after = result
    assert before, "NumPy's BLAS should be visible to threadpoolctl"
    if CORES > 1:
        assert max(before) > 1, "without a thread variable BLAS should start with several threads"
    assert after == [1]
    done = subprocess.run([sys.executable, "-c", "import common.layers"], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES})
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_importing_any_submodule_applies_the_limit():
    assert run_fresh("from common.two_layer_net import TwoLayerNet\nprint(json.dumps(blas()))") == [1]


@pytest.mark.skipif(CORES < 2, reason="needs at least 2 cores to tell 2 threads from 1")
@pytest.mark.parametrize("variable", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"])
def test_an_explicit_thread_count_is_left_alone(variable):
    code = "import common.threads as t\nprint(json.dumps([blas(), t.limit_blas_threads()]))"
    after, changed = run_fresh(code, **{variable: "2"})
    assert after == [2] and changed is False


@pytest.mark.skipif(CORES < 2, reason="needs at least 2 cores to tell 2 threads from 1")
def test_threadpool_limits_later_works_from_any_thread_and_is_undone():
    code = """
import threading
import common
from threadpoolctl import threadpool_limits
seen = {}
def worker():
    with threadpool_limits(limits=2, user_api="blas"):
        seen["inside, other thread"] = blas()
    seen["after, other thread"] = blas()
thread = threading.Thread(target=worker)
thread.start()
thread.join()
with threadpool_limits(limits=2, user_api="blas"):
    seen["inside, main thread"] = blas()
seen["after, main thread"] = blas()
print(json.dumps(seen))
"""
    assert run_fresh(code) == {"inside, other thread": [2], "after, other thread": [1],
                               "inside, main thread": [2], "after, main thread": [1]}


def test_the_limit_holds_inside_trainer_and_the_labs_training_thread():
    code = """
import threading
import numpy as np
from common.lab import TrainingLab
from common.trainer import Trainer
from common.two_layer_net import TwoLayerNet
rng = np.random.default_rng(0)
x, t = rng.random((300, 784), dtype=np.float32), rng.integers(0, 10, 300)
seen = {}

class Recording(TwoLayerNet):
    def gradient(self, x, t):
        seen["Trainer"] = blas()
        return super().gradient(x, t)

Trainer(Recording(784, 10, 10, dtype=np.float32), x, t, x, t, epochs=1, verbose=False).train()
lab = TrainingLab(x, t, x, t, eval_size=100)
def listener(lab, run):
    if run is not None and threading.current_thread() is not threading.main_thread():
        seen["lab thread"] = blas()
lab.listeners.append(listener)
lab.set(subset=300, epochs=1)
lab.train()
run = lab.wait()
seen["lab run"] = run.status
print(json.dumps(seen))
"""
    assert run_fresh(code) == {"Trainer": [1], "lab thread": [1], "lab run": "finished"}
