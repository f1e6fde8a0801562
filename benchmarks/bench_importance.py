"""Parameter importance speed: ``get_param_importances``, pyhpo side by side with optuna.

The same trials (7 parameters: ints, floats, a log float, a stepped float, a log int and a categorical, drawn
uniformly, one objective) are loaded into a pyhpo study and an optuna study, 1,000 and 5,000 of them, and each
library scores them with each evaluator at its defaults (forest evaluators seeded): PED-ANOVA (the default),
fANOVA and mean decrease impurity. The clock covers the whole ``get_param_importances`` call (trial
selection, the forest fit where there is one, the scoring). Both libraries fit the same scikit-learn forest, so
the fANOVA and MDI rows differ only in what is done around and after the fit.

Run ``python benchmarks/bench_importance.py [--trials 1000 5000] [--repeats 3] [--evaluators ped fanova mdi]
[--libs pyhpo optuna]`` for a table of medians (wall clock and CPU time of the process, repeats alternating
between the libraries), or ``pytest benchmarks/bench_importance.py --benchmark-only`` under pytest-benchmark
(add ``--benchmark-timer time.process_time`` on a busy machine).
"""

from __future__ import annotations

import argparse
import importlib
import math
import statistics
import sys
import time
import warnings
from functools import cache
from typing import Any

import numpy as np

LIBS = ("pyhpo", "optuna")
EVALUATORS = ("ped", "fanova", "mdi")
SIZES = (1000, 5000)
SEED = 0


def _space(lib: Any) -> dict[str, Any]:
    d = lib.distributions
    return {
        "x": d.IntDistribution(0, 10),
        "y": d.FloatDistribution(-1.0, 1.0),
        "z": d.FloatDistribution(0.0, 1.5),
        "c": d.CategoricalDistribution(["a", "b", "c", "d"]),
        "lr": d.FloatDistribution(1e-5, 1.0, log=True),
        "q": d.FloatDistribution(0.0, 1.0, step=0.1),
        "n": d.IntDistribution(1, 1024, log=True),
    }


@cache
def _rows(n_trials: int) -> list[tuple[dict[str, Any], float]]:
    rng = np.random.default_rng(SEED)
    rows = []
    for _ in range(n_trials):
        p = {
            "x": int(rng.integers(0, 11)),
            "y": float(rng.uniform(-1, 1)),
            "z": float(rng.uniform(0, 1.5)),
            "c": "abcd"[int(rng.integers(4))],
            "lr": float(math.exp(rng.uniform(math.log(1e-5), 0.0))),
            "q": round(float(rng.integers(0, 11)) * 0.1, 10),
            "n": int(rng.integers(1, 1025)),
        }
        value = (
            (p["x"] - 3) ** 2 + 5 * p["y"] ** 3 - p["z"] ** 4 + "abcd".index(p["c"]) + 0.3 * math.log(p["lr"])
        )
        rows.append((p, value + 0.1 * p["q"] + 0.01 * math.log2(p["n"])))
    return rows


@cache
def study_of(lib_name: str, n_trials: int) -> Any:
    """A study of ``lib_name`` holding the benchmark's ``n_trials`` trials (built once per process)."""
    lib = importlib.import_module(lib_name)
    lib.logging.set_verbosity(lib.logging.WARNING)
    space = _space(lib)
    study = lib.create_study()
    study.add_trials(
        [lib.trial.create_trial(params=p, distributions=space, value=v) for p, v in _rows(n_trials)]
    )
    return study


def evaluator_of(lib_name: str, kind: str) -> Any:
    importance = importlib.import_module(f"{lib_name}.importance")
    if kind == "ped":
        return importance.PedAnovaImportanceEvaluator()
    if kind == "fanova":
        return importance.FanovaImportanceEvaluator(seed=SEED)
    return importance.MeanDecreaseImpurityImportanceEvaluator(seed=SEED)


def run_once(lib_name: str, kind: str, n_trials: int) -> dict[str, float]:
    importance = importlib.import_module(f"{lib_name}.importance")
    study = study_of(lib_name, n_trials)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return dict(importance.get_param_importances(study, evaluator=evaluator_of(lib_name, kind)))


try:
    import pytest
except ImportError:  # pragma: no cover - the script mode needs no pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.mark.parametrize("n_trials", SIZES)
    @pytest.mark.parametrize("kind", EVALUATORS)
    @pytest.mark.parametrize("lib_name", LIBS)
    def test_get_param_importances(benchmark: Any, lib_name: str, kind: str, n_trials: int) -> None:
        pytest.importorskip(lib_name)
        if kind != "ped":
            pytest.importorskip("sklearn")
        study_of(lib_name, n_trials)  # build outside the clock
        # A warm-up call loads what the first call imports; Optuna's fANOVA on 5,000 trials takes minutes a call,
        # so it gets one timed round and no warm-up (its import cost is noise there).
        slow = (lib_name, kind) == ("optuna", "fanova") and n_trials > 1000
        scores = benchmark.pedantic(
            run_once,
            args=(lib_name, kind, n_trials),
            rounds=1 if slow else 3,
            iterations=1,
            warmup_rounds=0 if slow else 1,
        )
        assert len(scores) == 7


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--evaluators", nargs="+", default=list(EVALUATORS), choices=EVALUATORS)
    parser.add_argument("--libs", nargs="+", default=list(LIBS), choices=LIBS)
    args = parser.parse_args(argv)
    print(
        f"{'evaluator':<10}{'trials':>8}"
        + "".join(f"{lib + ' wall':>14}{lib + ' cpu':>13}" for lib in args.libs)
    )
    for kind in args.evaluators:
        for n in args.trials:
            for lib_name in args.libs:
                study_of(lib_name, n)
                run_once(lib_name, kind, min(n, 100))  # load what a first call imports
            wall: dict[str, list[float]] = {lib: [] for lib in args.libs}
            cpu: dict[str, list[float]] = {lib: [] for lib in args.libs}
            # Repeats alternate between the libraries, so a busy spell of the machine hits both alike; the CPU
            # time of this process (the forest fit is single-threaded) is what load disturbs least.
            for _ in range(args.repeats):
                for lib_name in args.libs:
                    start_wall, start_cpu = time.perf_counter(), time.process_time()
                    run_once(lib_name, kind, n)
                    wall[lib_name].append(time.perf_counter() - start_wall)
                    cpu[lib_name].append(time.process_time() - start_cpu)
            row = "".join(
                f"{statistics.median(wall[lib]):>13.3f}s{statistics.median(cpu[lib]):>12.3f}s"
                for lib in args.libs
            )
            print(f"{kind:<10}{n:>8}{row}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
