"""The storage's statements, built once with named parameters.

Building a SQLAlchemy statement costs about twice as much CPU as executing it against a local
database, so the statements the storage runs per trial are built here once, at import, and
executed with a dict of parameters. SQLAlchemy compiles each one once per dialect and caches it.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import (
    Float,
    String,
    TypeDecorator,
    and_,
    bindparam,
    column,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)

from pyhpo.storages._rdb import models

__all__ = [
    "CHILDREN_OF_IDS",
    "CHILDREN_OF_STUDY",
    "CHILDREN_OF_TRIAL",
    "FIRST_DISTRIBUTION",
    "INSERT_PARAM_IF_UNFINISHED",
    "INSERT_TRIAL",
    "LAST_NUMBER",
    "OBJECTIVES_OF_TRIAL",
    "POLL_ALL",
    "POLL_CHANGED",
    "STUDY_DIRECTIONS",
    "STUDY_NAME",
    "STUDY_NAME_FOR_UPDATE",
    "TO_FINISHED",
    "TO_RUNNING",
    "TO_UNFINISHED",
    "TO_WITH_VALUES",
    "TRIAL",
    "TRIAL_NUMBER_STATE",
    "TRIAL_NUMBER_STATE_CURRENT",
    "TRIAL_STUDY_STATE",
    "UNFINISHED",
    "ParamValue",
    "children_query",
    "poll_query",
    "upsert_statements",
    "upsert_values",
]

UNFINISHED = ("RUNNING", "WAITING")
_t = models.trials.c

STUDY_NAME = select(models.studies.c.study_name).where(models.studies.c.study_id == bindparam("study_id"))
# The per-study lock of trial creation (PostgreSQL, MySQL).
STUDY_NAME_FOR_UPDATE = STUDY_NAME.with_for_update()
STUDY_DIRECTIONS = (
    select(models.study_directions.c.direction)
    .where(models.study_directions.c.study_id == bindparam("study_id"))
    .order_by(models.study_directions.c.objective)
)

# The newest trial of the study holds the highest number. Served by the (study_id) index, whose
# entries end with the primary key on SQLite and InnoDB: one index probe, not a scan of the study.
LAST_NUMBER = (
    select(_t.number).where(_t.study_id == bindparam("study_id")).order_by(_t.trial_id.desc()).limit(1)
)
INSERT_TRIAL = insert(models.trials)
TRIAL = select(models.trials).where(_t.trial_id == bindparam("trial_id"))
TRIAL_STUDY_STATE = select(_t.study_id, _t.state).where(_t.trial_id == bindparam("trial_id"))
TRIAL_NUMBER_STATE = select(_t.number, _t.state).where(_t.trial_id == bindparam("trial_id"))
# A locking read sees the latest committed row even inside a MySQL REPEATABLE READ transaction, whose plain reads
# see its snapshot: a trial deleted (with its study) since the snapshot must read as gone, not as still there.
TRIAL_NUMBER_STATE_CURRENT = TRIAL_NUMBER_STATE.with_for_update(read=True)


def poll_query(trial_condition: Any) -> Any:
    """The study's name joined with those of its trials that meet ``trial_condition``.

    No row: the study does not exist. One row with a NULL trial_id: it exists, no trial matched.
    Checking the study and reading its trials is thus one round trip. Unordered (it may be a branch
    of a UNION); order the outer query by trial_id.
    """
    studies = models.studies
    joined = studies.outerjoin(models.trials, and_(_t.study_id == studies.c.study_id, trial_condition))
    return (
        select(studies.c.study_name, models.trials)
        .select_from(joined)
        .where(studies.c.study_id == bindparam("study_id"))
    )


# First read of a study: all its trials.
POLL_ALL = poll_query(true()).order_by(_t.trial_id)
# Later polls: trials created since the previous poll (an index range: the study_id index ends with the
# primary key), UNION ALL the ones that were unfinished then (primary-key lookups; their study_name column
# is NULL). Written as one "id > x OR id IN (...)" condition, SQLite and PostgreSQL would scan every trial
# of the study instead.
POLL_CHANGED = union_all(
    poll_query(_t.trial_id > bindparam("last_id")),
    select(null().label("study_name"), models.trials).where(
        _t.trial_id.in_(bindparam("ids", expanding=True))
    ),
).order_by(column("trial_id"))

# The study's WAITING trials alone (what every ask polls for): one index range of the study, nothing else read.
POLL_WAITING = poll_query(_t.state == "WAITING").order_by(_t.trial_id)

# How many objectives the study of a trial has (checking the values given to a trial).
OBJECTIVES_OF_TRIAL = (
    select(models.study_directions.c.direction)
    .join(models.trials, _t.study_id == models.study_directions.c.study_id)
    .where(_t.trial_id == bindparam("trial_id"))
)


class ParamValue(TypeDecorator[float]):
    """A parameter value as bound to ``trial_params.param_value``: NaN becomes NULL on MySQL.

    MySQL's DOUBLE has no NaN (its driver refuses to send one); SQLite turns NaN into NULL by itself;
    PostgreSQL stores NaN. ``_trials.build_trials`` reads NULL back as NaN, so NaN round-trips everywhere.
    (MySQL has no infinity either: ``_validation.check_mysql_param`` refuses those before they get here.)
    """

    impl = Float(precision=models.FLOAT_PRECISION)
    cache_ok = True

    def process_bind_param(self, value: float | None, dialect: Any) -> float | None:
        if value is not None and dialect.name in ("mysql", "mariadb") and math.isnan(value):
            return None
        return value


_p = models.trial_params.c
FIRST_DISTRIBUTION = (
    select(_p.distribution_json)
    .join(models.trials, _t.trial_id == _p.trial_id)
    .where(_t.study_id == bindparam("study_id"), _p.param_name == bindparam("name"))
    .limit(1)
)
# "state IN (...)" over a constant list would be an expanding parameter, which SQLAlchemy renders into the SQL
# again at every execution (about 0.1 ms of CPU): two plain comparisons compile once.
_IS_UNFINISHED = or_(*(_t.state == state for state in UNFINISHED))

# Inserts the parameter only while the trial is unfinished; a row count of 0 means it was not.
INSERT_PARAM_IF_UNFINISHED = insert(models.trial_params).from_select(
    ["trial_id", "param_name", "param_value", "distribution_json"],
    select(
        _t.trial_id,
        bindparam("name", type_=_p.param_name.type),
        bindparam("value", type_=ParamValue()),
        bindparam("dist", type_=_p.distribution_json.type),
    ).where(_t.trial_id == bindparam("tid"), _IS_UNFINISHED),
)

# State changes are conditional on the current state; the row count says whether we won. (In
# INSERT/UPDATE statements a parameter may not share a column's name, hence "tid".)
TO_RUNNING = (
    update(models.trials)
    .where(_t.trial_id == bindparam("tid"), _t.state == "WAITING")
    .values(state="RUNNING", datetime_start=bindparam("now"))
)
TO_UNFINISHED = (
    update(models.trials)
    .where(_t.trial_id == bindparam("tid"), _IS_UNFINISHED)
    .values(state=bindparam("new_state"))
)
TO_FINISHED = (
    update(models.trials)
    .where(_t.trial_id == bindparam("tid"), _IS_UNFINISHED)
    .values(state=bindparam("new_state"), datetime_complete=bindparam("now"))
)
# The same changes when values come with them: they match nothing unless the study has ``n_values``
# objectives, so a wrong number of values changes nothing (the caller then asks why), and a right number
# costs no extra statement.
_n_objectives = (
    select(func.count())
    .select_from(models.study_directions)
    .where(models.study_directions.c.study_id == _t.study_id)
    .scalar_subquery()
)
TO_WITH_VALUES = {
    change: change.where(_n_objectives == bindparam("n_values"))
    for change in (TO_RUNNING, TO_UNFINISHED, TO_FINISHED)
}
_upsert_values: dict[str, Any] = {}


def upsert_values(dialect: str) -> Any:
    """INSERT into trial_values that overwrites an existing (trial_id, objective) row: one statement."""
    stmt = _upsert_values.get(dialect)
    if stmt is None:
        if dialect in ("mysql", "mariadb"):
            from sqlalchemy.dialects.mysql import insert as mysql_insert

            mysql_ins = mysql_insert(models.trial_values)
            stmt = mysql_ins.on_duplicate_key_update(
                value=mysql_ins.inserted.value, value_type=mysql_ins.inserted.value_type
            )
        elif dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            pg_ins = pg_insert(models.trial_values)
            stmt = pg_ins.on_conflict_do_update(
                index_elements=["trial_id", "objective"],
                set_={"value": pg_ins.excluded.value, "value_type": pg_ins.excluded.value_type},
            )
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            lite_ins = sqlite_insert(models.trial_values)
            stmt = lite_ins.on_conflict_do_update(
                index_elements=["trial_id", "objective"],
                set_={"value": lite_ins.excluded.value, "value_type": lite_ins.excluded.value_type},
            )
        _upsert_values[dialect] = stmt
    return stmt


def children_query(where_child: Any) -> Any:
    """One query for the child rows of some trials: (trial_id, kind, k, num, txt, ord).

    ``kind`` tags the table (p, v, i, u, s); ``k`` is the parameter name, objective, step or
    attribute key as text; ``num`` the float; ``txt`` the distribution JSON, value type or attribute
    JSON; ``ord`` the row's primary key (rows of each table come in insertion order).
    """
    p, v, i = models.trial_params, models.trial_values, models.trial_intermediate_values
    u, s = models.trial_user_attributes, models.trial_system_attributes
    text = String(models.MAX_INDEXED_STRING_LENGTH)

    def part(table: Any, kind: str, key: Any, num: Any, txt: Any, order: Any) -> Any:
        return select(
            table.c.trial_id.label("trial_id"),
            literal(kind, String(1)).label("kind"),
            key.label("k"),
            num.label("num"),
            txt.label("txt"),
            order.label("ord"),
        ).where(where_child(table))

    # A bare NULL takes the type of the other branches (MariaDB cannot CAST to FLOAT(53)).
    return union_all(
        part(p, "p", p.c.param_name, p.c.param_value, p.c.distribution_json, p.c.param_id),
        part(v, "v", v.c.objective.cast(text), v.c.value, v.c.value_type.cast(text), v.c.trial_value_id),
        part(
            i,
            "i",
            i.c.step.cast(text),
            i.c.intermediate_value,
            i.c.intermediate_value_type.cast(text),
            i.c.trial_intermediate_value_id,
        ),
        part(u, "u", u.c.key, null(), u.c.value_json, u.c.trial_user_attribute_id),
        part(s, "s", s.c.key, null(), s.c.value_json, s.c.trial_system_attribute_id),
    ).order_by(column("ord"))


CHILDREN_OF_TRIAL = children_query(lambda table: table.c.trial_id == bindparam("trial_id"))
CHILDREN_OF_IDS = children_query(lambda table: table.c.trial_id.in_(bindparam("ids", expanding=True)))
CHILDREN_OF_STUDY = children_query(
    lambda table: table.c.trial_id.in_(select(_t.trial_id).where(_t.study_id == bindparam("study_id")))
)

_upserts: dict[tuple[str, tuple[str, ...], tuple[str, ...]], tuple[Any, Any]] = {}


def upsert_statements(table: Any, keys: tuple[str, ...], values: tuple[str, ...]) -> tuple[Any, Any]:
    """(UPDATE, INSERT) for "set these columns of the row with these keys", built once per shape.

    Parameters are named ``k_<column>`` / ``v_<column>`` in the UPDATE and by column in the INSERT.
    """
    shape = (table.name, keys, values)
    built = _upserts.get(shape)
    if built is None:
        upd = (
            update(table)
            .where(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
            .values({v: bindparam(f"v_{v}") for v in values})
        )
        built = (upd, insert(table))
        _upserts[shape] = built
    return built
