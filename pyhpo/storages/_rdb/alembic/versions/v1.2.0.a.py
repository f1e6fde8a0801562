"""Add the WAITING trial state (Optuna 1.2: ``Study.enqueue_trial``).

Revision ID: v1.2.0.a
Revises: v0.9.0.a
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from pyhpo.storages._rdb._migrations import drop_enum_checks

revision = "v1.2.0.a"
down_revision = "v0.9.0.a"
branch_labels = None
depends_on = None

_OLD = ("RUNNING", "COMPLETE", "PRUNED", "FAIL")
_NEW = (*_OLD, "WAITING")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # A named type: the new member is added to it (retyping the column would not add it).
        bind.exec_driver_sql("ALTER TYPE trialstate ADD VALUE IF NOT EXISTS 'WAITING'")
        return
    # MySQL: MODIFY the inline ENUM. SQLite: the table is rebuilt, which also drops the CHECK
    # constraint that SQLAlchemy < 1.4 attached to the column (it would refuse 'WAITING').
    with op.batch_alter_table(
        "trials", recreate="always" if bind.dialect.name == "sqlite" else "auto"
    ) as batch:
        drop_enum_checks(batch, bind, "trials", "state")
        batch.alter_column(
            "state",
            type_=sa.Enum(*_NEW, name="trialstate"),
            existing_type=sa.Enum(*_OLD, name="trialstate"),
            existing_nullable=False,
        )


def downgrade() -> None:
    raise NotImplementedError("pyhpo does not downgrade below v1.2.0.a; restore a backup instead.")
