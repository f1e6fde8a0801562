"""Intermediate values get a type: FINITE, INF_POS, INF_NEG or NAN (Optuna 3.0).

Infinities and NaN are no longer stored as floats (Optuna < 3 wrote +-float32 max for an infinity,
SQLite turned NaN into NULL): ``intermediate_value_type`` says which, and ``intermediate_value`` is
NULL for all but FINITE. Existing rows are classified by
:func:`pyhpo.storages._rdb._migrations.classify_float`.

Revision ID: v3.0.0.c
Revises: v3.0.0.b
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

revision = "v3.0.0.c"
down_revision = "v3.0.0.b"
branch_labels = None
depends_on = None

_TYPES = ("FINITE", "INF_POS", "INF_NEG", "NAN")
_rows = sa.table(
    "trial_intermediate_values",
    sa.column("trial_intermediate_value_id"),
    sa.column("intermediate_value"),
    sa.column("intermediate_value_type"),
)


def upgrade() -> None:
    bind = op.get_bind()
    ensure_enum(bind, "trialintermediatevaluetype", *_TYPES)
    kind = enum_type("trialintermediatevaluetype", *_TYPES)
    if "intermediate_value_type" not in column_names(bind, "trial_intermediate_values"):
        # Added with a server default so existing rows get FINITE, which is then removed again.
        with op.batch_alter_table("trial_intermediate_values") as batch:
            batch.add_column(
                sa.Column("intermediate_value_type", kind, nullable=False, server_default="FINITE")
            )
    with op.batch_alter_table("trial_intermediate_values") as batch:
        batch.alter_column(
            "intermediate_value_type", existing_type=kind, existing_nullable=False, server_default=None
        )

    value = _rows.c.intermediate_value
    suspects = bind.execute(
        sa.select(_rows.c.trial_intermediate_value_id, value).where(
            sa.or_(value > SUSPECT_MAGNITUDE, value < -SUSPECT_MAGNITUDE, value.is_(None))
        )
    ).all()
    changes = []
    for row_id, old in suspects:
        stored, float_type = classify_float(old, nan_allowed=True)
        changes.append({"rid": row_id, "v": stored, "t": float_type})
    update = (
        sa.update(_rows)
        .where(_rows.c.trial_intermediate_value_id == sa.bindparam("rid"))
        .values(intermediate_value=sa.bindparam("v"), intermediate_value_type=sa.bindparam("t"))
    )
    executemany(bind, update, changes)


def downgrade() -> None:
    raise NotImplementedError("pyhpo does not downgrade below v3.0.0.c; restore a backup instead.")
