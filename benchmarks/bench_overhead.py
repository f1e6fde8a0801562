"""Per-trial overhead of the ask -> suggest -> tell loop on in-memory storage, pyhpo vs Optuna.

Two workloads, the ones issue 15 sets targets for (CPU time, so that other processes on a busy machine
count as little as possible; the median of ``--repeat`` runs, each library in the same run):

* ``random``: RandomSampler, 2,000 trials of a trivial objective with two float parameters: what a trial
  costs besides the sampler (study, trial, storage, logging).
* ``tpe``: TPESampler (defaults, seeded), 300 trials of a 5-D sphere.

Run ``python benchmarks/bench_overhead.py [--repeat 7]`` for a table (medians, then each library's min-max), or
``pytest benchmarks/bench_overhead.py --benchmark-only`` under pytest-benchmark (pyhpo only).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

RANDOM_TRIALS = 2000
TPE_TRIALS = 300


def _load(name: str) -> ModuleType | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    module.logging.set_verbosity(module.logging.WARNING)
    return module


def _two_floats(trial: Any) -> float:
    x = trial.suggest_float("x", -10.0, 10.0)
    return x * x + trial.suggest_float("y", -10.0, 10.0)


def _sphere5(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(5))


def cpu_seconds(lib: ModuleType, workload: str, seed: int = 0) -> float:
    """CPU seconds of one run of ``workload`` (``random`` or ``tpe``) with ``lib``."""
    if workload == "random":
        study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=seed))
        objective, n_trials = _two_floats, RANDOM_TRIALS
    else:
        study = lib.create_study(sampler=lib.samplers.TPESampler(seed=seed))
        objective, n_trials = _sphere5, TPE_TRIALS
    start = time.process_time()
    study.optimize(objective, n_trials=n_trials)
    return time.process_time() - start


def test_random_2000_trials(benchmark: Any) -> None:
    pyhpo = _load("pyhpo")
    assert pyhpo is not None
    benchmark.pedantic(cpu_seconds, args=(pyhpo, "random"), rounds=5)


def test_tpe_300_trials(benchmark: Any) -> None:
    pyhpo = _load("pyhpo")
    assert pyhpo is not None
    benchmark.pedantic(cpu_seconds, args=(pyhpo, "tpe"), rounds=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workloads", nargs="+", default=["random", "tpe"], choices=["random", "tpe"])
    parser.add_argument("--libs", nargs="+", default=["pyhpo", "optuna"])
    args = parser.parse_args()
    libs = {name: lib for name in args.libs if (lib := _load(name)) is not None}
    print(f"{'workload':10}" + "".join(f"{name + ' s':>12}" for name in libs) + f"{'ratio':>8}")
    for workload in args.workloads:
        # Interleaved, so that a change in the machine's load hits every library alike.
        runs: dict[str, list[float]] = {name: [] for name in libs}
        for seed in range(args.repeat):
            for name, lib in libs.items():
                runs[name].append(cpu_seconds(lib, workload, seed))
        figures = [statistics.median(r) for r in runs.values()]
        ratio = f"{figures[-1] / figures[0]:>8.1f}" if len(figures) > 1 else ""
        # The spread too: on a shared machine one median alone says little.
        spread = "  ".join(f"{name} {min(r):.4f}-{max(r):.4f}" for name, r in runs.items())
        print(
            f"{workload:10}" + "".join(f"{f:>12.4f}" for f in figures) + ratio + f"   ({spread})", flush=True
        )


if __name__ == "__main__":
    main()
