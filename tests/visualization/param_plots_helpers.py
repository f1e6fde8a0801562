"""Twin studies for the parameter plots: the same trials in pyhpo and in Optuna, and figure comparisons."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pyhpo

# Every distribution kind the parameter plots must handle, built in either library by name.
DISTRIBUTIONS: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {
    "f_lin": ("FloatDistribution", (-5.0, 5.0), {}),
    "f_log": ("FloatDistribution", (1e-4, 1e2), {"log": True}),
    "f_step": ("FloatDistribution", (0.0, 1.0), {"step": 0.25}),
    "i_lin": ("IntDistribution", (0, 10), {}),
    "i_log": ("IntDistribution", (1, 1000), {"log": True}),
    "c_str": ("CategoricalDistribution", (("b", "a", "c"),), {}),
    "c_num": ("CategoricalDistribution", ((10, 2, 30.5),), {}),
    "c_mixed": ("CategoricalDistribution", ((3, 2.5, None, True, "s"),), {}),
}


def _sample(rng: random.Random, name: str) -> Any:
    kind, args, kwargs = DISTRIBUTIONS[name]
    if kind == "CategoricalDistribution":
        return rng.choice(args[0])
    lo, hi = args
    if kwargs.get("log"):
        value = 10 ** rng.uniform(math.log10(lo), math.log10(hi))
        return round(min(max(value, lo), hi)) if kind == "IntDistribution" else value
    if kind == "IntDistribution":
        return rng.randint(lo, hi)
    if "step" in kwargs:
        return lo + kwargs["step"] * rng.randint(0, int((hi - lo) / kwargs["step"]))
    return rng.uniform(lo, hi)


def make_rows(
    n: int,
    names: tuple[str, ...] = tuple(DISTRIBUTIONS),
    n_objectives: int = 1,
    seed: int = 0,
    missing: bool = True,
    constraints: bool = False,
    extra_states: bool = True,
) -> list[dict[str, Any]]:
    """``n`` trial descriptions: params (some missing), values, state, optional constraints."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        params = {k: _sample(rng, k) for k in names if not (missing and i % 5 == 4 and k == names[-1])}
        row: dict[str, Any] = {"params": params, "state": "COMPLETE"}
        row["values"] = [round(rng.uniform(-10, 10), 6) for _ in range(n_objectives)]
        if constraints:
            row["constraints"] = [rng.uniform(-1, 1)]
        if extra_states and i % 7 == 3:
            row["state"] = "FAIL"
            row.pop("values")
        elif extra_states and i % 11 == 5:
            row["state"] = "PRUNED"
            row.pop("values")
        rows.append(row)
    return rows


def build_study(lib: Any, rows: list[dict[str, Any]], directions: list[str], **kwargs: Any) -> Any:
    """A study of ``lib`` (pyhpo or optuna) holding ``rows`` through ``create_trial``/``add_trial``."""
    study = lib.create_study(directions=directions, **kwargs)
    for row in rows:
        dists = {}
        for name in row["params"]:
            kind, args, kw = DISTRIBUTIONS[name]
            dists[name] = getattr(lib.distributions, kind)(*args, **kw)
        system_attrs = {"constraints": row["constraints"]} if "constraints" in row else {}
        state = getattr(lib.trial.TrialState, row["state"])
        study.add_trial(
            lib.trial.create_trial(
                params=row["params"],
                distributions=dists,
                values=row.get("values"),
                state=state,
                system_attrs=system_attrs,
            )
        )
    return study


def twins(rows: list[dict[str, Any]], directions: list[str] | None = None, **kwargs: Any) -> tuple[Any, Any]:
    """The pyhpo study and the Optuna study of the same rows."""
    import optuna

    directions = directions or ["minimize"]
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return build_study(pyhpo, rows, directions, **kwargs), build_study(optuna, rows, directions, **kwargs)


def _decode_typed_arrays(node: Any) -> Any:
    # plotly (>= 6) sends numpy arrays as base64 typed arrays ({"dtype", "bdata", "shape"}); plotly.js reads
    # them as the same numbers as a JSON list, so comparisons read them back into lists.
    import base64

    import numpy as np

    if isinstance(node, dict):
        if set(node) <= {"dtype", "bdata", "shape"} and "bdata" in node:
            arr = np.frombuffer(base64.b64decode(node["bdata"]), dtype=np.dtype(node["dtype"]))
            if "shape" in node:
                arr = arr.reshape([int(n) for n in str(node["shape"]).split(",")])
            return arr.tolist()
        return {k: _decode_typed_arrays(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_decode_typed_arrays(v) for v in node]
    return node


def figure_json(fig: Any) -> dict[str, Any]:
    """A plotly figure as the validated JSON document a browser receives (typed arrays read as lists)."""
    import plotly.io

    doc: dict[str, Any] = _decode_typed_arrays(json.loads(plotly.io.to_json(fig, validate=True)))
    return doc


def _comparable(node: Any) -> Any:
    # NaN never equals itself; compare it as a marker (a NaN cell of a contour is a NaN on both sides).
    if isinstance(node, float) and math.isnan(node):
        return "<NaN>"
    if isinstance(node, dict):
        return {k: _comparable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_comparable(v) for v in node]
    return node


def assert_same_figure(ours: Any, theirs: Any) -> None:
    """The two plotly figures serialize to the same document (traces, axes, layout)."""
    a, b = _comparable(figure_json(ours)), _comparable(figure_json(theirs))
    assert len(a["data"]) == len(b["data"])
    for i, (ta, tb) in enumerate(zip(a["data"], b["data"])):
        assert ta == tb, f"trace {i} differs:\n{ta}\n!=\n{tb}"
    assert a["layout"] == b["layout"]


def axes_summary(ax: Any) -> dict[str, Any]:
    """What a matplotlib Axes shows: title, labels, scales, limits, tick labels and scatter points."""
    import numpy as np

    points = [np.asarray(c.get_offsets()).tolist() for c in ax.collections if hasattr(c, "get_offsets")]
    return {
        "title": ax.get_title(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "xscale": ax.get_xscale(),
        "yscale": ax.get_yscale(),
        "xlim": [round(v, 9) for v in ax.get_xlim()],
        "ylim": [round(v, 9) for v in ax.get_ylim()],
        "xticklabels": [t.get_text() for t in ax.get_xticklabels()],
        "points": points,
    }


def optuna_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an Optuna plot function with its own warnings (experimental, target name) silenced."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def flat_axes(axes: Any) -> list[Any]:
    """One Axes or an array of them, as a flat list."""
    import numpy as np

    return list(np.ravel(axes)) if isinstance(axes, np.ndarray) else [axes]


def assert_same_axes(ours: Any, theirs: Any) -> None:
    """Two matplotlib results (an Axes or an array of them) show the same labels, scales, limits and points."""
    import numpy as np

    a, b = flat_axes(ours), flat_axes(theirs)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        sa, sb = axes_summary(x), axes_summary(y)
        pa, pb = sa.pop("points"), sb.pop("points")
        assert sa == sb
        assert len(pa) == len(pb)
        for p, q in zip(pa, pb):
            np.testing.assert_allclose(np.asarray(p, float).reshape(-1), np.asarray(q, float).reshape(-1))


def save_png(fig_or_axes: Any, path: Any) -> None:
    """Render a matplotlib figure (given any of its Axes) to a PNG file and check it is one."""
    fig = flat_axes(fig_or_axes)[0].figure
    fig.savefig(path)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
