"""The wall time of the nbval run of the whole series (the notebook part of the
README's test command), run the way the test command runs it.

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_nbval.py [--repeats 1]

Target: under 3 minutes.
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadscope", "--nbval", "--nbval-current-env",
           "--nbval-sanitize-with", "tests/sanitize.cfg", "notebooks"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        result = subprocess.run(COMMAND, cwd=ROOT, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-500:]
        print(f"run: {times[-1]:.1f} s   ({summary})")
        if result.returncode != 0:
            sys.exit(result.returncode)
    print(f"nbval over the series, {' '.join(COMMAND[3:])}: median {statistics.median(times):.1f} s "
          f"(target under 180 s)")


if __name__ == "__main__":
    main()
