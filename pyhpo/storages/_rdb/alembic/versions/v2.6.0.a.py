"""Attribute and distribution JSON as TEXT instead of VARCHAR(2048) (Optuna 2.6).

Revision ID: v2.6.0.a
Revises: v2.4.0.a
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "v2.6.0.a"
down_revision = "v2.4.0.a"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("study_user_attributes", "value_json"),
    ("study_system_attributes", "value_json"),
    ("trial_user_attributes", "value_json"),
    ("trial_system_attributes", "value_json"),
    ("trial_params", "distribution_json"),
)


def upgrade() -> None:
    for table, column in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.Text(), existing_type=sa.String(2048), existing_nullable=True)


def downgrade() -> None:
    for table, column in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(2048), existing_type=sa.Text(), existing_nullable=True)
