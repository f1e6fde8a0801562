"""Turning rows into FrozenTrials.

A trial's data is spread over six tables. Reading them costs two queries however many trials are
read: the ``trials`` rows, then every child row (parameters, values, intermediate values, user and
system attributes) in one ``UNION ALL`` query (``_sql.children_query``) whose rows are tagged with
the table they came from.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import TYPE_CHECKING, Any

from pyhpo._values import FrozenTrial, TrialState
from pyhpo.storages._rdb import _sql
from pyhpo.storages._validation import check_mysql_param, check_param, check_template, check_values

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import Connection

    from pyhpo.distributions import BaseDistribution

__all__ = [
    "build_trials",
    "check_param_row",
    "check_template_row",
    "check_values_row",
    "from_db_time",
    "to_db_time",
    "utcnow",
    "value_from_db",
    "value_to_db",
]


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def to_db_time(value: datetime.datetime | None) -> datetime.datetime | None:
    # Naive values are local time (datetime.now()); stored as naive UTC, as Optuna does.
    if value is None:
        return None
    return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def from_db_time(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=datetime.timezone.utc).astimezone().replace(tzinfo=None)


def value_to_db(value: float, allow_nan: bool) -> tuple[float | None, str]:
    if math.isnan(value):
        if not allow_nan:
            raise ValueError(f"A trial value must not be NaN, got {value!r}")
        return None, "NAN"
    if value == math.inf:
        return None, "INF_POS"
    if value == -math.inf:
        return None, "INF_NEG"
    return float(value), "FINITE"


def value_from_db(value: float | None, kind: str) -> float:
    if kind == "FINITE":
        assert value is not None
        return float(value)
    return {"INF_POS": math.inf, "INF_NEG": -math.inf, "NAN": math.nan}[kind]


_NO_INFINITY = ("mysql", "mariadb")


def check_param_row(dialect: str, name: str, value: float, distribution: BaseDistribution) -> None:
    """``_validation.check_param``, and on MySQL its refusal of infinite values."""
    check_param(name, value, distribution)
    if dialect in _NO_INFINITY:
        check_mysql_param(name, float(value))


def check_values_row(conn: Connection, trial_id: int, values: Sequence[float] | None) -> None:
    """``_validation.check_values`` against the number of objectives of the trial's study (one query)."""
    if values is not None:
        check_values(values, len(conn.execute(_sql.OBJECTIVES_OF_TRIAL, {"trial_id": trial_id}).all()))


def check_template_row(conn: Connection, dialect: str, study_id: int, template: FrozenTrial) -> None:
    """``_validation.check_template`` against the study's objectives, and MySQL's refusal of infinities."""
    check_template(template, len(conn.execute(_sql.STUDY_DIRECTIONS, {"study_id": study_id}).all()))
    if dialect in _NO_INFINITY:
        for name, external in template.params.items():
            check_mysql_param(name, float(template.distributions[name].to_internal_repr(external)))


def build_trials(
    conn: Connection,
    distribution: Callable[[str], BaseDistribution],
    trial_rows: Sequence[Any],
    children: Any,
    params: dict[str, Any],
) -> list[FrozenTrial]:
    """Assemble FrozenTrials from their ``trials`` rows and one query for all their child rows.

    Args:
        conn: The open transaction.
        distribution: Parses a distribution's JSON (memoized by the caller).
        trial_rows: Rows of ``trials``.
        children: A query from ``_sql.children_query`` selecting (at least) the children of those trials.
        params: Its parameters.
    """
    parts: dict[int, tuple[dict[Any, Any], ...]] = {r.trial_id: ({}, {}, {}, {}, {}, {}) for r in trial_rows}
    if parts:
        for trial_id, kind, key, num, txt, _ in conn.execute(children, params):
            part = parts.get(trial_id)
            if part is None:
                continue  # a trial created after the trials query: the next poll gets it
            found, dists, values, inter, user, system = part
            if kind == "p":
                dist = distribution(txt)
                # NULL: a NaN that SQLite (by itself) or MySQL (see _sql.ParamValue) could not store as such.
                found[key] = dist.to_external_repr(math.nan if num is None else num)
                dists[key] = dist
            elif kind == "v":
                values[int(key)] = value_from_db(num, txt)
            elif kind == "i":
                inter[int(key)] = value_from_db(num, txt)
            elif kind == "u":
                user[key] = json.loads(txt)
            else:
                system[key] = json.loads(txt)
    trials = []
    for row in trial_rows:
        found, dists, values, inter, user, system = parts[row.trial_id]
        trials.append(
            FrozenTrial(
                number=row.number,
                state=TrialState[row.state],
                value=None,
                values=[values[k] for k in sorted(values)] or None,
                datetime_start=from_db_time(row.datetime_start),
                datetime_complete=from_db_time(row.datetime_complete),
                params=found,
                distributions=dists,
                user_attrs=user,
                system_attrs=system,
                intermediate_values=inter,
                trial_id=row.trial_id,
            )
        )
    return trials
