"""Schema versions: creating the tables, stamping, checking and upgrading with alembic.

A database carries two version markers, both shared with Optuna: the ``version_info`` row (a
legacy integer, always 12 since alembic took over, plus the version of the library that created
the database) and the ``alembic_version`` row (the alembic revision, today Optuna's head
``v3.2.0.a``). pyhpo's alembic history starts at that revision; schema changes of our own will be
new revisions on top of it, applied with ``pyhpo storage upgrade --storage URL``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from alembic import command as alembic_command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, insert, select, text, update

from pyhpo.storages._rdb import models

__all__ = ["OPTUNA_LEGACY_REVISIONS", "VersionManager"]

# Optuna's revisions before the current schema. A database stamped with one of these needs
# Optuna's migrations, which we do not ship.
OPTUNA_LEGACY_REVISIONS = (
    "v0.9.0.a", "v1.2.0.a", "v1.3.0.a", "v2.4.0.a", "v2.6.0.a",
    "v3.0.0.a", "v3.0.0.b", "v3.0.0.c", "v3.0.0.d",
)  # fmt: skip
_HERE = os.path.dirname(os.path.abspath(__file__))


def _library_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"pyhpo {version('pyhpo')}"
    except PackageNotFoundError:  # running from a source tree
        return "pyhpo"


class VersionManager:
    """Owns everything the storage needs to know about schema revisions."""

    def __init__(self, engine: Engine, masked_url: str) -> None:
        self._engine = engine
        self._masked_url = masked_url
        logging.getLogger("alembic").setLevel(logging.WARNING)

    # -- alembic plumbing -------------------------------------------------------------------------
    def _config(self, connection: Connection | None = None) -> Config:
        config = Config(os.path.join(_HERE, "alembic.ini"))
        config.set_main_option("script_location", os.path.join(_HERE, "alembic").replace("%", "%%"))
        if connection is not None:
            config.attributes["connection"] = connection
        return config

    def _script(self) -> ScriptDirectory:
        return ScriptDirectory.from_config(self._config())

    def get_head_version(self) -> str:
        head = self._script().get_current_head()
        assert head is not None, "pyhpo's alembic history must have exactly one head"
        return head

    def get_all_versions(self) -> list[str]:
        """Known revisions, newest first (as Optuna lists them)."""
        return [r.revision for r in self._script().walk_revisions()]

    def get_current_version(self) -> str:
        with self._engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
        if revision is None:
            raise RuntimeError(
                f"The database at {self._masked_url} has no schema revision (no alembic_version row); "
                "it was not created by pyhpo or Optuna."
            )
        return revision

    # -- initialization ---------------------------------------------------------------------------
    def initialize(self, connection: Connection, create_tables: bool) -> None:
        """Create missing tables and version markers, inside the caller's (serialized) transaction."""
        if create_tables:
            models.metadata.create_all(connection, checkfirst=True)
        existing = connection.execute(select(models.version_info.c.schema_version)).first()
        context = MigrationContext.configure(connection)
        revision = context.get_current_revision()
        if existing is None:
            connection.execute(
                insert(models.version_info).values(
                    version_info_id=1,
                    schema_version=models.SCHEMA_VERSION,
                    library_version=_library_version(),
                )
            )
        if revision is None:
            # A new database gets our head; one from before alembic existed (Optuna < 1.2, a
            # version_info row with an older number) gets Optuna's base, which check() reports.
            fresh = existing is None or existing[0] == models.SCHEMA_VERSION
            target = self.get_head_version() if fresh else OPTUNA_LEGACY_REVISIONS[0]
            context.stamp(self._script(), target)

    def check(self) -> None:
        """Raise a RuntimeError saying what to run when the schema is not the one we use."""
        current = self.get_current_version()
        head = self.get_head_version()
        if current == head:
            return
        if current in self.get_all_versions():
            raise RuntimeError(
                f"The database at {self._masked_url} uses an older pyhpo schema (revision {current}; "
                f"this pyhpo uses {head}). Upgrade it once with "
                "`pyhpo storage upgrade --storage <URL>` (stop the workers first)."
            )
        if current in OPTUNA_LEGACY_REVISIONS:
            raise RuntimeError(
                f"The database at {self._masked_url} uses an older Optuna schema (revision {current}; "
                f"pyhpo needs {head}). Upgrade it once with Optuna's migrations: "
                "`pip install 'optuna>=3.2' && optuna storage upgrade --storage <URL>`."
            )
        raise RuntimeError(
            f"The database at {self._masked_url} uses schema revision {current!r}, which this pyhpo "
            f"does not know (it knows {', '.join(self.get_all_versions())}). It was probably written "
            "by a newer pyhpo or Optuna: upgrade pyhpo (`pip install -U pyhpo`)."
        )

    def upgrade(self) -> None:
        """Apply every migration between the database's revision and our head."""
        current = self.get_current_version()
        if current not in self.get_all_versions():
            self.check()  # raises with the instructions (Optuna's migrations, or a newer pyhpo)
        with self._engine.begin() as connection:
            alembic_command.upgrade(self._config(connection), "head")
            connection.execute(
                update(models.version_info).values(
                    schema_version=models.SCHEMA_VERSION, library_version=_library_version()
                )
            )


def serialize_schema_setup(connection: Connection) -> Any:
    """Serialize concurrent schema setup across processes, where the transaction alone does not.

    SQLite already holds the write lock (BEGIN IMMEDIATE). On PostgreSQL a transaction-scoped
    advisory lock makes 16 workers that start at once create the tables one after the other
    instead of racing on CREATE TABLE; MySQL commits DDL implicitly, so there a named lock held by
    the session is used (released by :func:`release_schema_lock`).
    """
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(7316001)"))
    elif dialect in ("mysql", "mariadb"):
        connection.execute(text("SELECT GET_LOCK('pyhpo_schema_setup', 120)"))


def release_schema_lock(connection: Connection) -> None:
    if connection.dialect.name in ("mysql", "mariadb"):
        connection.execute(text("SELECT RELEASE_LOCK('pyhpo_schema_setup')"))
