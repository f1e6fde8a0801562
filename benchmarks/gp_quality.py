"""GPSampler quality and speed, pyhpo against Optuna, on Branin, Hartmann-6 and a 10-d Rosenbrock.

For each function and seed, both libraries run a study of ``--trials`` trials with ``GPSampler(seed=seed)``;
the table gives, per function and library, the median and the min-max over seeds of the best value found, and
the median over seeds of the seconds per trial. Optuna's GPSampler needs PyTorch (``pip install torch``, for
this comparison only); without it only pyhpo runs.

    python benchmarks/gp_quality.py                       # 10 seeds x 50 trials, all three functions
    python benchmarks/gp_quality.py --seeds 3 --trials 30 --functions branin

Thread pools are limited to one thread (set before numpy and torch load), as Optuna recommends for its
GPSampler; both libraries run under the same limit.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import importlib
import math
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

_HARTMANN_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_HARTMANN_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def branin(trial: Any) -> float:
    """Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887."""
    x = trial.suggest_float("x", -5.0, 10.0)
    y = trial.suggest_float("y", 0.0, 15.0)
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


def hartmann6(trial: Any) -> float:
    """Hartmann 6-d on [0, 1]^6; minimum -3.32237."""
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(6)])
    inner = np.sum(_HARTMANN_A * (x - _HARTMANN_P) ** 2, axis=1)
    return float(-np.sum(_HARTMANN_ALPHA * np.exp(-inner)))


def rosenbrock10(trial: Any) -> float:
    """Rosenbrock 10-d on [-5, 10]^10; minimum 0."""
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 10.0) for i in range(10)])
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


FUNCTIONS: dict[str, Callable[[Any], float]] = {
    "branin": branin,
    "hartmann6": hartmann6,
    "rosenbrock10": rosenbrock10,
}


def run(library: str, objective: Callable[[Any], float], seed: int, n_trials: int) -> tuple[float, float]:
    """Best value and seconds per trial of one study."""
    lib = importlib.import_module(library)
    lib.logging.set_verbosity(lib.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = lib.create_study(sampler=lib.samplers.GPSampler(seed=seed))
        start = time.perf_counter()
        study.optimize(objective, n_trials=n_trials)
        elapsed = time.perf_counter() - start
    return float(study.best_value), elapsed / n_trials


def _libraries() -> list[str]:
    libraries = ["pyhpo"]
    try:
        importlib.import_module("torch")
        importlib.import_module("optuna")
        libraries.append("optuna")
    except ImportError:
        print("optuna or torch is not installed: only pyhpo runs")
    return libraries


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--functions", nargs="+", choices=sorted(FUNCTIONS), default=list(FUNCTIONS))
    args = parser.parse_args()
    libraries = _libraries()
    header = f"{'function':<13} {'library':<7} {'median best':>12} {'min':>11} {'max':>11} {'s/trial':>8}"
    rows = [header, "-" * len(header)]
    for name in args.functions:
        for library in libraries:
            results = [run(library, FUNCTIONS[name], seed, args.trials) for seed in range(args.seeds)]
            best = [r[0] for r in results]
            speed = statistics.median(r[1] for r in results)
            row = (
                f"{name:<13} {library:<7} {statistics.median(best):>12.5g} {min(best):>11.5g} "
                f"{max(best):>11.5g} {speed:>8.3f}"
            )
            print(row, flush=True)
            rows.append(row)
    print(f"\n{args.seeds} seeds x {args.trials} trials, GPSampler(seed=seed), defaults otherwise")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
