"""Objective values get a type: FINITE, INF_POS or INF_NEG (Optuna 3.0).

As v3.0.0.c did for intermediate values: ``value_type`` says whether ``trial_values.value`` is a
finite float or an infinity (then ``value`` is NULL, so the column becomes nullable). Existing rows
are classified by :func:`pyhpo.storages._rdb._migrations.classify_float`.

Revision ID: v3.0.0.d
Revises: v3.0.0.c
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from pyhpo.storages._rdb._migrations import (
    SUSPECT_MAGNITUDE,
    classify_float,
    column_names,
    ensure_enum,
    enum_type,
    executemany,
)

revision = "v3.0.0.d"
down_revision = "v3.0.0.c"
branch_labels = None
depends_on = None

_TYPES = ("FINITE", "INF_POS", "INF_NEG")
_rows = sa.table("trial_values", sa.column("trial_value_id"), sa.column("value"), sa.column("value_type"))


def upgrade() -> None:
    bind = op.get_bind()
    ensure_enum(bind, "trialvaluetype", *_TYPES)
    kind = enum_type("trialvaluetype", *_TYPES)
    if "value_type" not in column_names(bind, "trial_values"):
        with op.batch_alter_table("trial_values") as batch:
            batch.add_column(sa.Column("value_type", kind, nullable=False, server_default="FINITE"))
    with op.batch_alter_table("trial_values") as batch:
        batch.alter_column("value_type", existing_type=kind, existing_nullable=False, server_default=None)
        batch.alter_column("value", existing_type=sa.Float(precision=53), nullable=True)

    value = _rows.c.value
    suspects = bind.execute(
        sa.select(_rows.c.trial_value_id, value).where(
            sa.or_(value > SUSPECT_MAGNITUDE, value < -SUSPECT_MAGNITUDE)
        )
    ).all()
    changes = []
    for row_id, old in suspects:
        stored, value_type = classify_float(old, nan_allowed=False)
        changes.append({"rid": row_id, "v": stored, "t": value_type})
    update = (
        sa.update(_rows)
        .where(_rows.c.trial_value_id == sa.bindparam("rid"))
        .values(value=sa.bindparam("v"), value_type=sa.bindparam("t"))
    )
    executemany(bind, update, changes)


def downgrade() -> None:
    raise NotImplementedError("pyhpo does not downgrade below v3.0.0.d; restore a backup instead.")
