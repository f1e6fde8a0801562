"""Rewrite Optuna 2's distribution JSON as FloatDistribution / IntDistribution (Optuna 3.0).

``UniformDistribution``, ``LogUniformDistribution``, ``DiscreteUniformDistribution``,
``IntUniformDistribution`` and ``IntLogUniformDistribution`` in ``trial_params.distribution_json``
become the equivalent new distributions (see
:func:`pyhpo.storages._rdb._migrations.new_distribution_json`). Parameter values are unchanged:
both forms store the same internal float.

Revision ID: v3.0.0.a
Revises: v2.6.0.a
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from pyhpo.storages._rdb._migrations import executemany, new_distribution_json

revision = "v3.0.0.a"
down_revision = "v2.6.0.a"
branch_labels = None
depends_on = None

_PAGE = 5000
_params = sa.table("trial_params", sa.column("param_id"), sa.column("distribution_json"))


def upgrade() -> None:
    bind = op.get_bind()
    converted: dict[str, str] = {}  # a study has few distinct distributions and many rows of each
    update = (
        sa.update(_params)
        .where(_params.c.param_id == sa.bindparam("pid"))
        .values(distribution_json=sa.bindparam("dist"))
    )
    # Page through the table by key, so memory stays flat however many parameters there are.
    last = None
    while True:
        page = sa.select(_params.c.param_id, _params.c.distribution_json).order_by(_params.c.param_id)
        if last is not None:
            page = page.where(_params.c.param_id > last)
        rows = bind.execute(page.limit(_PAGE)).all()
        if not rows:
            return
        changes = []
        for param_id, old in rows:
            if old is None:
                continue
            if old not in converted:
                converted[old] = new_distribution_json(old)
            if converted[old] != old:
                changes.append({"pid": param_id, "dist": converted[old]})
        executemany(bind, update, changes)
        last = rows[-1][0]


def downgrade() -> None:
    raise NotImplementedError("pyhpo does not downgrade below v3.0.0.a; restore a backup instead.")
