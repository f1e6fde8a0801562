"""Every storage backend the contract suite runs against: name -> factory of a fresh storage.

A factory is a context manager yielding a new, empty BaseStorage and cleaning up after it. To plug a backend
into tests/storages/test_contract.py, add one entry to BACKENDS.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager

from pyhpo.storages import BaseStorage, InMemoryStorage

Factory = Callable[[], ContextManager[BaseStorage]]


@contextlib.contextmanager
def in_memory() -> Iterator[BaseStorage]:
    yield InMemoryStorage()


@contextlib.contextmanager
def journal_file() -> Iterator[BaseStorage]:
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    with tempfile.TemporaryDirectory() as d:
        yield JournalStorage(JournalFileBackend(os.path.join(d, "journal.log")))


@contextlib.contextmanager
def journal_file_python() -> Iterator[BaseStorage]:
    """The journal file on the portable engine (what installs without the C extension use)."""
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend
    from pyhpo.storages.journal._engine import ENGINE_ENV

    with tempfile.TemporaryDirectory() as d:
        previous = os.environ.get(ENGINE_ENV)
        os.environ[ENGINE_ENV] = "python"  # read when the backend opens its engine, which keeps it
        try:
            backend = JournalFileBackend(os.path.join(d, "journal.log"))
        finally:
            if previous is None:
                del os.environ[ENGINE_ENV]
            else:
                os.environ[ENGINE_ENV] = previous
        assert backend._engine.engine == "python"
        yield JournalStorage(backend)


@contextlib.contextmanager
def journal_file_open_lock() -> Iterator[BaseStorage]:
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend, JournalFileOpenLock

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "journal.log")
        yield JournalStorage(JournalFileBackend(path, lock_obj=JournalFileOpenLock(path)))


@contextlib.contextmanager
def journal_file_symlink_lock() -> Iterator[BaseStorage]:
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend, JournalFileSymlinkLock

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "journal.log")
        yield JournalStorage(JournalFileBackend(path, lock_obj=JournalFileSymlinkLock(path)))


@contextlib.contextmanager
def journal_redis() -> Iterator[BaseStorage]:
    from tests.conftest import require_server_url

    url = require_server_url("PYHPO_TEST_REDIS_URL")
    import redis

    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalRedisBackend

    prefix = f"pyhpo-test-{uuid.uuid4().hex}"
    try:
        yield JournalStorage(JournalRedisBackend(url, prefix=prefix))
    finally:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)


@contextlib.contextmanager
def sqlite() -> Iterator[BaseStorage]:
    from pyhpo.storages import RDBStorage

    with tempfile.TemporaryDirectory() as d:
        storage = RDBStorage(f"sqlite:///{os.path.join(d, 'db.sqlite3')}")
        try:
            yield storage
        finally:
            storage.engine.dispose()


@contextlib.contextmanager
def _server_database(env_var: str) -> Iterator[BaseStorage]:
    """A fresh database on the server named by ``env_var``, dropped afterwards."""
    from tests.conftest import require_server_url

    url = require_server_url(env_var)
    from pyhpo.storages import RDBStorage
    from tests.storages.rdb.dbutil import temporary_database

    with temporary_database(url) as db_url:
        storage = RDBStorage(db_url)
        try:
            yield storage
        finally:
            storage.engine.dispose()


def postgresql() -> ContextManager[BaseStorage]:
    return _server_database("PYHPO_TEST_POSTGRES_URL")


def mysql() -> ContextManager[BaseStorage]:
    return _server_database("PYHPO_TEST_MYSQL_URL")


@contextlib.contextmanager
def _grpc_over(inner: Factory) -> Iterator[BaseStorage]:
    from pyhpo.storages import GrpcStorageProxy
    from pyhpo.storages._grpc.server import make_server

    with inner() as backend:
        server = make_server(backend, host="127.0.0.1", port=0)
        server.start()
        proxy = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        try:
            proxy.wait_server_ready(timeout=30)
            yield proxy
        finally:
            proxy.close()
            server.stop(grace=None)


def grpc_inmemory() -> ContextManager[BaseStorage]:
    return _grpc_over(in_memory)


def grpc_sqlite() -> ContextManager[BaseStorage]:
    return _grpc_over(sqlite)


def dask_in_memory() -> ContextManager[BaseStorage]:
    """pyhpo.integration.DaskStorage over an in-memory storage on a local Dask scheduler (skips without Dask)."""
    from tests.integration.dask_backend import dask_in_memory as dask_factory

    return dask_factory()


BACKENDS: dict[str, Factory] = {
    "in_memory": in_memory,
    "journal_file": journal_file,
    "journal_file_python": journal_file_python,
    "journal_file_open_lock": journal_file_open_lock,
    "journal_file_symlink_lock": journal_file_symlink_lock,
    "journal_redis": journal_redis,
    "sqlite": sqlite,
    "postgresql": postgresql,
    "mysql": mysql,
    "grpc_inmemory": grpc_inmemory,
    "grpc_sqlite": grpc_sqlite,
    "dask_in_memory": dask_in_memory,
}
