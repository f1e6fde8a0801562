"""Double-precision floats everywhere, and a nullable intermediate value (Optuna 3.0).

``Float`` becomes ``Float(53)`` for parameter, objective and intermediate values (MySQL had stored
them single precision). Objective-value rows without a value are removed (a finished trial whose
value is unknown has none); a COMPLETE trial without a value is an error, as in Optuna.

Revision ID: v3.0.0.b
Revises: v3.0.0.a
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "v3.0.0.b"
down_revision = "v3.0.0.a"
branch_labels = None
depends_on = None

_DOUBLE = sa.Float(precision=53)
_trials = sa.table("trials", sa.column("trial_id"), sa.column("state"))
_values = sa.table("trial_values", sa.column("trial_id"), sa.column("value"))


def upgrade() -> None:
    bind = op.get_bind()
    broken = bind.execute(
        sa.select(sa.func.count())
        .select_from(_values.join(_trials, _values.c.trial_id == _trials.c.trial_id))
        .where(_trials.c.state == "COMPLETE", _values.c.value.is_(None))
    ).scalar()
    if broken:
        raise ValueError("Found invalid trial_values records (value=None and state='COMPLETE')")
    bind.execute(sa.delete(_values).where(_values.c.value.is_(None)))

    with op.batch_alter_table("trial_intermediate_values") as batch:
        batch.alter_column("intermediate_value", type_=_DOUBLE, existing_type=sa.Float(), nullable=True)
    with op.batch_alter_table("trial_params") as batch:
        batch.alter_column("param_value", type_=_DOUBLE, existing_type=sa.Float(), existing_nullable=True)
    with op.batch_alter_table("trial_values") as batch:
        batch.alter_column("value", type_=_DOUBLE, existing_type=sa.Float(), nullable=False)


def downgrade() -> None:
    raise NotImplementedError("pyhpo does not downgrade below v3.0.0.b; restore a backup instead.")
