"""``Study.trials_dataframe``: the trials as a pandas DataFrame, with Optuna's columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo._values import TrialState

if TYPE_CHECKING:
    import pandas as pd

    from pyhpo.study._study import Study

# Attributes whose value is a mapping: each key becomes its own column, ``(attr, key)``.
_NESTED = ("params", "user_attrs", "system_attrs", "intermediate_values", "distributions")
_ALLOWED = frozenset(
    {
        "number",
        "value",
        "values",
        "datetime_start",
        "datetime_complete",
        "duration",
        "params",
        "user_attrs",
        "system_attrs",
        "state",
        "intermediate_values",
        "distributions",
        "trial_id",
        "_trial_id",
        "last_step",
    }
)


def trials_dataframe(study: Study, attrs: tuple[str, ...], multi_index: bool) -> pd.DataFrame:
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError(
            "Study.trials_dataframe needs pandas, which is not installed. Install it with `pip install pandas`."
        ) from e
    bad = [a for a in attrs if a not in _ALLOWED]
    if bad:
        # Optuna fails here with AttributeError (from getattr on the trial): the same class, said clearly.
        raise AttributeError(f"Unknown attrs {bad!r}; expected some of {sorted(_ALLOWED)}.")
    trials = study.get_trials(deepcopy=False)
    if not trials:
        return pd.DataFrame()
    n_objectives = len(study.directions)
    if n_objectives > 1:
        attrs = tuple("values" if a == "value" else a for a in attrs)
    metric_names = study.metric_names
    # Column names as Optuna spells them: a leading underscore is dropped (``_trial_id`` -> ``trial_id``).
    column = {a: a.lstrip("_") for a in attrs}

    # Nested keys keep their type, as in Optuna: ("intermediate_values", 3) and ("values", 0) hold ints.
    records: list[dict[tuple[str, Any], Any]] = []
    seen: dict[str, set[tuple[str, Any]]] = {a: set() for a in attrs}
    for t in trials:
        row: dict[tuple[str, Any], Any] = {}
        for a in attrs:
            col = column[a]
            if a in _NESTED:
                cells = {(col, k): v for k, v in getattr(t, a).items()}
            elif a == "values":
                vals = t.values if t.values is not None else [None] * n_objectives
                keys: list[Any] = (
                    list(metric_names) if metric_names is not None else list(range(n_objectives))
                )
                cells = {(col, k): v for k, v in zip(keys, vals)}
            elif a == "value":
                cells = {(col, "" if metric_names is None else metric_names[0]): t.value}
            elif a == "state":
                cells = {(col, ""): t.state.name if isinstance(t.state, TrialState) else t.state}
            elif a in ("trial_id", "_trial_id"):
                cells = {(col, ""): t._trial_id}
            else:
                cells = {(col, ""): getattr(t, a)}
            row.update(cells)
            seen[a].update(cells)
        records.append(row)

    columns: list[tuple[str, Any]] = []
    for a in attrs:
        if a == "values" and metric_names is not None:
            columns.extend((column[a], name) for name in metric_names)  # the user's order, not sorted
        else:
            columns.extend(sorted(seen[a]))
    df = pd.DataFrame(records, columns=pd.MultiIndex.from_tuples(columns))
    if not multi_index:
        df.columns = ["_".join(s for s in map(str, c) if s) for c in columns]
    return df
