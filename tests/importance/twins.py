"""Twin studies: the same trials in an Optuna study and in a pyhpo study, for side-by-side importances."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

import pyhpo
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SPACE: dict[str, Any] = {
    "x": IntDistribution(0, 2),
    "y": FloatDistribution(-1.0, 1.0),
    "z": FloatDistribution(0.0, 1.5),
    "c": CategoricalDistribution(["a", "b", "d"]),
    "lr": FloatDistribution(1e-4, 1.0, log=True),
    "q": FloatDistribution(0.0, 1.0, step=0.25),
    "n": IntDistribution(1, 1024, log=True),
}


def objective(p: dict[str, Any]) -> float:
    return (
        p["x"] ** 2
        + p["y"] ** 3
        - p["z"] ** 4
        + {"a": 0.0, "b": 1.0, "d": 0.3}[p["c"]]
        + 0.1 * math.log10(p["lr"])
        + 0.05 * p["q"]
        + 0.2 * math.log2(p["n"]) / 10
    )


def sample(dist: Any, rng: np.random.Generator) -> Any:
    if isinstance(dist, CategoricalDistribution):
        return dist.choices[int(rng.integers(len(dist.choices)))]
    if isinstance(dist, IntDistribution):
        if dist.log:
            return int(min(dist.high, round(math.exp(rng.uniform(math.log(dist.low), math.log(dist.high))))))
        return int(rng.integers(dist.low, dist.high + 1))
    if dist.log:
        return float(math.exp(rng.uniform(math.log(dist.low), math.log(dist.high))))
    if dist.step is not None:
        n = round((dist.high - dist.low) / dist.step)
        return float(dist.low + dist.step * int(rng.integers(n + 1)))
    return float(rng.uniform(dist.low, dist.high))


Row = tuple[dict[str, Any], dict[str, Any], "list[float] | None", str]


def random_rows(
    n: int,
    seed: int,
    space: dict[str, Any] | None = None,
    values: Callable[[dict[str, Any]], Sequence[float]] | None = None,
) -> list[Row]:
    """``n`` trials (params, distributions, values, state) drawn uniformly from ``space``."""
    rng = np.random.default_rng(seed)
    space = SPACE if space is None else space
    rows: list[Row] = []
    for _ in range(n):
        params = {name: sample(dist, rng) for name, dist in space.items()}
        vals = list(values(params)) if values is not None else [objective(params)]
        rows.append((params, dict(space), vals, "COMPLETE"))
    return rows


def pyhpo_study(rows: Sequence[Row], directions: Sequence[str] = ("minimize",)) -> pyhpo.Study:
    study = pyhpo.create_study(directions=list(directions))
    for params, dists, values, state in rows:
        study.add_trial(
            pyhpo.trial.create_trial(
                params=params,
                distributions=dists,
                values=values,
                state=getattr(pyhpo.trial.TrialState, state),
            )
        )
    return study


def optuna_study(optuna: Any, rows: Sequence[Row], directions: Sequence[str] = ("minimize",)) -> Any:
    study = optuna.create_study(directions=list(directions))
    for params, dists, values, state in rows:
        converted = {
            k: optuna.distributions.json_to_distribution(pyhpo.distributions.distribution_to_json(v))
            for k, v in dists.items()
        }
        study.add_trial(
            optuna.trial.create_trial(
                params=params,
                distributions=converted,
                values=values,
                state=getattr(optuna.trial.TrialState, state),
            )
        )
    return study
