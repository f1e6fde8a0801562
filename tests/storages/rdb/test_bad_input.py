"""Bad URLs and unreachable databases give clear errors that name the URL without its password."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import sqlalchemy

from pyhpo.exceptions import StorageInternalError
from pyhpo.storages import get_storage
from pyhpo.storages._rdb.storage import RDBStorage
from tests.conftest import require_server_url

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize("url", ["not a url", "://nothing", "sqlite//missing-colon.db"])
def test_malformed_url_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="Invalid storage URL"):
        RDBStorage(url)


def test_malformed_url_message_hides_the_password() -> None:
    with pytest.raises(ValueError) as info:
        RDBStorage("postgresql+psycopg2://alice:s3cret@host:notaport/db")
    assert "s3cret" not in str(info.value) and "alice" in str(info.value)


@pytest.mark.parametrize("url", ["nosuchdb://u:s3cret@h/db", "postgresql+nosuchdriver://u:s3cret@h/db"])
def test_unknown_dialect_or_driver_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError, match="Unknown database dialect or driver") as info:
        RDBStorage(url)
    assert "s3cret" not in str(info.value) and "supported" in str(info.value)


@pytest.mark.parametrize(
    ("driver", "module"), [("postgresql+pg8000", "pg8000"), ("mysql+mysqldb", "MySQLdb")]
)
def test_missing_driver_module_says_what_to_install(driver: str, module: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here, so the driver is not missing")
    with pytest.raises(ImportError, match="not installed") as info:
        RDBStorage(f"{driver}://u:s3cret@127.0.0.1/db")
    assert "s3cret" not in str(info.value) and driver in str(info.value)


def test_non_string_url_is_rejected() -> None:
    with pytest.raises(ValueError, match="non-empty string"):
        RDBStorage("")


def _server(var: str) -> sqlalchemy.URL:
    return sqlalchemy.make_url(require_server_url(var))


def test_postgresql_database_that_does_not_exist() -> None:
    url = _server("PYHPO_TEST_POSTGRES_URL").set(database="pyhpo_no_such_db", password="s3cret")
    with pytest.raises(StorageInternalError, match="pyhpo_no_such_db") as info:
        RDBStorage(url.render_as_string(hide_password=False))
    assert "s3cret" not in str(info.value) and "***" in str(info.value)


def test_postgresql_unknown_user() -> None:
    url = _server("PYHPO_TEST_POSTGRES_URL").set(username="pyhpo_no_such_role", password="s3cret")
    with pytest.raises(StorageInternalError, match="pyhpo_no_such_role") as info:
        RDBStorage(url.render_as_string(hide_password=False))
    assert "s3cret" not in str(info.value)


def test_mysql_wrong_password() -> None:
    url = _server("PYHPO_TEST_MYSQL_URL").set(password="s3cret-wrong")
    with pytest.raises(StorageInternalError, match="Access denied") as info:
        RDBStorage(url.render_as_string(hide_password=False))
    assert "s3cret-wrong" not in str(info.value) and "***" in str(info.value)


def test_mysql_database_that_does_not_exist() -> None:
    url = _server("PYHPO_TEST_MYSQL_URL").set(database="pyhpo_no_such_db")
    with pytest.raises(StorageInternalError, match="pyhpo_no_such_db"):
        RDBStorage(url.render_as_string(hide_password=False))


def test_get_storage_builds_rdb_storage_from_any_sqlalchemy_url(tmp_path: Path) -> None:
    storage = get_storage(f"sqlite:///{tmp_path}/any.db")
    assert isinstance(storage, RDBStorage)
    assert storage.engine.url.database == f"{tmp_path}/any.db"


def test_storage_survives_pickling(tmp_path: Path) -> None:
    import pickle

    from pyhpo.study._study_direction import StudyDirection

    storage = RDBStorage(f"sqlite:///{tmp_path}/pickle.db", heartbeat_interval=5)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "pickled")
    clone = pickle.loads(pickle.dumps(storage))
    assert clone.get_study_name_from_id(study_id) == "pickled"
    assert clone.get_heartbeat_interval() == 5
