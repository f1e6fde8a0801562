"""The relational schema of :class:`~pyhpo.storages.RDBStorage`.

The tables, columns, types, constraints and index names are those of Optuna's current RDB schema
(alembic revision ``v3.2.0.a``), so one database can be shared by pyhpo and Optuna workers and
opened by either library. Do not change a table here without adding an alembic migration under
``alembic/versions`` (and knowing that Optuna will then refuse the database).

The tables are plain SQLAlchemy Core :class:`~sqlalchemy.Table` objects: the storage issues
explicit statements (a handful per operation) instead of going through an ORM session, which keeps
the number of round trips per call small and predictable.

Enumerations are stored the way SQLAlchemy stores a Python ``enum.Enum`` column: by member *name*
(``"COMPLETE"``, ``"MINIMIZE"``, ...), as ``VARCHAR(n)`` on SQLite, a native ``ENUM`` on MySQL and
a named ``ENUM`` type on PostgreSQL (the type names below are the ones Optuna's models produce).
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "FLOAT_PRECISION",
    "HEAD_REVISION",
    "MAX_INDEXED_STRING_LENGTH",
    "MAX_VERSION_LENGTH",
    "SCHEMA_VERSION",
    "metadata",
    "studies",
    "study_directions",
    "study_system_attributes",
    "study_user_attributes",
    "trial_heartbeats",
    "trial_intermediate_values",
    "trial_params",
    "trial_system_attributes",
    "trial_user_attributes",
    "trial_values",
    "trials",
    "version_info",
]

# The legacy, pre-alembic schema number that Optuna still writes into ``version_info``. Fixed
# forever; real schema versions are alembic revisions.
SCHEMA_VERSION = 12
# The alembic revision this schema corresponds to (Optuna's current head).
HEAD_REVISION = "v3.2.0.a"

MAX_INDEXED_STRING_LENGTH = 512
MAX_VERSION_LENGTH = 256
FLOAT_PRECISION = 53

# Member names, in the order of the Python enums they mirror (pyhpo.study.StudyDirection,
# pyhpo.trial.TrialState and the finite/infinite markers of stored floats).
STUDY_DIRECTION_NAMES = ("NOT_SET", "MINIMIZE", "MAXIMIZE")
TRIAL_STATE_NAMES = ("RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING")
VALUE_TYPE_NAMES = ("FINITE", "INF_POS", "INF_NEG")
INTERMEDIATE_VALUE_TYPE_NAMES = ("FINITE", "INF_POS", "INF_NEG", "NAN")

metadata = MetaData()


def _key_column() -> Column[str]:
    # Quoted as "key" by SQLAlchemy on every dialect (a reserved word in MySQL).
    return Column("key", String(MAX_INDEXED_STRING_LENGTH))


def _float_column(name: str) -> Column[float]:
    # FLOAT(53) is a double on every backend (PostgreSQL "double precision", MySQL DOUBLE).
    return Column(name, Float(precision=FLOAT_PRECISION), nullable=True)


studies = Table(
    "studies",
    metadata,
    Column("study_id", Integer, primary_key=True),
    Column("study_name", String(MAX_INDEXED_STRING_LENGTH), index=True, unique=True, nullable=False),
)

study_directions = Table(
    "study_directions",
    metadata,
    Column("study_direction_id", Integer, primary_key=True),
    Column("direction", Enum(*STUDY_DIRECTION_NAMES, name="studydirection"), nullable=False),
    Column("study_id", Integer, ForeignKey("studies.study_id"), nullable=False),
    Column("objective", Integer, nullable=False),
    UniqueConstraint("study_id", "objective"),
)

study_user_attributes = Table(
    "study_user_attributes",
    metadata,
    Column("study_user_attribute_id", Integer, primary_key=True),
    Column("study_id", Integer, ForeignKey("studies.study_id")),
    _key_column(),
    Column("value_json", Text()),
    UniqueConstraint("study_id", "key"),
)

study_system_attributes = Table(
    "study_system_attributes",
    metadata,
    Column("study_system_attribute_id", Integer, primary_key=True),
    Column("study_id", Integer, ForeignKey("studies.study_id")),
    _key_column(),
    Column("value_json", Text()),
    UniqueConstraint("study_id", "key"),
)

# ``number`` carries no unique constraint in Optuna's schema (and so not in ours: adding one would
# make Optuna reject the database). Uniqueness of trial numbers is guaranteed by serializing trial
# creation per study instead; see ``RDBStorage._create_trial_in_transaction``.
# Datetimes are naive UTC, as Optuna stores them.
trials = Table(
    "trials",
    metadata,
    Column("trial_id", Integer, primary_key=True),
    Column("number", Integer),
    Column("study_id", Integer, ForeignKey("studies.study_id"), index=True),
    Column("state", Enum(*TRIAL_STATE_NAMES, name="trialstate"), nullable=False),
    Column("datetime_start", DateTime),
    Column("datetime_complete", DateTime),
)

trial_user_attributes = Table(
    "trial_user_attributes",
    metadata,
    Column("trial_user_attribute_id", Integer, primary_key=True),
    Column("trial_id", Integer, ForeignKey("trials.trial_id")),
    _key_column(),
    Column("value_json", Text()),
    UniqueConstraint("trial_id", "key"),
)

trial_system_attributes = Table(
    "trial_system_attributes",
    metadata,
    Column("trial_system_attribute_id", Integer, primary_key=True),
    Column("trial_id", Integer, ForeignKey("trials.trial_id")),
    _key_column(),
    Column("value_json", Text()),
    UniqueConstraint("trial_id", "key"),
)

trial_params = Table(
    "trial_params",
    metadata,
    Column("param_id", Integer, primary_key=True),
    Column("trial_id", Integer, ForeignKey("trials.trial_id")),
    Column("param_name", String(MAX_INDEXED_STRING_LENGTH)),
    _float_column("param_value"),
    Column("distribution_json", Text()),
    UniqueConstraint("trial_id", "param_name"),
)

trial_values = Table(
    "trial_values",
    metadata,
    Column("trial_value_id", Integer, primary_key=True),
    Column("trial_id", Integer, ForeignKey("trials.trial_id"), nullable=False),
    Column("objective", Integer, nullable=False),
    _float_column("value"),
    Column("value_type", Enum(*VALUE_TYPE_NAMES, name="trialvaluetype"), nullable=False),
    UniqueConstraint("trial_id", "objective"),
)

trial_intermediate_values = Table(
    "trial_intermediate_values",
    metadata,
    Column("trial_intermediate_value_id", Integer, primary_key=True),
    Column("trial_id", Integer, ForeignKey("trials.trial_id"), nullable=False),
    Column("step", Integer, nullable=False),
    _float_column("intermediate_value"),
    Column(
        "intermediate_value_type",
        Enum(*INTERMEDIATE_VALUE_TYPE_NAMES, name="trialintermediatevaluetype"),
        nullable=False,
    ),
    UniqueConstraint("trial_id", "step"),
)

trial_heartbeats = Table(
    "trial_heartbeats",
    metadata,
    Column("trial_heartbeat_id", Integer, primary_key=True),
    Column("trial_id", Integer, ForeignKey("trials.trial_id"), nullable=False),
    Column("heartbeat", DateTime, nullable=False),
    UniqueConstraint("trial_id"),
)

# At most one row (the check constraint pins its id to 1).
version_info = Table(
    "version_info",
    metadata,
    Column("version_info_id", Integer, primary_key=True, autoincrement=False, default=1),
    Column("schema_version", Integer),
    Column("library_version", String(MAX_VERSION_LENGTH)),
    CheckConstraint("version_info_id=1"),
)

# Child tables of a trial, in the order the storage reads them.
TRIAL_CHILD_TABLES = (
    trial_params,
    trial_values,
    trial_intermediate_values,
    trial_user_attributes,
    trial_system_attributes,
)
