"""``Study.trials_dataframe``: the trials as a pandas DataFrame, with Optuna's columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo.trial import TrialState

if TYPE_CHECKING:
    import pandas as pd

    from pyhpo.study._study import Study

_NESTED = ("params", "user_attrs", "system_attrs", "intermediate_values")


def trials_dataframe(study: Study, attrs: tuple[str, ...], multi_index: bool) -> pd.DataFrame:
    try:
        import pandas as pd
    except ImportError as e:
        raise ImportError(
            "Study.trials_dataframe needs pandas, which is not installed. Install it with `pip install pandas`."
        ) from e
    allowed = {"number", "value", "values", "datetime_start", "datetime_complete", "duration", "params",
               "user_attrs", "system_attrs", "state", "intermediate_values", "distributions", "trial_id"}
    bad = [a for a in attrs if a not in allowed]
    if bad:
        raise ValueError(f"Unknown attrs {bad!r}; expected some of {sorted(allowed)}.")
    trials = study.get_trials(deepcopy=False)
    multi = study._is_multi_objective()
    attrs = tuple("values" if (a == "value" and multi) else a for a in attrs)
    records: list[dict[tuple[str, str], Any]] = []
    for t in trials:
        row: dict[tuple[str, str], Any] = {}
        for a in attrs:
            if a in _NESTED:
                for k, v in getattr(t, a).items():
                    row[(a, str(k))] = v
            elif a == "values":
                vals = t.values
                for i in range(len(study.directions)):
                    row[("values", str(i))] = None if vals is None else vals[i]
            elif a == "value":
                row[("value", "")] = t.value
            elif a == "state":
                row[("state", "")] = t.state.name if isinstance(t.state, TrialState) else t.state
            elif a == "trial_id":
                row[("trial_id", "")] = t._trial_id
            elif a == "distributions":
                for k, v in t.distributions.items():
                    row[("distributions", k)] = repr(v)
            else:
                row[(a, "")] = getattr(t, a)
        records.append(row)
    columns = sorted({c for r in records for c in r}, key=lambda c: (attrs.index(c[0]), c[1]))
    df = pd.DataFrame(records, columns=pd.MultiIndex.from_tuples(columns) if columns else None)
    if not multi_index and len(df.columns):
        df.columns = ["_".join(p for p in c if p) for c in df.columns]
    return df
