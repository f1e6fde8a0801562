"""Baseline: the schema of Optuna's revision v3.2.0.a, which pyhpo's models reproduce.

pyhpo's migration history starts here. A database at this revision is shared with Optuna (>= 3.2):
both libraries accept it. Databases at older Optuna revisions must first be upgraded with
Optuna's own migrations (`optuna storage upgrade --storage URL`), which pyhpo does not ship.

Revision ID: v3.2.0.a
Revises:
Create Date: 2026-11-27
"""

from alembic import op

from pyhpo.storages._rdb.models import metadata

revision = "v3.2.0.a"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An empty database gets every table; existing tables are left as they are.
    metadata.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    raise NotImplementedError("The baseline revision cannot be downgraded.")
