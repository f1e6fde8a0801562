"""TPE optimisation quality: pyhpo's TPESampler against Optuna's (and rustuna's, when installed).

Each package runs its TPESampler with default settings on the same problems and seeds through the same
Optuna-style objective code; the table shows the median (and interquartile range) of the best value
after ``N_TRIALS`` trials over ``N_SEEDS`` seeds, and a two-sided Mann-Whitney test of pyhpo against
Optuna (a large p-value means the difference is within noise). pyhpo's TPE consumes random numbers as
Optuna 5's does, so with the same seed the two follow the same trials (to float rounding) and the
medians coincide; the comparison with rustuna is an independent one.

Problems (all minimised, known optimum in brackets):

* Branin, 2-D [0.397887]
* Hartmann-6, 6-D on the unit cube [-3.32237]
* Rosenbrock, 10-D on [-5, 10]^10 [0]
* Sphere, 5-D on [-5, 5]^5 [0]

Run ``python benchmarks/bench_tpe_quality.py [n_seeds] [n_trials]`` for the table, or
``pytest benchmarks/bench_tpe_quality.py --benchmark-only`` under pytest-benchmark.
"""

from __future__ import annotations

import importlib
import math
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

N_SEEDS = 10
N_TRIALS = 100
PACKAGES = ("pyhpo", "optuna", "rustuna")

_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)


def branin(trial: Any) -> float:
    x1 = trial.suggest_float("x1", -5.0, 10.0)
    x2 = trial.suggest_float("x2", 0.0, 15.0)
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(trial: Any) -> float:
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(6)])
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


def rosenbrock10(trial: Any) -> float:
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 10.0) for i in range(10)])
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def sphere5(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(5))


PROBLEMS: dict[str, Callable[[Any], float]] = {
    "branin": branin,
    "hartmann6": hartmann6,
    "rosenbrock10": rosenbrock10,
    "sphere5": sphere5,
}


def _load(name: str) -> ModuleType | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    logging_module = getattr(module, "logging", None)
    if logging_module is not None and hasattr(logging_module, "set_verbosity"):
        logging_module.set_verbosity(logging_module.WARNING)
    return module


def best_values(
    pkg: ModuleType, problem: str, n_seeds: int = N_SEEDS, n_trials: int = N_TRIALS
) -> list[float]:
    """Best value after ``n_trials`` TPE trials, for seeds ``0 .. n_seeds - 1``."""
    out = []
    for seed in range(n_seeds):
        study = pkg.create_study(sampler=pkg.samplers.TPESampler(seed=seed))
        study.optimize(PROBLEMS[problem], n_trials=n_trials)
        best = study.best_trial
        out.append(float(best.values[0] if getattr(best, "value", None) is None else best.value))
    return out


def mann_whitney_p(a: list[float], b: list[float]) -> float:
    """Two-sided p-value of the Mann-Whitney U test (normal approximation with tie correction)."""
    x = np.concatenate([a, b])
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    for value in np.unique(x):  # average ranks of ties
        tied = x == value
        ranks[tied] = ranks[tied].mean()
    n1, n2 = len(a), len(b)
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    _, counts = np.unique(x, return_counts=True)
    n = n1 + n2
    var = n1 * n2 / 12 * ((n + 1) - np.sum(counts**3 - counts) / (n * (n - 1)))
    if var <= 0:
        return 1.0
    z = (abs(u - n1 * n2 / 2) - 0.5) / math.sqrt(var)
    return math.erfc(max(z, 0.0) / math.sqrt(2))


# -- pytest-benchmark ------------------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # pragma: no cover - the script mode does not need pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.mark.parametrize("package", PACKAGES)
    @pytest.mark.parametrize("problem", sorted(PROBLEMS))
    def test_tpe_quality(benchmark: Any, package: str, problem: str) -> None:
        pkg = _load(package)
        if pkg is None:
            pytest.skip(f"{package} is not installed")
        values = benchmark.pedantic(best_values, args=(pkg, problem), rounds=1, iterations=1)
        benchmark.extra_info["median_best"] = float(np.median(values))
        benchmark.extra_info["best_values"] = values


# -- script ----------------------------------------------------------------------------------------------


def main(n_seeds: int = N_SEEDS, n_trials: int = N_TRIALS) -> None:
    packages = [p for p in PACKAGES if _load(p) is not None]
    print(f"median best value after {n_trials} trials over {n_seeds} seeds [25%, 75%]; lower is better")
    header = f"{'problem':<14}" + "".join(f"{p:>30}" for p in packages) + f"{'p (pyhpo vs optuna)':>22}"
    print(header)
    print("-" * len(header))
    for problem in PROBLEMS:
        results = {p: best_values(_load(p), problem, n_seeds, n_trials) for p in packages}  # type: ignore[arg-type]
        row = f"{problem:<14}"
        for p in packages:
            q1, med, q3 = np.percentile(results[p], [25, 50, 75])
            row += f"{med:>12.4g} [{q1:.3g}, {q3:.3g}]".rjust(30)
        if "optuna" in results:
            row += f"{mann_whitney_p(results['pyhpo'], results['optuna']):>22.2f}"
        print(row, flush=True)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
