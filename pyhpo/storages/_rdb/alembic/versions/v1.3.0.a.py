"""Move trial numbers from the system attribute ``_number`` into a ``trials.number`` column.

Optuna 1.3. Trials that carry no ``_number`` (written before numbers existed) get the number Optuna
would have given them: their rank by ``trial_id`` within the study.

Revision ID: v1.3.0.a
Revises: v1.2.0.a
Create Date: 2026-12-06
"""

import json

import sqlalchemy as sa
from alembic import op

from pyhpo.storages._rdb._migrations import drop_enum_checks, executemany

revision = "v1.3.0.a"
down_revision = "v1.2.0.a"
branch_labels = None
depends_on = None

_trials = sa.table("trials", sa.column("trial_id"), sa.column("study_id"), sa.column("number"))
_attrs = sa.table("trial_system_attributes", sa.column("trial_id"), sa.column("key"), sa.column("value_json"))


def upgrade() -> None:
    bind = op.get_bind()
    # On SQLite the table is rebuilt to put the column where the models have it (after trial_id);
    # elsewhere it is simply added at the end.
    number = sa.Column("number", sa.Integer(), nullable=True)
    if bind.dialect.name == "sqlite":
        with op.batch_alter_table("trials", recreate="always") as batch:
            drop_enum_checks(batch, bind, "trials", "state")
            batch.add_column(number, insert_after="trial_id")
    else:
        op.add_column("trials", number)

    numbers = {
        trial_id: json.loads(value_json)
        for trial_id, value_json in bind.execute(
            sa.select(_attrs.c.trial_id, _attrs.c.value_json).where(_attrs.c.key == "_number")
        )
    }
    ranks: dict[int, int] = {}
    for trial_id, study_id in bind.execute(
        sa.select(_trials.c.trial_id, _trials.c.study_id).order_by(_trials.c.study_id, _trials.c.trial_id)
    ):
        rank = ranks[study_id] = ranks.get(study_id, -1) + 1
        numbers.setdefault(trial_id, rank)
    update = (
        sa.update(_trials).where(_trials.c.trial_id == sa.bindparam("tid")).values(number=sa.bindparam("num"))
    )
    executemany(bind, update, [{"tid": t, "num": n} for t, n in sorted(numbers.items())])
    bind.execute(sa.delete(_attrs).where(_attrs.c.key == "_number"))


def downgrade() -> None:
    raise NotImplementedError("pyhpo does not downgrade below v1.3.0.a; restore a backup instead.")
