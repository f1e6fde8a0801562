"""The schema pyhpo creates is Optuna's, table for table, and version markers are checked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy

from pyhpo.storages._rdb.models import HEAD_REVISION, SCHEMA_VERSION
from pyhpo.storages._rdb.storage import RDBStorage, upgrade_storage
from tests.conftest import require_server_url
from tests.storages.rdb.dbutil import create_private_database, drop_private_database

optuna = pytest.importorskip("optuna")

pytestmark = [pytest.mark.interop("RDB schema DDL and alembic revision")]


def _describe(url: str) -> dict[str, object]:
    """Tables with columns (name, type, nullability), keys, unique constraints, indexes and FKs."""
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    inspector = sqlalchemy.inspect(engine)
    described: dict[str, object] = {}
    for table in sorted(inspector.get_table_names()):
        described[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            "pk": inspector.get_pk_constraint(table)["constrained_columns"],
            "unique": sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)
            ),
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in inspector.get_foreign_keys(table)
            ),
        }
    engine.dispose()
    return described


def _markers(url: str) -> tuple[object, ...]:
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as conn:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        schema = conn.exec_driver_sql("SELECT schema_version FROM version_info").scalar()
    engine.dispose()
    return revision, schema


def test_sqlite_ddl_is_identical_to_optunas(tmp_path: Path) -> None:
    RDBStorage(f"sqlite:///{tmp_path}/ours.db")
    optuna.storages.RDBStorage(f"sqlite:///{tmp_path}/theirs.db")

    def ddl(path: Path) -> list[tuple[str, str]]:
        with sqlite3.connect(path) as conn:
            return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))

    assert ddl(tmp_path / "ours.db") == ddl(tmp_path / "theirs.db")
    assert _markers(f"sqlite:///{tmp_path}/ours.db") == (HEAD_REVISION, SCHEMA_VERSION)


@pytest.mark.parametrize("server_var", ["PYHPO_TEST_POSTGRES_URL", "PYHPO_TEST_MYSQL_URL"])
def test_server_schema_matches_optunas(server_var: str) -> None:
    server = require_server_url(server_var)
    ours, theirs = create_private_database(server), create_private_database(server)
    try:
        RDBStorage(ours).engine.dispose()
        optuna.storages.RDBStorage(theirs).engine.dispose()
        assert _describe(ours) == _describe(theirs)
        assert _markers(ours) == _markers(theirs) == (HEAD_REVISION, SCHEMA_VERSION)
    finally:
        drop_private_database(ours)
        drop_private_database(theirs)


def _stamp(url: str, revision: str) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{revision}'")
    engine.dispose()


def test_older_optuna_schema_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    RDBStorage(url).engine.dispose()
    _stamp(url, "v3.0.0.d")
    with pytest.raises(RuntimeError, match=r"v3\.0\.0\.d.*`pyhpo storage upgrade --storage <URL>`"):
        RDBStorage(url)
    # Skipping the check still opens it (that is how the upgrade command gets in).
    assert RDBStorage(url, skip_compatibility_check=True).get_current_version() == "v3.0.0.d"
    # pyhpo carries Optuna's migrations (tests/storages/rdb/test_upgrade_from_optuna.py).
    assert upgrade_storage(url) == "Completed to upgrade the storage."
    assert RDBStorage(url).get_current_version() == HEAD_REVISION


def test_unknown_revision_asks_to_upgrade_pyhpo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/future.db"
    RDBStorage(url).engine.dispose()
    _stamp(url, "v9.9.9.z")
    with pytest.raises(RuntimeError, match=r"v9\.9\.9\.z.*pip install -U pyhpo"):
        RDBStorage(url)


def test_versions_and_upgrade_of_a_current_database(tmp_path: Path) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path}/v.db")
    assert storage.get_current_version() == storage.get_head_version() == HEAD_REVISION
    assert (
        storage.get_all_versions()
        == optuna.storages.RDBStorage(f"sqlite:///{tmp_path}/o.db").get_all_versions()
    )
    storage.upgrade()  # nothing to do, and it must not break the database
    assert storage.get_current_version() == HEAD_REVISION
    RDBStorage(storage.url)  # still accepted


def test_optuna_database_is_accepted_and_ours_by_optuna(tmp_path: Path) -> None:
    theirs = f"sqlite:///{tmp_path}/theirs.db"
    optuna.storages.RDBStorage(theirs)
    assert RDBStorage(theirs).get_current_version() == HEAD_REVISION
    ours = f"sqlite:///{tmp_path}/ours.db"
    RDBStorage(ours)
    assert optuna.storages.RDBStorage(ours).get_current_version() == HEAD_REVISION


def test_skip_table_creation_on_empty_database_fails_clearly(tmp_path: Path) -> None:
    from pyhpo.exceptions import StorageInternalError

    with pytest.raises(StorageInternalError, match="version_info"):
        RDBStorage(f"sqlite:///{tmp_path}/empty.db", skip_table_creation=True)


def test_a_later_migration_is_required_then_applied_by_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulate pyhpo's next schema change: a revision on top of ours, applied by upgrade()."""
    import shutil

    import pyhpo.storages._rdb._versions as versions

    here = tmp_path / "rdb"
    shutil.copytree(
        Path(versions.__file__).parent / "alembic",
        here / "alembic",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(Path(versions.__file__).parent / "alembic.ini", here / "alembic.ini")
    (here / "alembic" / "versions" / "pyhpo_next.py").write_text(
        '"""A pretend next revision."""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        'revision = "pyhpo_next"\ndown_revision = "v3.2.0.a"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade():\n"
        '    op.create_table("pyhpo_probe", sa.Column("id", sa.Integer, primary_key=True))\n\n\n'
        "def downgrade():\n"
        '    op.drop_table("pyhpo_probe")\n'
    )
    url = f"sqlite:///{tmp_path}/old.db"
    RDBStorage(url).engine.dispose()  # written at v3.2.0.a by "the previous pyhpo"
    monkeypatch.setattr(versions, "_HERE", str(here))
    with pytest.raises(
        RuntimeError, match=r"older pyhpo schema \(revision v3\.2\.0\.a.*pyhpo storage upgrade"
    ):
        RDBStorage(url)
    storage = RDBStorage(url, skip_compatibility_check=True)
    assert storage.get_all_versions()[:2] == ["pyhpo_next", "v3.2.0.a"]
    assert upgrade_storage(url) == "Completed to upgrade the storage."
    assert storage.get_current_version() == "pyhpo_next"
    assert upgrade_storage(url) == "This storage is up-to-date."
    assert "pyhpo_probe" in sqlalchemy.inspect(storage.engine).get_table_names()
    RDBStorage(url)  # accepted now
