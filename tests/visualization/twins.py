"""Twin studies for the plot tests: the same trials in an Optuna study and in a pyhpo study, and figure helpers.

Every trial is made once, with Optuna's API, then copied field by field (numbers, states, values, datetimes,
distributions through their JSON form, attributes, intermediate values) into a pyhpo study with the same name,
directions and metric names, so that both libraries plot exactly the same data.
"""

from __future__ import annotations

import base64
import datetime
import math
from typing import Any

import numpy as np

import pyhpo
from pyhpo.distributions import json_to_distribution
from pyhpo.trial import FrozenTrial, TrialState

T0 = datetime.datetime(2026, 1, 2, 3, 4, 5)


def trial_kwargs(
    optuna: Any,
    number: int,
    *,
    state: str = "COMPLETE",
    values: list[float] | None = None,
    params: dict[str, Any] | None = None,
    dists: dict[str, Any] | None = None,
    intermediate: dict[int, float] | None = None,
    constraints: list[float] | None = None,
    user_attrs: dict[str, Any] | None = None,
    seconds: float = 2.0,
) -> Any:
    """An Optuna ``FrozenTrial`` with deterministic datetimes (trial ``n`` starts ``n`` minutes after ``T0``)."""
    start = T0 + datetime.timedelta(minutes=number)
    finished = state not in ("RUNNING", "WAITING")
    return optuna.trial.FrozenTrial(
        number=number,
        state=optuna.trial.TrialState[state],
        value=None,
        values=values if state == "COMPLETE" else None,
        datetime_start=None if state == "WAITING" else start,
        datetime_complete=start + datetime.timedelta(seconds=seconds) if finished else None,
        params=params or {},
        distributions=dists or {},
        user_attrs=user_attrs or {},
        system_attrs={} if constraints is None else {"constraints": constraints},
        intermediate_values=intermediate or {},
        trial_id=number,
    )


def rich_trials(optuna: Any, n_objectives: int = 1, n: int = 24, seed: int = 0) -> list[Any]:
    """Trials over every distribution kind, in every state, some infeasible, some with non-finite values."""
    d = optuna.distributions
    dists = {
        "x": d.FloatDistribution(-5.0, 5.0),
        "lr": d.FloatDistribution(1e-5, 1e-1, log=True),
        "n": d.IntDistribution(1, 9),
        "width": d.IntDistribution(1, 1024, log=True),
        "step": d.FloatDistribution(0.0, 1.0, step=0.25),
        "opt": d.CategoricalDistribution(["adam", "sgd"]),
        "mixed": d.CategoricalDistribution([1, 2.5, None, True]),
    }
    rng = np.random.default_rng(seed)
    trials = []
    for i in range(n):
        params = {
            "x": float(rng.uniform(-5, 5)),
            "lr": float(10 ** rng.uniform(-5, -1)),
            "n": int(rng.integers(1, 10)),
            "width": int(rng.integers(1, 1025)),
            "step": float(rng.integers(0, 5) * 0.25),
            "opt": ["adam", "sgd"][i % 2],
            "mixed": [1, 2.5, None, True][i % 4],
        }
        base = params["x"] ** 2 + params["n"]
        values = [base + k * float(rng.uniform(-3, 3)) * (k + 1) for k in range(n_objectives)]
        if n_objectives > 1:
            values[1] = 10.0 - values[0] + float(rng.uniform(0, 4))
        state = {5: "FAIL", 9: "PRUNED", 13: "PRUNED"}.get(i, "COMPLETE")
        constraints = [1.0] if i in (3, 17) else ([-1.0] if i % 3 == 0 else None)
        trials.append(
            trial_kwargs(
                optuna,
                i,
                state=state,
                values=values,
                params=params,
                dists=dists,
                intermediate={s: base / (s + 1) for s in range(i % 4)},
                constraints=constraints,
                user_attrs={"tag": f"t{i}", "obj": object} if i % 5 == 0 else {},
                seconds=1.0 + i % 3,
            )
        )
    return trials


def optuna_study(
    optuna: Any, trials: list[Any], directions: list[str], name: str = "twin", metric_names=None
):
    study = optuna.create_study(directions=directions, study_name=name)
    if metric_names is not None:
        study.set_metric_names(metric_names)
    for t in trials:
        study.add_trial(t)
    return study


def to_pyhpo(optuna_study: Any) -> pyhpo.Study:
    """A pyhpo study holding copies of every trial of ``optuna_study`` (same name, directions, metric names)."""
    study = pyhpo.create_study(
        directions=[d.name.lower() for d in optuna_study.directions], study_name=optuna_study.study_name
    )
    if optuna_study.metric_names is not None:
        study.set_metric_names(list(optuna_study.metric_names))
    from optuna.distributions import distribution_to_json

    for t in optuna_study.get_trials(deepcopy=False):
        study.add_trial(
            FrozenTrial(
                number=t.number,
                state=TrialState[t.state.name],
                value=None,
                values=t.values,
                datetime_start=t.datetime_start,
                datetime_complete=t.datetime_complete,
                params=dict(t.params),
                distributions={
                    k: json_to_distribution(distribution_to_json(v)) for k, v in t.distributions.items()
                },
                user_attrs=dict(t.user_attrs),
                system_attrs=dict(t.system_attrs),
                intermediate_values=dict(t.intermediate_values),
                trial_id=t.number,
            )
        )
    return study


def twins(optuna: Any, trials: list[Any], directions: list[str], name: str = "twin", metric_names=None):
    """(optuna study, pyhpo study) holding the same trials."""
    o = optuna_study(optuna, trials, directions, name, metric_names)
    return o, to_pyhpo(o)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:  # plotly's base64 form of a numpy array
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            return _plain(
                array.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else array
            )
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return "nan"
    if isinstance(value, np.generic):
        return value.item()
    return value


def figure_dict(fig: Any) -> dict[str, Any]:
    """The data and layout of a plotly figure as plain, comparable Python (nan as the string ``"nan"``)."""
    content = fig.to_plotly_json()
    layout = dict(content["layout"])
    layout.pop("template", None)
    return {"data": _plain(content["data"]), "layout": _plain(layout)}


def assert_same_figure(ours: Any, theirs: Any) -> None:
    """Both plotly figures hold the same traces (type, data, names, modes, markers, ...) and the same layout."""
    a, b = figure_dict(ours), figure_dict(theirs)
    assert len(a["data"]) == len(b["data"])
    for trace_a, trace_b in zip(a["data"], b["data"]):
        assert trace_a == trace_b
    assert a["layout"] == b["layout"]


def mpl_summary(ax: Any) -> dict[str, Any]:
    """What a matplotlib Axes shows: title, labels, limits, lines' data, collections' offsets, bars and legend."""
    legend = ax.get_legend()
    return {
        "title": (ax.get_title(), ax.get_title(loc="left")),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "lines": [(_plain(line.get_xdata()), _plain(line.get_ydata())) for line in ax.get_lines()],
        "collections": [_plain(np.asarray(c.get_offsets())) for c in ax.collections],
        "patches": len(ax.patches),
        "legend": None if legend is None else [t.get_text() for t in legend.get_texts()],
    }
