"""Schema versions: creating the tables, stamping, checking and upgrading with alembic.

A database carries two version markers, both shared with Optuna: the ``version_info`` row (a
legacy integer, always 12 since alembic took over, plus the version of the library that created
the database) and the ``alembic_version`` row (the alembic revision, today Optuna's head
``v3.2.0.a``). pyhpo's alembic history is Optuna's, revision for revision, from ``v0.9.0.a``
(Optuna 0.9) to ``v3.2.0.a``, written anew in ``alembic/versions``: a database written by any
Optuna release since 0.9 is brought up to date with ``pyhpo storage upgrade --storage URL``.
Schema changes of our own will be new revisions on top.
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
from sqlalchemy import inspect as sa_inspect

from pyhpo.storages._rdb import models

__all__ = ["BASE_REVISION", "OPTUNA_LEGACY_REVISIONS", "VersionManager"]

# Optuna's revisions before the current schema (Optuna 0.9 to 3.1), oldest first. Our migrations
# take a database at any of them to the head; only the wording of the messages tells them apart.
OPTUNA_LEGACY_REVISIONS = (
    "v0.9.0.a", "v1.2.0.a", "v1.3.0.a", "v2.4.0.a", "v2.6.0.a",
    "v3.0.0.a", "v3.0.0.b", "v3.0.0.c", "v3.0.0.d",
)  # fmt: skip
# The revision a database from before alembic (Optuna < 0.9: no alembic_version table, an older
# version_info.schema_version) is stamped with, as Optuna does: its tables are 0.9's.
BASE_REVISION = OPTUNA_LEGACY_REVISIONS[0]
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
        """Create missing tables and version markers, inside the caller's (serialized) transaction.

        A database at an older revision gets no new tables: they would have today's shape, and the
        migrations that create them from the old tables' rows would then find them in the way. The
        upgrade adds them (and :meth:`check` sends the user there).
        """
        context = MigrationContext.configure(connection)
        revision = context.get_current_revision()
        existing = None
        if sa_inspect(connection).has_table(models.version_info.name):
            existing = connection.execute(select(models.version_info.c.schema_version)).first()
        pre_alembic = revision is None and existing is not None and existing[0] != models.SCHEMA_VERSION
        outdated = pre_alembic or (revision is not None and revision != self.get_head_version())
        if create_tables and not outdated:
            models.metadata.create_all(connection, checkfirst=True)
        if existing is None:
            connection.execute(
                insert(models.version_info).values(
                    version_info_id=1,
                    schema_version=models.SCHEMA_VERSION,
                    library_version=_library_version(),
                )
            )
        if revision is None:
            # A new database gets our head; one from before alembic existed gets Optuna's base,
            # which check() reports and upgrade() migrates.
            context.stamp(self._script(), BASE_REVISION if pre_alembic else self.get_head_version())

    def check(self) -> None:
        """Raise a RuntimeError saying what to run when the schema is not the one we use."""
        current = self.get_current_version()
        head = self.get_head_version()
        if current == head:
            return
        if current in self.get_all_versions():
            writer = "Optuna" if current in OPTUNA_LEGACY_REVISIONS else "pyhpo"
            raise RuntimeError(
                f"The database at {self._masked_url} uses an older {writer} schema (revision {current}; "
                f"this pyhpo uses {head}). Upgrade it once with "
                "`pyhpo storage upgrade --storage <URL>` (stop the workers first, and keep a backup)."
            )
        raise RuntimeError(
            f"The database at {self._masked_url} uses schema revision {current!r}, which this pyhpo "
            f"does not know (it knows {', '.join(self.get_all_versions())}). It was probably written "
            "by a newer pyhpo or Optuna: upgrade pyhpo (`pip install -U pyhpo-opt`)."
        )

    def upgrade(self) -> None:
        """Apply every migration between the database's revision and our head, in one transaction.

        Tables that no migration creates (``trial_heartbeats``, which Optuna also only ever made
        with ``create_all``) are created afterwards, so the upgraded database is complete.
        """
        current = self.get_current_version()
        if current not in self.get_all_versions():
            self.check()  # raises: a revision of a newer pyhpo or Optuna
        with self._engine.begin() as connection:
            alembic_command.upgrade(self._config(connection), "head")
            models.metadata.create_all(connection, checkfirst=True)
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
