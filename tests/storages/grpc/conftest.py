"""Fixtures for the gRPC proxy tests: a server on a free port in this process, and its clients."""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("grpc")

from pyhpo.storages import InMemoryStorage
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.storages._grpc.server import GrpcProxyServer, make_server

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


class CallCounter:
    """A server interceptor counting calls per RPC name, to check what the client cache saves."""

    def __init__(self) -> None:
        import grpc

        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        counter = self

        class _Interceptor(grpc.ServerInterceptor):
            def intercept_service(self, continuation: Any, details: Any) -> Any:
                name = details.method.rsplit("/", 1)[-1]
                with counter._lock:
                    counter.counts[name] = counter.counts.get(name, 0) + 1
                return continuation(details)

        self.interceptor = _Interceptor()

    def __getitem__(self, name: str) -> int:
        return self.counts.get(name, 0)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()


@contextlib.contextmanager
def serving(storage: Any = None, port: int = 0, **options: Any) -> Iterator[GrpcProxyServer]:
    """A started server on 127.0.0.1 (a free port by default), stopped on exit."""
    server = make_server(storage if storage is not None else InMemoryStorage(), "127.0.0.1", port, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop(grace=0.5)


@pytest.fixture
def proxy() -> Iterator[Callable[..., GrpcStorageProxy]]:
    """Factory of clients for one in-memory server; all clients are closed at the end."""
    clients: list[GrpcStorageProxy] = []
    with serving() as server:

        def connect(**kwargs: Any) -> GrpcStorageProxy:
            client = GrpcStorageProxy(host="127.0.0.1", port=server.port, retry_timeout=5.0, **kwargs)
            clients.append(client)
            return client

        connect.server = server  # type: ignore[attr-defined]
        yield connect
        for client in clients:
            client.close()
