"""The proxy server's cache of finished trials after the database reuses ids (issue 10, item 4).

A study is deleted behind the proxy's back (directly in the SQLite file) and a new one is created; SQLite
hands out the deleted rows' ids again. The server had the old trials' encodings cached under those ids: a new
client must get the new study's parameters and values, never the deleted study's.
"""

from __future__ import annotations

import sqlite3

import pytest

pytest.importorskip("grpc")

from typing import TYPE_CHECKING

from pyhpo.distributions import FloatDistribution
from pyhpo.storages import BaseStorage, RDBStorage
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.storages._grpc.server import make_server
from pyhpo.study import StudyDirection
from pyhpo.trial import TrialState

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

MIN = [StudyDirection.MINIMIZE]
TABLES = (
    "trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes",
    "trial_system_attributes", "trial_heartbeats", "trials", "study_directions", "study_user_attributes",
    "study_system_attributes", "studies",
)  # fmt: skip


@pytest.fixture
def sqlite_behind_proxy(tmp_path: Path) -> Iterator[tuple[str, Callable[[], GrpcStorageProxy]]]:
    """(database path, factory of new clients) for a proxy server in front of an RDBStorage on that file."""
    path = tmp_path / "db.sqlite3"
    backend = RDBStorage(f"sqlite:///{path}")
    server = make_server(backend, "127.0.0.1", 0).start()
    clients: list[GrpcStorageProxy] = []

    def connect() -> GrpcStorageProxy:
        clients.append(GrpcStorageProxy(host="127.0.0.1", port=server.port, retry_timeout=5.0))
        return clients[-1]

    try:
        yield str(path), connect
    finally:
        for client in clients:
            client.close()
        server.stop(grace=None)
        backend.engine.dispose()


def _fill(storage: BaseStorage, name: str, param: str, base: float) -> int:
    study_id = storage.create_new_study(MIN, name)
    for i in range(3):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_param(trial_id, param, 0.25 * i, FloatDistribution(0, 1))
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [base + i])
    return study_id


def _delete_everything_directly(path: str) -> None:
    with sqlite3.connect(path) as con:
        for table in TABLES:
            con.execute(f"DELETE FROM {table}")


def _seen(storage: BaseStorage, study_id: int) -> list[tuple[int, dict[str, float], list[float] | None]]:
    return [(t._trial_id, t.params, t.values) for t in storage.get_all_trials(study_id)]


@pytest.mark.parametrize("new_study_through", ["another process", "the proxy"])
def test_new_client_gets_the_new_study_when_deleted_ids_are_reused(
    sqlite_behind_proxy: tuple[str, Callable[[], GrpcStorageProxy]], new_study_through: str
) -> None:
    path, connect = sqlite_behind_proxy
    first = connect()
    old_id = _fill(first, "old", "x", 0.0)
    old = _seen(first, old_id)  # the server encodes and caches the three finished trials
    assert [params for _, params, _ in old] == [{"x": 0.0}, {"x": 0.25}, {"x": 0.5}]

    _delete_everything_directly(path)
    writer = RDBStorage(f"sqlite:///{path}") if new_study_through == "another process" else connect()
    new_id = _fill(writer, "new", "y", 100.0)
    expected = _seen(RDBStorage(f"sqlite:///{path}"), new_id)
    assert new_id == old_id and [i for i, _, _ in expected] == [i for i, _, _ in old]  # the ids were reused

    reader = connect()
    assert _seen(reader, new_id) == expected
    assert [(reader.get_trial(i).params, reader.get_trial(i).values) for i, _, _ in expected] == [
        ({"y": 0.0}, [100.0]), ({"y": 0.25}, [101.0]), ({"y": 0.5}, [102.0])
    ]  # fmt: skip
