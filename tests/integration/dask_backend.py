"""A DaskStorage factory for the storage contract suite (tests/storages/backends.py).

One in-process Dask cluster (scheduler and a worker thread) is started the first time a storage is asked for and
shared by every test; each test gets a DaskStorage of its own name, over a fresh in-memory storage.
"""

from __future__ import annotations

import atexit
import contextlib
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyhpo.storages import BaseStorage

_client: Any = None


def _shared_client() -> Any:
    global _client
    if _client is None:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=1, processes=False, threads_per_worker=1, dashboard_address=":0")
        _client = Client(cluster)
        atexit.register(cluster.close)
        atexit.register(_client.close)
    return _client


@contextlib.contextmanager
def dask_in_memory() -> Iterator[BaseStorage]:
    """A fresh DaskStorage over an in-memory storage on the shared cluster's scheduler (skipped without Dask)."""
    import pytest

    pytest.importorskip("distributed")
    from pyhpo.exceptions import ExperimentalWarning
    from pyhpo.integration import DaskStorage

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        yield DaskStorage(client=_shared_client())
