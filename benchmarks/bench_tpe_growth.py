"""TPE cost per trial as the study grows: pyhpo vs Optuna at 100, 1,000, 2,000 and 5,000 finished trials.

Each size starts from the same history in both libraries (``add_trials`` of seeded random trials, so no
time goes into building it), then a seeded TPESampler proposes ``--trials`` more trials; the figure is CPU
milliseconds per proposed trial (median of ``--repeat`` runs). Two spaces: five floats, and a mixed one
(three floats, one int, two categoricals).

Run ``python benchmarks/bench_tpe_growth.py [--sizes 100 1000 2000 5000] [--trials 10] [--repeat 3]`` for a
table, or ``pytest benchmarks/bench_tpe_growth.py --benchmark-only`` under pytest-benchmark (pyhpo only).
Each size starts with one unmeasured trial (see :func:`ms_per_trial`).
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

SIZES = (100, 1000, 2000, 5000)
SPACES = ("floats", "mixed")
CHOICES = ("a", "b", "c", "d")


def _load(name: str) -> ModuleType | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    module.logging.set_verbosity(module.logging.WARNING)
    return module


def _objective(space: str) -> Any:
    def floats(trial: Any) -> float:
        return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(5))

    def mixed(trial: Any) -> float:
        value = sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(3))
        value += trial.suggest_int("n", 1, 100, log=True)
        value += CHOICES.index(trial.suggest_categorical("c", CHOICES))
        return value + (0.5 if trial.suggest_categorical("flag", (True, False)) else 0.0)

    return floats if space == "floats" else mixed


def _history(lib: ModuleType, space: str, size: int, seed: int) -> list[Any]:
    """``size`` finished trials with uniformly random parameters, the same ones for every library."""
    rng = random.Random(seed)
    dists: dict[str, Any] = {}
    n_floats = 5 if space == "floats" else 3
    for i in range(n_floats):
        dists[f"x{i}"] = lib.distributions.FloatDistribution(-5.0, 5.0)
    if space == "mixed":
        dists["n"] = lib.distributions.IntDistribution(1, 100, log=True)
        dists["c"] = lib.distributions.CategoricalDistribution(CHOICES)
        dists["flag"] = lib.distributions.CategoricalDistribution((True, False))
    trials = []
    for _ in range(size):
        params: dict[str, Any] = {f"x{i}": rng.uniform(-5.0, 5.0) for i in range(n_floats)}
        value = sum(v * v for v in params.values())
        if space == "mixed":
            params["n"] = rng.randint(1, 100)
            params["c"] = rng.choice(CHOICES)
            params["flag"] = rng.choice((True, False))
            value += params["n"] + CHOICES.index(params["c"]) + (0.5 if params["flag"] else 0.0)
        trials.append(lib.trial.create_trial(params=params, distributions=dists, value=value))
    return trials


def grown_study(lib: ModuleType, space: str, size: int, seed: int = 0) -> Any:
    """A study holding ``size`` finished trials, with a seeded TPESampler."""
    study = lib.create_study(sampler=lib.samplers.TPESampler(seed=seed))
    study.add_trials(_history(lib, space, size, seed))
    return study


def ms_per_trial(lib: ModuleType, space: str, size: int, n_trials: int, seed: int = 0) -> float:
    """CPU milliseconds per TPE trial on a study that already holds ``size`` trials."""
    study = grown_study(lib, space, size, seed)
    objective = _objective(space)
    # One trial first, unmeasured: a study grows trial by trial, so pyhpo's TPE has seen its history before;
    # the figure is the steady cost of the next trial, not the first read of a history added in bulk.
    study.optimize(objective, n_trials=1)
    start = time.process_time()
    study.optimize(objective, n_trials=n_trials)
    return (time.process_time() - start) * 1000.0 / n_trials


def test_tpe_floats_at_2000(benchmark: Any) -> None:
    pyhpo = _load("pyhpo")
    assert pyhpo is not None
    benchmark.pedantic(ms_per_trial, args=(pyhpo, "floats", 2000, 5), rounds=3)


def test_tpe_mixed_at_2000(benchmark: Any) -> None:
    pyhpo = _load("pyhpo")
    assert pyhpo is not None
    benchmark.pedantic(ms_per_trial, args=(pyhpo, "mixed", 2000, 5), rounds=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--spaces", nargs="+", default=list(SPACES), choices=SPACES)
    parser.add_argument("--trials", type=int, default=10, help="TPE trials measured per size")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--libs", nargs="+", default=["pyhpo", "optuna"])
    args = parser.parse_args()
    libs = {name: lib for name in args.libs if (lib := _load(name)) is not None}
    header = f"{'space':8}{'trials':>8}" + "".join(f"{name + ' ms':>14}" for name in libs)
    print(header + (f"{'ratio':>8}" if len(libs) == 2 else ""))
    for space in args.spaces:
        for size in args.sizes:
            # Interleaved, so that a change in the machine's load hits every library alike.
            runs: dict[str, list[float]] = {name: [] for name in libs}
            for seed in range(args.repeat):
                for name, lib in libs.items():
                    runs[name].append(ms_per_trial(lib, space, size, args.trials, seed))
            figures = [statistics.median(r) for r in runs.values()]
            line = f"{space:8}{size:>8}" + "".join(f"{f:>14.2f}" for f in figures)
            if len(figures) == 2:
                line += f"{figures[1] / figures[0]:>8.1f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
