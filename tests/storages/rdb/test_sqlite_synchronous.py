"""SQLite's durability level: NORMAL by default, ``?synchronous=full`` (or off/extra) in the URL.

See docs/rdb.md ("Durability") and docs/failure-handling.md for what each level risks.
"""

from __future__ import annotations

import pickle
import threading
from typing import TYPE_CHECKING

import pytest

import pyhpo
from pyhpo.storages import RDBStorage

if TYPE_CHECKING:
    from pathlib import Path

    import sqlalchemy

# PRAGMA synchronous reads back as a number.
_LEVELS = {"off": 0, "normal": 1, "full": 2, "extra": 3}


def _read(storage: RDBStorage) -> sqlalchemy.Connection:
    # A read transaction (plain BEGIN): the storage's engine opens write transactions with BEGIN
    # IMMEDIATE by default, and two of those at once would wait for each other.
    return storage.engine.connect().execution_options(pyhpo_write=False)


def _synchronous(storage: RDBStorage) -> int:
    with _read(storage) as conn:
        value = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    assert isinstance(value, int)
    return value


def test_default_is_normal_in_wal_mode(tmp_path: Path) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path}/a.db")
    assert _synchronous(storage) == _LEVELS["normal"]
    with _read(storage) as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


@pytest.mark.parametrize("level", ["full", "FULL", "extra", "off", "normal"])
def test_synchronous_in_the_url_sets_the_pragma_on_every_connection(tmp_path: Path, level: str) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path}/a.db?synchronous={level}")
    assert _synchronous(storage) == _LEVELS[level.lower()]
    # A second pooled connection, opened while the first is checked out, and one from another thread.
    with _read(storage) as first, _read(storage) as second:
        assert first.exec_driver_sql("PRAGMA synchronous").scalar() == _LEVELS[level.lower()]
        assert second.exec_driver_sql("PRAGMA synchronous").scalar() == _LEVELS[level.lower()]
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(_synchronous(storage)))
    thread.start()
    thread.join()
    assert seen == [_LEVELS[level.lower()]]
    # The option is pyhpo's: the database file is the one named, and the engine's URL is clean.
    assert storage.engine.url.database == f"{tmp_path}/a.db"
    assert "synchronous" not in storage.engine.url.query


def test_the_level_travels_with_the_storage_to_other_processes(tmp_path: Path) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path}/a.db?synchronous=full")
    clone = pickle.loads(pickle.dumps(storage))
    assert _synchronous(clone) == _LEVELS["full"]


def test_a_study_runs_with_full_sync_and_optuna_opens_the_file(tmp_path: Path) -> None:
    study = pyhpo.create_study(storage=f"sqlite:///{tmp_path}/a.db?synchronous=full", study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert _synchronous(study._storage) == _LEVELS["full"]  # type: ignore[arg-type]
    optuna = pytest.importorskip("optuna")
    assert len(optuna.load_study(study_name="s", storage=f"sqlite:///{tmp_path}/a.db").trials) == 3


@pytest.mark.parametrize("value", ["always", "2"])
def test_a_bad_level_is_refused_with_the_choices(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match=r"Invalid synchronous=.* expected one of off, normal, full, extra"):
        RDBStorage(f"sqlite:///{tmp_path}/a.db?synchronous={value}")
