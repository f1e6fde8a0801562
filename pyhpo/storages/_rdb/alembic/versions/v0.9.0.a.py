"""Optuna 0.9's schema, the first one under alembic (Optuna 0.9.0 to 1.1).

The base of the chain. A database at this revision keeps a study's direction in ``studies``, a
trial's objective value in ``trials.value``, its intermediate values in ``trial_values`` (one row
per step) and its number in the system attribute ``_number``. Databases written before alembic
existed (a ``version_info`` row older than schema 12) are stamped with this revision when opened.

Revision ID: v0.9.0.a
Revises:
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "v0.9.0.a"
down_revision = None
branch_labels = None
depends_on = None

_KEY = 512  # indexed strings
_JSON = 2048  # attribute and distribution JSON, before v2.6.0.a made them TEXT


def _attribute_table(name: str, owner_table: str, owner_id: str) -> None:
    op.create_table(
        name,
        sa.Column(f"{name[:-1]}_id", sa.Integer(), primary_key=True),
        sa.Column(owner_id, sa.Integer(), sa.ForeignKey(f"{owner_table}.{owner_id}"), nullable=True),
        sa.Column("key", sa.String(_KEY), nullable=True),
        sa.Column("value_json", sa.String(_JSON), nullable=True),
        sa.UniqueConstraint(owner_id, "key"),
    )


def upgrade() -> None:
    op.create_table(
        "studies",
        sa.Column("study_id", sa.Integer(), primary_key=True),
        sa.Column("study_name", sa.String(_KEY), nullable=False),
        sa.Column(
            "direction", sa.Enum("NOT_SET", "MINIMIZE", "MAXIMIZE", name="studydirection"), nullable=False
        ),
    )
    op.create_index("ix_studies_study_name", "studies", ["study_name"], unique=True)
    op.create_table(
        "version_info",
        sa.Column("version_info_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("schema_version", sa.Integer(), nullable=True),
        sa.Column("library_version", sa.String(256), nullable=True),
        sa.CheckConstraint("version_info_id=1"),
    )
    _attribute_table("study_system_attributes", "studies", "study_id")
    _attribute_table("study_user_attributes", "studies", "study_id")
    op.create_table(
        "trials",
        sa.Column("trial_id", sa.Integer(), primary_key=True),
        sa.Column("study_id", sa.Integer(), sa.ForeignKey("studies.study_id"), nullable=True),
        sa.Column(
            "state", sa.Enum("RUNNING", "COMPLETE", "PRUNED", "FAIL", name="trialstate"), nullable=False
        ),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("datetime_start", sa.DateTime(), nullable=True),
        sa.Column("datetime_complete", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "trial_params",
        sa.Column("param_id", sa.Integer(), primary_key=True),
        sa.Column("trial_id", sa.Integer(), sa.ForeignKey("trials.trial_id"), nullable=True),
        sa.Column("param_name", sa.String(_KEY), nullable=True),
        sa.Column("param_value", sa.Float(), nullable=True),
        sa.Column("distribution_json", sa.String(_JSON), nullable=True),
        sa.UniqueConstraint("trial_id", "param_name"),
    )
    _attribute_table("trial_system_attributes", "trials", "trial_id")
    _attribute_table("trial_user_attributes", "trials", "trial_id")
    op.create_table(
        "trial_values",
        sa.Column("trial_value_id", sa.Integer(), primary_key=True),
        sa.Column("trial_id", sa.Integer(), sa.ForeignKey("trials.trial_id"), nullable=True),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.UniqueConstraint("trial_id", "step"),
    )


def downgrade() -> None:
    for table in (
        "trial_values",
        "trial_user_attributes",
        "trial_system_attributes",
        "trial_params",
        "trials",
        "study_user_attributes",
        "study_system_attributes",
        "version_info",
    ):
        op.drop_table(table)
    op.drop_index("ix_studies_study_name", table_name="studies")
    op.drop_table("studies")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TYPE IF EXISTS trialstate")
        bind.exec_driver_sql("DROP TYPE IF EXISTS studydirection")
