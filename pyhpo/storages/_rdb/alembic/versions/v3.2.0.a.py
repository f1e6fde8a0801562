"""Index trials by study (Optuna 3.2); the schema pyhpo's models describe.

A database created by pyhpo or by Optuna >= 3.2 starts at this revision (its tables come from the
models, with the index ``ix_trials_study_id``); one upgraded from an older revision gets the index
under the name Optuna's migration gives it, ``trials_study_id_key`` (unless an index on
``trials.study_id`` exists already, as on MySQL). Tables that no migration
creates (``trial_heartbeats``) are added by :meth:`VersionManager.upgrade` after the migrations.

Revision ID: v3.2.0.a
Revises: v3.0.0.d
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "v3.2.0.a"
down_revision = "v3.0.0.d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Unless one is there already: MySQL keeps an index on every foreign key column, and a dump
    # restored from an old database carries it as a plain index, which a second one would duplicate.
    indexes = sa.inspect(op.get_bind()).get_indexes("trials")
    if not any(list(index["column_names"]) == ["study_id"] for index in indexes):
        op.create_index("trials_study_id_key", "trials", ["study_id"], unique=False)


def downgrade() -> None:
    existing = {index["name"] for index in sa.inspect(op.get_bind()).get_indexes("trials")}
    if "trials_study_id_key" in existing:
        op.drop_index("trials_study_id_key", table_name="trials")
