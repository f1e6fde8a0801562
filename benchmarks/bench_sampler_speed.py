"""Sampler speed: TPE cost per trial and the overhead of a trivial RandomSampler study.

Two workloads, run for pyhpo and, when installed, Optuna and rustuna (same code through each package's
Optuna-compatible API):

* ``tpe``: TPESampler (defaults, seeded), 300 trials of a 5-D sphere with 5 float parameters; trials/s
  over the whole run, so the cost grows with the history as it does in practice.
* ``random``: RandomSampler, 2,000 trials of a 2-parameter trivial objective on in-memory storage;
  trials/s, which is mostly the study/trial/storage path rather than the sampler.

Run ``python benchmarks/bench_sampler_speed.py`` for a table, or
``pytest benchmarks/bench_sampler_speed.py --benchmark-only`` under pytest-benchmark.
"""

from __future__ import annotations

import importlib
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

TPE_TRIALS = 300
RANDOM_TRIALS = 2000
PACKAGES = ("pyhpo", "optuna", "rustuna")


def _load(name: str) -> ModuleType | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    logging_module = getattr(module, "logging", None)
    if logging_module is not None and hasattr(logging_module, "set_verbosity"):
        logging_module.set_verbosity(logging_module.WARNING)
    return module


def _sphere5(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(5))


def _trivial(trial: Any) -> float:
    return trial.suggest_float("x", -1.0, 1.0) + trial.suggest_int("y", 0, 10)


def _timed(study: Any, objective: Callable[[Any], float], n_trials: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    study.optimize(objective, n_trials=n_trials)
    return time.perf_counter() - wall, time.process_time() - cpu


def run_tpe(pkg: ModuleType, n_trials: int = TPE_TRIALS, seed: int = 0) -> tuple[float, float]:
    """(wall, CPU) seconds for ``n_trials`` TPE trials of the 5-D sphere."""
    return _timed(pkg.create_study(sampler=pkg.samplers.TPESampler(seed=seed)), _sphere5, n_trials)


def run_random(pkg: ModuleType, n_trials: int = RANDOM_TRIALS, seed: int = 0) -> tuple[float, float]:
    """(wall, CPU) seconds for ``n_trials`` random-sampler trials of a trivial objective, in memory."""
    return _timed(pkg.create_study(sampler=pkg.samplers.RandomSampler(seed=seed)), _trivial, n_trials)


WORKLOADS: dict[str, tuple[Callable[[ModuleType], tuple[float, float]], int]] = {
    "tpe": (run_tpe, TPE_TRIALS),
    "random": (run_random, RANDOM_TRIALS),
}


# -- pytest-benchmark ------------------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # pragma: no cover - the script mode does not need pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.mark.parametrize("package", PACKAGES)
    @pytest.mark.parametrize("workload", sorted(WORKLOADS))
    def test_sampler_speed(benchmark: Any, package: str, workload: str) -> None:
        pkg = _load(package)
        if pkg is None:
            pytest.skip(f"{package} is not installed")
        func, n_trials = WORKLOADS[workload]
        wall, cpu = benchmark.pedantic(func, args=(pkg,), rounds=1, iterations=1)
        benchmark.extra_info["trials_per_second_wall"] = n_trials / wall if wall else None
        benchmark.extra_info["trials_per_second_cpu"] = n_trials / cpu if cpu else None


# -- script ----------------------------------------------------------------------------------------------


def main(repeats: int = 3) -> None:
    # Packages alternate within each repeat so that a busy machine slows them alike; the best run counts.
    wall: dict[tuple[str, str], float] = {}
    cpu: dict[tuple[str, str], float] = {}
    modules = {p: m for p in PACKAGES if (m := _load(p)) is not None}
    for workload, (func, n_trials) in WORKLOADS.items():
        for _ in range(repeats):
            for package, pkg in modules.items():
                w, c = func(pkg)
                key = (workload, package)
                wall[key] = max(wall.get(key, 0.0), n_trials / w)
                cpu[key] = max(cpu.get(key, 0.0), n_trials / c)
    labels = {
        "tpe": f"TPE, {TPE_TRIALS} trials, 5 floats",
        "random": f"Random, {RANDOM_TRIALS} trials, 2 params",
    }
    for title, results in (("trials/s by CPU time", cpu), ("trials/s by wall-clock time", wall)):
        header = f"{title:<34}" + "".join(f"{p:>12}" for p in PACKAGES) + f"{'pyhpo/optuna':>14}"
        print(header)
        print("-" * len(header))
        for workload in WORKLOADS:
            row = f"{labels[workload]:<34}"
            for package in PACKAGES:
                value = results.get((workload, package))
                row += f"{value:>12.0f}" if value is not None else f"{'n/a':>12}"
            ours, theirs = results.get((workload, "pyhpo")), results.get((workload, "optuna"))
            row += f"{ours / theirs:>13.1f}x" if ours and theirs else f"{'':>14}"
            print(row)
        print()
    print(f"(best of {repeats} runs, over the whole run)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
