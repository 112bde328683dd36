"""What the benchmarks share: optional PyTorch, and timing candidates alternately."""
import os
import statistics
import time

import numpy as np


def optional_torch():
    """(torch, a note for the table) with the same thread count as NumPy's BLAS, or (None, why not)."""
    try:
        import torch
    except ImportError:
        return None, "PyTorch is not installed (pip install torch): timing ours only"
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count()))
    threads = torch.get_num_threads()
    return torch, f"PyTorch {torch.__version__}, {threads} thread{'s' if threads != 1 else ''}"


def alternate(candidates, repeats, passes):
    """Median milliseconds per call of each candidate (name -> function). Each repeat
    calls every candidate once to warm up, then `passes` times, candidates taking turns."""
    times = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, step in candidates.items():
            step()
            start = time.perf_counter()
            for _ in range(passes):
                step()
            times[name].append((time.perf_counter() - start) / passes * 1000)
    return {name: statistics.median(t) for name, t in times.items()}


def print_table(title, median_ms, unit="ms", reference="PyTorch (float32)"):
    base = median_ms.get(reference)
    print(title)
    print(f"{'candidate':<30}{unit:>12}{'vs PyTorch':>12}")
    for name, ms in median_ms.items():
        print(f"{name:<30}{ms:12.2f}{(f'{ms / base:.2f}' if base else '-'):>12}")


def torch_iteration(torch, model, optimizer, x_train, t_train, batch_size):
    """One PyTorch training step on a random mini-batch (cross-entropy), as a function."""
    loss_fn = torch.nn.CrossEntropyLoss()
    x, t = torch.from_numpy(x_train), torch.from_numpy(t_train.astype("int64"))

    def iteration():
        batch = torch.randint(0, len(x), (batch_size,))
        loss = loss_fn(model(x[batch]), t[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()
    return iteration


def our_iteration(net, optimizer, x_train, t_train, batch_size):
    """One training step of a common network on a random mini-batch (common.training.step, as Trainer
    and the lab take it), as a function returning the loss."""
    from common.training import step

    rng = np.random.default_rng(0)

    def iteration():
        batch = rng.integers(0, len(x_train), batch_size)
        return step(net, optimizer, x_train[batch], t_train[batch])
    return iteration
