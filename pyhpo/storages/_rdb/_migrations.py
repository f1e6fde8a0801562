"""What the alembic migrations from Optuna's older schemas share: column types, float rules, JSON.

The migrations under ``alembic/versions`` take a database written by any Optuna release since 0.9
to the schema pyhpo (and Optuna >= 3.2) use. They carry Optuna's revision ids, so a database
stamped by Optuna moves along the same chain. They speak SQLAlchemy Core (lightweight
``sa.table`` descriptions of each table as it is *at that revision*), never today's models, which
describe only the newest schema.

Dialect notes, in one place:

* SQLite cannot ALTER most things: every structural change goes through
  ``op.batch_alter_table``, which rebuilds the table (create a copy, move the rows, rename).
* PostgreSQL keeps enumerations as named types (``trialstate``, ``studydirection``, ...). A table
  created by a migration may use a type that already exists, so column types here never issue
  ``CREATE TYPE`` themselves (:func:`enum_type`); :func:`ensure_enum` creates a type once, if absent.
* MySQL stored ``Float()`` as single precision before v3.0.0.b, which is why a float close to the
  largest float32 counts as infinity (:func:`classify_float`), as Optuna decided.
"""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from pyhpo.distributions import distribution_to_json, json_to_distribution

if TYPE_CHECKING:
    from collections.abc import Sequence

    from alembic.operations import BatchOperations

__all__ = [
    "FLOAT32_MAX",
    "SUSPECT_MAGNITUDE",
    "classify_float",
    "column_names",
    "drop_enum_checks",
    "ensure_enum",
    "enum_type",
    "executemany",
    "new_distribution_json",
]

# The largest float32. Optuna < 3 clamped infinities to +-this before storing them, and MySQL's
# single-precision FLOAT columns rounded everything near it to it.
FLOAT32_MAX = 3.4028234663852886e38
# Only values this large (or NULL) can be infinities or NaN in disguise; finite values below it are
# left as they are. The same threshold as Optuna's migrations.
SUSPECT_MAGNITUDE = 1e16


def enum_type(name: str, *values: str) -> sa.types.TypeEngine[Any]:
    """An enumeration column type that leaves PostgreSQL's named type alone (see :func:`ensure_enum`)."""
    return sa.Enum(*values, name=name).with_variant(
        postgresql.ENUM(*values, name=name, create_type=False), "postgresql"
    )


def ensure_enum(bind: sa.Connection, name: str, *values: str) -> None:
    """Create PostgreSQL's named enumeration type ``name`` unless it exists (a no-op elsewhere)."""
    if bind.dialect.name == "postgresql":
        postgresql.ENUM(*values, name=name).create(bind, checkfirst=True)


def _near(value: float, target: float) -> bool:
    # numpy.isclose's default tolerances, which Optuna's migrations used.
    return abs(value - target) <= 1e-8 + 1e-5 * abs(target)


def classify_float(value: float | None, nan_allowed: bool) -> tuple[float | None, str]:
    """Split a float written by Optuna < 3 into today's ``(stored value, value type)`` pair.

    NULL and NaN become ``(None, "NAN")`` (SQLite stores a NaN as NULL); +-infinity and the clamped
    +-float32 maximum become ``(None, "INF_POS")`` / ``(None, "INF_NEG")``; anything else stays
    ``FINITE``. ``nan_allowed`` is False for objective values, which were never NaN.
    """
    if value is None or math.isnan(value):
        if not nan_allowed:
            raise ValueError(f"An objective value cannot be NaN or NULL here (got {value!r}).")
        return None, "NAN"
    if value == math.inf or _near(value, FLOAT32_MAX):
        return None, "INF_POS"
    if value == -math.inf or _near(value, -FLOAT32_MAX):
        return None, "INF_NEG"
    return value, "FINITE"


def new_distribution_json(old_json: str) -> str:
    """Rewrite a distribution stored by Optuna 2 (``UniformDistribution``, ...) in today's JSON.

    Uniform and log-uniform become :class:`~pyhpo.distributions.FloatDistribution` (``step=None``),
    discrete-uniform a FloatDistribution with ``step=q``, int-uniform and int-log-uniform an
    :class:`~pyhpo.distributions.IntDistribution` with the same ``step``; categorical and already
    new distributions come back unchanged, byte for byte.
    """
    if json.loads(old_json).get("name") in (
        "FloatDistribution",
        "IntDistribution",
        "CategoricalDistribution",
    ):
        return old_json
    return distribution_to_json(json_to_distribution(old_json))


def executemany(
    bind: sa.Connection, statement: sa.Executable, rows: Sequence[dict[str, Any]], chunk: int = 5000
) -> None:
    """Run ``statement`` once per row, ``chunk`` rows per round trip (nothing when there are none)."""
    for start in range(0, len(rows), chunk):
        bind.execute(statement, list(rows[start : start + chunk]))


def column_names(bind: sa.Connection, table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(bind).get_columns(table)]


def drop_enum_checks(batch: BatchOperations, bind: sa.Connection, table: str, column: str) -> None:
    """On SQLite, drop the CHECK constraints that SQLAlchemy < 1.4 attached to the enum ``column``.

    Old SQLAlchemy wrote ``CONSTRAINT trialstate CHECK (state IN (...))`` into the table; a batch
    rebuild would copy it, which fails when the column goes away and refuses a new member when it
    gains one. Today's schema (Optuna's and ours) has no such constraints.
    """
    if bind.dialect.name != "sqlite":
        return
    for check in sa.inspect(bind).get_check_constraints(table):
        if check.get("name") and re.search(rf"\b{re.escape(column)}\b", str(check["sqltext"])):
            batch.drop_constraint(str(check["name"]), type_="check")
