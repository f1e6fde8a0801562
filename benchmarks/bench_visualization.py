"""pyhpo.visualization side by side with optuna.visualization on the same 10,000-trial studies.

Each plot function (plotly, and matplotlib for the cheap ones) runs on a single-objective study (four
parameters of every kind, three intermediate values per trial, some infeasible trials) and a two-objective
study, built once with Optuna's API and copied field by field into pyhpo, so both libraries draw identical
data. A plot that went quadratic in the number of trials would show here first.

Run (select with ``-k``: naming the file as well makes pytest collect it twice): ``python -m pytest benchmarks
-k bench_visualization --benchmark-only -p no:cacheprovider --benchmark-group-by=group
--benchmark-columns=median,min,max,rounds``.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
import pyhpo.visualization
from pyhpo.distributions import json_to_distribution

N_TRIALS = int(os.environ.get("PYHPO_BENCH_VIS_TRIALS", "10000"))
T0 = datetime.datetime(2026, 1, 1)


def _optuna_trials(n_objectives: int, rng: np.random.Generator) -> list[Any]:
    d = optuna.distributions
    dists = {
        "x": d.FloatDistribution(-5, 5),
        "lr": d.FloatDistribution(1e-5, 1e-1, log=True),
        "n": d.IntDistribution(1, 64),
        "opt": d.CategoricalDistribution(["adam", "sgd", None]),
    }
    trials = []
    for i in range(N_TRIALS):
        params = {
            "x": float(rng.uniform(-5, 5)),
            "lr": float(10 ** rng.uniform(-5, -1)),
            "n": int(rng.integers(1, 65)),
            "opt": ["adam", "sgd", None][i % 3],
        }
        f = params["x"] ** 2 + np.log10(params["lr"]) ** 2 + params["n"] / 10
        values = [f] if n_objectives == 1 else [f, 30.0 - f + float(rng.uniform(0, 5))]
        start = T0 + datetime.timedelta(seconds=2 * i)
        trials.append(
            optuna.trial.FrozenTrial(
                number=i,
                state=optuna.trial.TrialState.PRUNED if i % 17 == 0 else optuna.trial.TrialState.COMPLETE,
                value=None,
                values=None if i % 17 == 0 else values,
                datetime_start=start,
                datetime_complete=start + datetime.timedelta(seconds=1.5),
                params=params,
                distributions=dists,
                user_attrs={},
                system_attrs={"constraints": [1.0 if i % 11 == 0 else -1.0]},
                intermediate_values={s: f * (3 - s) for s in range(3)},
                trial_id=i,
            )
        )
    return trials


def _twins(n_objectives: int) -> tuple[Any, Any]:
    directions = ["minimize"] * n_objectives
    o = optuna.create_study(directions=directions, study_name=f"bench{n_objectives}")
    o.add_trials(_optuna_trials(n_objectives, np.random.default_rng(n_objectives)))
    p = pyhpo.create_study(directions=directions, study_name=f"bench{n_objectives}")
    to_json = optuna.distributions.distribution_to_json
    p.add_trials(
        pyhpo.trial.FrozenTrial(
            number=t.number,
            state=pyhpo.trial.TrialState[t.state.name],
            value=None,
            values=t.values,
            datetime_start=t.datetime_start,
            datetime_complete=t.datetime_complete,
            params=t.params,
            distributions={k: json_to_distribution(to_json(v)) for k, v in t.distributions.items()},
            user_attrs={},
            system_attrs=t.system_attrs,
            intermediate_values=t.intermediate_values,
            trial_id=t.number,
        )
        for t in o.get_trials(deepcopy=False)
    )
    return o, p


@pytest.fixture(scope="module")
def single() -> dict[str, Any]:
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    pyhpo.logging.set_verbosity(pyhpo.logging.ERROR)
    o, p = _twins(1)
    return {"optuna": o, "pyhpo": p}


@pytest.fixture(scope="module")
def double() -> dict[str, Any]:
    o, p = _twins(2)
    return {"optuna": o, "pyhpo": p}


def _module(lib: str, backend: str) -> Any:
    base = pyhpo.visualization if lib == "pyhpo" else optuna.visualization
    return base if backend == "plotly" else base.matplotlib


SINGLE_PLOTS = {
    "optimization_history": lambda m, s: m.plot_optimization_history(s),
    "intermediate_values": lambda m, s: m.plot_intermediate_values(s),
    "edf": lambda m, s: m.plot_edf(s),
    "timeline": lambda m, s: m.plot_timeline(s),
    "param_importances": lambda m, s: m.plot_param_importances(s),
}
DOUBLE_PLOTS = {
    "pareto_front": lambda m, s: m.plot_pareto_front(s),
    "hypervolume_history": lambda m, s: m.plot_hypervolume_history(s, [60.0, 60.0]),
}


def _run(benchmark: Any, group: str, draw: Any) -> None:
    import warnings

    import matplotlib.pyplot as plt

    benchmark.group = group

    def once() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            draw()
        plt.close("all")

    benchmark.pedantic(once, rounds=5, iterations=1, warmup_rounds=0)


@pytest.mark.parametrize("lib", ["pyhpo", "optuna"])
@pytest.mark.parametrize("backend", ["plotly", "matplotlib"])
@pytest.mark.parametrize("plot", sorted(SINGLE_PLOTS))
def test_single_objective(benchmark: Any, single: dict[str, Any], plot: str, backend: str, lib: str) -> None:
    if backend == "matplotlib" and plot in ("intermediate_values", "timeline"):
        pytest.skip("10,000 matplotlib lines or bars measure matplotlib, not the library")
    _run(benchmark, f"{plot} {backend}", lambda: SINGLE_PLOTS[plot](_module(lib, backend), single[lib]))


@pytest.mark.parametrize("lib", ["pyhpo", "optuna"])
@pytest.mark.parametrize("backend", ["plotly", "matplotlib"])
@pytest.mark.parametrize("plot", sorted(DOUBLE_PLOTS))
def test_two_objectives(benchmark: Any, double: dict[str, Any], plot: str, backend: str, lib: str) -> None:
    _run(benchmark, f"{plot} {backend}", lambda: DOUBLE_PLOTS[plot](_module(lib, backend), double[lib]))
