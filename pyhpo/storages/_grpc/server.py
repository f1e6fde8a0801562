"""Serve any BaseStorage over gRPC so that many workers share it through one process.

The server speaks Optuna's storage protocol (``optuna.StorageService``), plus pyhpo's extension
service for heartbeats. One storage object -- with its cache and connection pool -- serves every
client; requests run on a thread pool, so one slow request never holds up the others.

grpc is imported when a server is built, not when this module is imported.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from pyhpo import logging
from pyhpo._experimental import experimental_func
from pyhpo.storages import get_storage
from pyhpo.storages._grpc import _tls

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType

    import grpc

    from pyhpo.storages._base import BaseStorage

__all__ = ["GrpcProxyServer", "main_cli", "make_server", "run_grpc_proxy_server"]

_logger = logging.get_logger(__name__)

DEFAULT_MAX_WORKERS = 32
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024


def _pyhpo_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pyhpo")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


class GrpcProxyServer:
    """A running (or ready to run) proxy server; built by :func:`make_server`.

    Attributes:
        host: The host it was asked to bind.
        port: The port it is bound to (the real one when 0 was asked for).
        address: ``"host:port"``.
        secure: Whether it serves TLS.
    """

    def __init__(self, server: grpc.Server, host: str, port: int, secure: bool) -> None:
        self._server = server
        self.host = host
        self.port = port
        self.secure = secure
        self.address = f"{host}:{port}"

    def start(self) -> GrpcProxyServer:
        """Start serving in background threads and log where; returns ``self``."""
        self._server.start()
        scheme = "TLS" if self.secure else "insecure"
        _logger.info(f"Server started at {self.address} ({scheme})")
        _logger.info("Listening...")
        return self

    def stop(self, grace: float | None = 5.0) -> None:
        """Stop accepting calls; let calls in flight finish for up to ``grace`` seconds, then cancel."""
        self._server.stop(grace).wait()

    def wait_for_termination(self, timeout: float | None = None) -> bool:
        """Block until the server stops (or ``timeout`` passes); True if it stopped."""
        return bool(self._server.wait_for_termination(timeout))

    def __enter__(self) -> GrpcProxyServer:  # noqa: PYI034 (Self needs Python 3.11)
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop(grace=1.0)


def make_server(
    storage: BaseStorage,
    host: str = "localhost",
    port: int = 13000,
    thread_pool: ThreadPoolExecutor | None = None,
    *,
    token: str | None = None,
    certificate_chain: bytes | str | os.PathLike[str] | None = None,
    private_key: bytes | str | os.PathLike[str] | None = None,
    max_workers: int = DEFAULT_MAX_WORKERS,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    interceptors: Sequence[grpc.ServerInterceptor] = (),
) -> GrpcProxyServer:
    """Build a proxy server for ``storage`` bound to ``host:port`` (not started yet).

    Args:
        storage: The storage every client shares. Pass the object from ``get_storage(url)``, which
            caches; it must be thread-safe (all pyhpo storages are).
        host: Interface to bind, e.g. ``"127.0.0.1"``, ``"0.0.0.0"`` or ``"localhost"``.
        port: Port to bind; 0 picks a free one (read it back from ``.port``).
        thread_pool: Executor that runs the handlers; default: ``max_workers`` threads.
        token: Shared secret every call must carry as ``authorization: Bearer <token>`` metadata.
            ``None`` reads ``PYHPO_GRPC_TOKEN`` from the environment; ``""`` disables the check.
        certificate_chain: Server certificate (PEM bytes or a path). With ``private_key``, serve TLS.
        private_key: The certificate's private key (PEM bytes or a path).
        max_workers: Threads of the default pool (the number of calls handled at the same time).
        max_message_bytes: Largest request accepted; larger ones fail with RESOURCE_EXHAUSTED.
        interceptors: Extra ``grpc.ServerInterceptor`` objects (metrics, logging), run after the
            token check.

    Raises:
        ValueError: A bad argument (a certificate chain or private key that is not valid PEM, or a key
            that does not belong to the certificate: the message names the file), or the port cannot be
            bound.
    """
    import grpc

    # Needs grpcio, an optional dependency: loaded when a server starts.
    from pyhpo.storages._grpc import _servicer

    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer in 0..65535, got {port!r}")
    if (certificate_chain is None) != (private_key is None):
        raise ValueError("TLS needs both certificate_chain and private_key (or neither)")
    if max_workers < 1:
        raise ValueError(f"max_workers must be at least 1, got {max_workers}")
    cert = _tls.read_pem(certificate_chain, "certificate chain")
    key = _tls.read_pem(private_key, "private key")
    if cert is not None and key is not None and certificate_chain is not None and private_key is not None:
        # gRPC itself would only say "Failed to bind": name the file that is wrong instead.
        _tls.check_server_pair(cert, key, _tls.source_of(certificate_chain), _tls.source_of(private_key))
    secret = _tls.resolve_token(token)
    options = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", -1),
        ("grpc.so_reuseport", 0),  # a second server on the same port is an error, not a silent split
    ]
    server = grpc.server(
        thread_pool or ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="pyhpo-grpc"),
        interceptors=([_servicer.TokenInterceptor(secret)] if secret else []) + list(interceptors),
        options=options,
    )
    _servicer.add_services(server, storage, _pyhpo_version())
    address = f"{host}:{port}"
    try:
        if cert is not None and key is not None:
            bound = server.add_secure_port(address, grpc.ssl_server_credentials([(key, cert)]))
        else:
            bound = server.add_insecure_port(address)
    except RuntimeError as e:
        raise ValueError(f"cannot listen on {address}: {e}") from e
    if bound == 0:  # older grpc versions report failure this way
        raise ValueError(f"cannot listen on {address} (in use or not a local address)")
    return GrpcProxyServer(server, host, bound, secure=cert is not None)


@experimental_func("4.2.0")
def run_grpc_proxy_server(
    storage: BaseStorage,
    *,
    host: str = "localhost",
    port: int = 13000,
    thread_pool: ThreadPoolExecutor | None = None,
    grace: float = 5.0,
    **options: Any,
) -> None:
    """Serve ``storage`` on ``host:port`` until SIGTERM or SIGINT (Ctrl-C), then stop gracefully.

    Calls in flight get ``grace`` seconds to finish. Other keyword arguments (``token``,
    ``certificate_chain``, ``private_key``, ``max_workers``, ``max_message_bytes``) are those of
    :func:`make_server`. Clients connect with :class:`~pyhpo.storages.GrpcStorageProxy`.

    Example::

        from pyhpo.storages import get_storage, run_grpc_proxy_server

        run_grpc_proxy_server(get_storage("postgresql+psycopg2://user@db/hpo"), host="0.0.0.0", port=13000)
    """
    proxy = make_server(storage, host, port, thread_pool, **options)
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            return
        stopping.set()
        _logger.info(f"Received {signal.Signals(signum).name}; stopping the server (grace {grace} s).")
        # Stop from another thread: a signal handler must return quickly.
        threading.Thread(target=proxy.stop, args=(grace,), name="pyhpo-grpc-stop", daemon=True).start()

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        proxy.start()
        proxy.wait_for_termination()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    _logger.info("Server stopped.")


def main_cli(argv: list[str] | None = None) -> int:
    """``pyhpo grpc-proxy --storage URL [--host H] [--port P] ...``: serve a storage URL until stopped."""
    parser = argparse.ArgumentParser(prog="pyhpo grpc-proxy", description="Serve a storage over gRPC.")
    parser.add_argument("--storage", required=True, help="storage URL, e.g. sqlite:///example.db")
    parser.add_argument("--host", default="localhost", help="interface to bind (default: localhost)")
    parser.add_argument("--port", type=int, default=13000, help="port to bind (default: 13000)")
    parser.add_argument("--max-workers", type=int, default=DEFAULT_MAX_WORKERS, help="handler threads")
    parser.add_argument("--tls-cert", help="PEM certificate chain; with --tls-key, serve TLS")
    parser.add_argument("--tls-key", help="PEM private key of the certificate")
    parser.add_argument(
        "--token-env",
        default=_tls.TOKEN_ENV,
        help=f"environment variable holding the shared token (default: {_tls.TOKEN_ENV}); never pass it on the command line",
    )
    ns = parser.parse_args(argv)
    try:
        import grpc  # noqa: F401 -- fail early and clearly without the extra
    except ImportError as e:
        print(
            f"pyhpo grpc-proxy: error: needs grpcio and protobuf: pip install 'pyhpo-opt[grpc]' ({e})",
            file=sys.stderr,
        )
        return 1
    run_grpc_proxy_server(
        get_storage(ns.storage),
        host=ns.host,
        port=ns.port,
        token=os.environ.get(ns.token_env) or "",
        certificate_chain=ns.tls_cert,
        private_key=ns.tls_key,
        max_workers=ns.max_workers,
    )
    return 0
