"""Multi-objective studies (Optuna 2.4): directions and values per objective.

* ``study_directions`` (one row per objective) takes over ``studies.direction``;
* ``trial_intermediate_values`` takes over the intermediate values that ``trial_values`` held;
* ``trial_values`` then holds the objective values, one row per objective, instead of
  ``trials.value``: (trial_id, objective, value), unique (trial_id, objective). Once its rows are
  copied it is created anew in that shape rather than altered column by column (which left a
  nullable ``trial_id`` behind in Optuna's migration).

One deliberate difference from Optuna's own migration: ``intermediate_value`` is created nullable
here. SQLite stored a reported NaN as NULL, and Optuna's NOT NULL column made its upgrade of such a
database fail; v3.0.0.b makes the column nullable anyway and v3.0.0.c turns NULL into NaN.

If the two new tables already exist (a newer Optuna or pyhpo opened the old database and created
them), they are replaced as long as they are empty.

Revision ID: v2.4.0.a
Revises: v1.3.0.a
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

from pyhpo.storages._rdb._migrations import drop_enum_checks, enum_type

revision = "v2.4.0.a"
down_revision = "v1.3.0.a"
branch_labels = None
depends_on = None

_studies = sa.table("studies", sa.column("study_id"), sa.column("direction"))
_directions = sa.table(
    "study_directions", sa.column("study_id"), sa.column("direction"), sa.column("objective")
)
_trials = sa.table("trials", sa.column("trial_id"), sa.column("value"))
_values = sa.table(
    "trial_values", sa.column("trial_id"), sa.column("step"), sa.column("value"), sa.column("objective")
)
_intermediate = sa.table(
    "trial_intermediate_values", sa.column("trial_id"), sa.column("step"), sa.column("intermediate_value")
)


def _drop_if_empty(bind: sa.Connection, name: str) -> None:
    if name not in sa.inspect(bind).get_table_names():
        return
    if bind.execute(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first() is not None:
        raise RuntimeError(
            f"Cannot upgrade: table {name!r} already holds rows, but the database is at revision v1.3.0.a "
            "(it was written to by a newer Optuna or pyhpo without being upgraded first)."
        )
    op.drop_table(name)


def upgrade() -> None:
    bind = op.get_bind()
    _drop_if_empty(bind, "study_directions")
    _drop_if_empty(bind, "trial_intermediate_values")
    op.create_table(
        "study_directions",
        sa.Column("study_direction_id", sa.Integer(), primary_key=True),
        sa.Column(
            "direction", enum_type("studydirection", "NOT_SET", "MINIMIZE", "MAXIMIZE"), nullable=False
        ),
        sa.Column("study_id", sa.Integer(), sa.ForeignKey("studies.study_id"), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.UniqueConstraint("study_id", "objective"),
    )
    op.create_table(
        "trial_intermediate_values",
        sa.Column("trial_intermediate_value_id", sa.Integer(), primary_key=True),
        sa.Column("trial_id", sa.Integer(), sa.ForeignKey("trials.trial_id"), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("intermediate_value", sa.Float(), nullable=True),
        sa.UniqueConstraint("trial_id", "step"),
    )

    bind.execute(
        sa.insert(_directions).from_select(
            ["study_id", "direction", "objective"],
            sa.select(_studies.c.study_id, _studies.c.direction, sa.literal(0)),
        )
    )
    bind.execute(
        sa.insert(_intermediate).from_select(
            ["trial_id", "step", "intermediate_value"],
            sa.select(_values.c.trial_id, _values.c.step, _values.c.value).where(_values.c.step.is_not(None)),
        )
    )

    # trial_values is done with: created again in its new shape (its rows are all copied above),
    # then filled from trials.value as objective 0.
    op.drop_table("trial_values")
    op.create_table(
        "trial_values",
        sa.Column("trial_value_id", sa.Integer(), primary_key=True),
        sa.Column("trial_id", sa.Integer(), sa.ForeignKey("trials.trial_id"), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.UniqueConstraint("trial_id", "objective", name="uq_trial_values_trial_id_objective"),
    )
    bind.execute(
        sa.insert(_values).from_select(
            ["trial_id", "objective", "value"], sa.select(_trials.c.trial_id, sa.literal(0), _trials.c.value)
        )
    )

    with op.batch_alter_table("studies") as batch:
        drop_enum_checks(batch, bind, "studies", "direction")
        batch.drop_column("direction")
    with op.batch_alter_table("trials") as batch:
        drop_enum_checks(batch, bind, "trials", "state")  # SQLAlchemy < 1.4 wrote one (Optuna 1.2 to 2.5)
        batch.drop_column("value")


def downgrade() -> None:
    raise NotImplementedError("pyhpo does not downgrade below v2.4.0.a; restore a backup instead.")
