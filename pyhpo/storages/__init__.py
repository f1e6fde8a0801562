"""Where studies live: in memory, in a journal file, in a database, or behind a gRPC proxy.

Backends with optional dependencies (SQLAlchemy drivers, grpcio, redis) are imported on first use, so
``import pyhpo`` stays fast and works without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pyhpo import _runtime
from pyhpo.storages._base import BaseStorage
from pyhpo.storages._callbacks import RetryFailedTrialCallback, RetryHeartbeatStaleTrialCallback
from pyhpo.storages._heartbeat import BaseHeartbeat
from pyhpo.storages._in_memory import InMemoryStorage

if TYPE_CHECKING:
    from pyhpo.storages._grpc.client import GrpcStorageProxy
    from pyhpo.storages._grpc.server import run_grpc_proxy_server
    from pyhpo.storages._journal_locks import JournalFileOpenLock, JournalFileSymlinkLock
    from pyhpo.storages._rdb.storage import RDBStorage
    from pyhpo.storages.journal._deprecated import (
        BaseJournalLogStorage,
        JournalFileStorage,
        JournalRedisStorage,
    )
    from pyhpo.storages.journal._storage import JournalStorage
    from pyhpo.study._heartbeat import fail_stale_trials

__all__ = [
    "BaseHeartbeat",
    "BaseJournalLogStorage",
    "BaseStorage",
    "GrpcStorageProxy",
    "InMemoryStorage",
    "JournalFileOpenLock",
    "JournalFileStorage",
    "JournalFileSymlinkLock",
    "JournalRedisStorage",
    "JournalStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
    "RetryHeartbeatStaleTrialCallback",
    "fail_stale_trials",
    "get_storage",
    "run_grpc_proxy_server",
]

# name -> module defining it, loaded on first use. Optuna's pre-4.0 journal names (deprecated: creating one
# warns) live in journal._deprecated; the lock classes exported here are warning subclasses, as in Optuna, because
# only this import path of them is deprecated (see _journal_locks). ``fail_stale_trials`` is named here, where
# Optuna has it, but it drives a study, so it lives a floor up, in pyhpo.study; the ``pyhpo`` facade, the one
# floor that sees both, sets the name here (see docs/architecture.md).
_LAZY = {
    "BaseJournalLogStorage": "pyhpo.storages.journal._deprecated",
    "GrpcStorageProxy": "pyhpo.storages._grpc.client",
    "JournalFileOpenLock": "pyhpo.storages._journal_locks",
    "JournalFileStorage": "pyhpo.storages.journal._deprecated",
    "JournalFileSymlinkLock": "pyhpo.storages._journal_locks",
    "JournalRedisStorage": "pyhpo.storages.journal._deprecated",
    "JournalStorage": "pyhpo.storages.journal._storage",
    "RDBStorage": "pyhpo.storages._rdb.storage",
    "run_grpc_proxy_server": "pyhpo.storages._grpc.server",
}
_lazy_getattr, __dir__ = _runtime.lazy_exports(__name__, _LAZY, globals())


def __getattr__(name: str) -> Any:
    if name == "journal":
        # ``optuna.storages.journal`` is reachable right after ``import optuna`` (code does
        # ``optuna.storages.journal.JournalFileBackend(path)``); so is ours, imported on first use.
        return importlib.import_module("pyhpo.storages.journal")
    return _lazy_getattr(name)


def get_storage(storage: str | BaseStorage | None) -> BaseStorage:
    """Turn what a user passed as ``storage=`` into a storage.

    Args:
        storage: None for a new :class:`InMemoryStorage`; a database URL such as ``sqlite:///example.db`` or
            ``postgresql://user@host/db`` for an :class:`RDBStorage`; or a storage, returned as it is.

    Raises:
        TypeError: ``storage`` is none of these.
        ValueError: The URL cannot name a database.
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        if storage.startswith("redis"):
            # Optuna's words (its RedisStorage went in 3.1): use JournalStorage(JournalRedisBackend(url)).
            raise ValueError(
                "RedisStorage is removed at Optuna v3.1.0. Please use JournalRedisBackend instead."
            )
        rdb = importlib.import_module("pyhpo.storages._rdb.storage").RDBStorage
        return rdb(storage)  # type: ignore[no-any-return]
    raise TypeError(
        f"storage must be None, a database URL string or a BaseStorage, got {storage!r} of type "
        f"{type(storage).__name__}"
    )
