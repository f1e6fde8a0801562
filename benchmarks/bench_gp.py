"""GPSampler: the cost of one suggestion, pyhpo side by side with Optuna (which needs PyTorch).

A study holds ``n`` complete trials of a ``d``-dimensional sphere (random points, the same in both libraries);
one round asks a trial, suggests all ``d`` parameters (one GP fit and one acquisition optimisation) and tells
it FAIL, so every round sees the same ``n`` complete trials.

    python -m pytest benchmarks/bench_gp.py --benchmark-only
    python benchmarks/bench_gp.py            # a table: median seconds per suggestion, ratio
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import importlib
import statistics
import time
import warnings
from typing import Any

import numpy as np
import pytest

CASES = [(2, 30), (2, 100), (10, 30), (10, 100)]  # (dimensions, complete trials)


def _load(name: str) -> Any:
    try:
        if name == "optuna":
            importlib.import_module("torch")
        module = importlib.import_module(name)
    except ImportError:
        return None
    module.logging.set_verbosity(module.logging.WARNING)
    return module


def make_study(lib: Any, dim: int, n: int) -> Any:
    """A study with ``n`` complete random trials of a ``dim``-d sphere and a seeded GPSampler."""
    rng = np.random.RandomState(0)
    distributions = {f"x{i}": lib.distributions.FloatDistribution(-5.0, 5.0) for i in range(dim)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = lib.create_study(sampler=lib.samplers.GPSampler(seed=0))
    for _ in range(n):
        params = {name: float(rng.uniform(-5.0, 5.0)) for name in distributions}
        value = float(sum(v * v for v in params.values()))
        study.add_trial(lib.trial.create_trial(params=params, distributions=distributions, value=value))
    return study


def suggest_once(lib: Any, study: Any, dim: int) -> None:
    """One GP suggestion of all parameters; the trial is told FAIL so the history stays the same."""
    trial = study.ask()
    for i in range(dim):
        trial.suggest_float(f"x{i}", -5.0, 5.0)
    study.tell(trial, state=lib.trial.TrialState.FAIL)


@pytest.mark.parametrize(("dim", "n"), CASES)
@pytest.mark.parametrize("name", ["pyhpo", "optuna"])
def test_gp_suggestion(benchmark: Any, name: str, dim: int, n: int) -> None:
    lib = _load(name)
    if lib is None:
        pytest.skip(f"{name} (and for optuna, torch) is not installed")
    study = make_study(lib, dim, n)
    benchmark.group = f"GPSampler suggestion d={dim} n={n}"
    benchmark.pedantic(suggest_once, args=(lib, study, dim), rounds=5, warmup_rounds=1)


def main() -> None:
    libs = {name: lib for name in ("pyhpo", "optuna") if (lib := _load(name)) is not None}
    print(f"{'d':>3} {'n':>4} " + " ".join(f"{name + ' s':>10}" for name in libs) + "   ratio")
    for dim, n in CASES:
        medians = {}
        for name, lib in libs.items():
            study = make_study(lib, dim, n)
            suggest_once(lib, study, dim)  # warm-up
            times = []
            for _ in range(5):
                start = time.perf_counter()
                suggest_once(lib, study, dim)
                times.append(time.perf_counter() - start)
            medians[name] = statistics.median(times)
        ratio = f"{medians['optuna'] / medians['pyhpo']:.1f}x" if "optuna" in medians else "-"
        print(f"{dim:>3} {n:>4} " + " ".join(f"{m:>10.3f}" for m in medians.values()) + f"   {ratio}")


if __name__ == "__main__":
    main()
