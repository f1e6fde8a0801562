"""The storage backends the benchmark knows, and how each library opens them.

A backend is one row of :data:`BACKENDS`. The harness never constructs a storage itself: it builds a small,
JSON-serialisable *spec* (``{"kind": "rdb", "url": ...}``) that it hands to worker processes, and every process
turns the spec into a storage of the library under test with :func:`open_storage`. Adding a backend is one
:class:`Backend` entry; a new *kind* of storage needs one branch in :func:`open_storage` and :func:`_Target`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["BACKENDS", "DEFAULT_URLS", "Backend", "Unsupported", "open_storage"]

#: Where the servers are looked for unless ``--postgres-url`` etc. or the ``PYHPO_TEST_*`` variables say otherwise.
DEFAULT_URLS = {
    "postgres": "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
    "mysql": "mysql+pymysql://root@127.0.0.1:3306/test",
    "redis": "redis://127.0.0.1:6379/0",
}
URL_ENV = {
    "postgres": "PYHPO_TEST_POSTGRES_URL",
    "mysql": "PYHPO_TEST_MYSQL_URL",
    "redis": "PYHPO_TEST_REDIS_URL",
}


class Unsupported(Exception):
    """A library cannot open a backend (it lacks the class) or the backend cannot run a configuration."""


@dataclasses.dataclass(frozen=True)
class Backend:
    """One storage backend of the matrix.

    Attributes:
        name: What ``--storages`` and the table call it.
        kind: How it is opened: ``memory``, ``journal-file``, ``journal-redis``, ``rdb`` or ``grpc``.
        server: For ``rdb``/``grpc``: the database behind it (``sqlite``, ``postgres`` or ``mysql``); for
            ``journal-redis``: ``redis``. Server URLs come from the run's options.
        needs: Modules that must import (the extra that provides them is named in the skip reason).
        seed_threads: Threads used to fill the big study (a server takes parallel inserts; SQLite does not).
    """

    name: str
    kind: str
    server: str | None = None
    needs: tuple[tuple[str, str], ...] = ()
    seed_threads: int = 1

    @property
    def multi_process(self) -> bool:
        """Whether several processes can share a study on it (everything but in-memory)."""
        return self.kind != "memory"


_PG = (("psycopg2", "postgres"),)
_MY = (("pymysql", "mysql"),)
_GRPC = (("grpc", "grpc"), ("google.protobuf", "grpc"))

#: Every backend of the matrix, in table order.
BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend("memory", "memory"),
        Backend("journal-file", "journal-file"),
        Backend("journal-redis", "journal-redis", "redis", needs=(("redis", "redis"),), seed_threads=8),
        Backend("sqlite", "rdb", "sqlite"),
        Backend("postgres", "rdb", "postgres", needs=_PG, seed_threads=8),
        Backend("mysql", "rdb", "mysql", needs=_MY, seed_threads=8),
        Backend("grpc-sqlite", "grpc", "sqlite", needs=_GRPC),
        Backend("grpc-postgres", "grpc", "postgres", needs=_GRPC + _PG, seed_threads=8),
    )
}


def server_urls(overrides: dict[str, str | None]) -> dict[str, str]:
    """Server URLs: an explicit option wins, then the ``PYHPO_TEST_*`` variable, then the default."""
    return {
        key: overrides.get(key) or os.environ.get(URL_ENV[key]) or default
        for key, default in DEFAULT_URLS.items()
    }


def _check_server(server: str, url: str) -> str | None:
    """Why the server cannot be used (None when it answers)."""
    try:
        if server == "redis":
            import redis

            client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
            client.ping()
            client.close()
            return None
        import sqlalchemy

        args = {"connect_timeout": 2} if server in ("postgres", "mysql") else {}
        engine = sqlalchemy.create_engine(url, connect_args=args)
        try:
            with engine.connect() as conn:
                conn.execute(sqlalchemy.text("SELECT 1"))
        finally:
            engine.dispose()
        return None
    except Exception as e:  # noqa: BLE001  any failure means "not reachable"; the reason goes into the table
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return f"{server} at {_redact(url)} is not reachable ({first[:120]})"


def _redact(url: str) -> str:
    """Hide a password in a URL before it is printed."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            creds = creds.split(":", 1)[0] + ":***"
        return f"{scheme}://{creds}@{host}"
    return url


def skip_reason(backend: Backend, urls: dict[str, str]) -> str | None:
    """Why ``backend`` cannot run on this machine (a missing extra or an unreachable server), or None."""
    for module, extra in backend.needs:
        try:
            importlib.import_module(module)
        except ImportError:
            return f"{module} is not installed (pip install 'pyhpo-opt[{extra}]')"
    if backend.server in ("postgres", "mysql", "redis"):
        return _check_server(backend.server, urls[backend.server])
    return None


def open_storage(lib: Any, spec: dict[str, Any]) -> Any:
    """Build a storage of library module ``lib`` (pyhpo, optuna, ...) from a spec.

    Raises:
        Unsupported: ``lib`` has no class for this kind of storage.
    """
    return storage_factory(lib, spec)()


def storage_factory(lib: Any, spec: dict[str, Any]) -> Callable[[], Any]:
    """Look up (and so import) the classes that open ``spec`` now; return what opens it later.

    Cold-load workers call this before the clock starts, so that lazy imports are not timed as loading.

    Raises:
        Unsupported: ``lib`` has no class for this kind of storage.
    """
    kind = spec["kind"]

    def need(path: str) -> Any:
        obj: Any = lib
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                raise Unsupported(f"{lib.__name__} has no {path}")
        return obj

    if kind == "memory":
        return need("storages.InMemoryStorage")  # type: ignore[no-any-return]
    if kind == "journal-file":
        if getattr(lib.storages, "JournalStorage", None) is None and hasattr(
            lib.storages, "JournalFileStorage"
        ):
            # rustuna: a journal-file storage in one class, writing Optuna's format.
            journal_file = need("storages.JournalFileStorage")
            return lambda: journal_file(spec["path"])
        journal, file_backend = need("storages.JournalStorage"), need("storages.journal.JournalFileBackend")
        return lambda: journal(file_backend(spec["path"]))
    if kind == "journal-redis":
        journal, redis_backend = need("storages.JournalStorage"), need("storages.journal.JournalRedisBackend")
        return lambda: journal(redis_backend(spec["url"], prefix=spec["prefix"]))
    if kind == "rdb":
        rdb = need("storages.RDBStorage")
        return lambda: rdb(spec["url"])
    if kind == "grpc":
        proxy = need("storages.GrpcStorageProxy")
        return lambda: proxy(host=spec["host"], port=spec["port"])
    raise ValueError(f"unknown storage kind {kind!r}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
            raise RuntimeError(f"the gRPC proxy server exited with code {proc.returncode}: {tail}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"the gRPC proxy server did not listen on port {port} within {timeout:.0f} s")


class Target:
    """One backend made ready for one run: its temp files, its servers, its spec per study and library."""

    def __init__(self, backend: Backend, workdir: Path, urls: dict[str, str], env: dict[str, str]) -> None:
        self.backend = backend
        self.workdir = workdir / backend.name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.urls = urls
        self._env = env
        self._servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}

    def db_url(self, study_name: str) -> str:
        """The database URL of an ``rdb``/``grpc`` backend (SQLite: one fresh file per study)."""
        server = self.backend.server
        if server == "sqlite":
            name = "grpc" if self.backend.kind == "grpc" else study_name
            return f"sqlite:///{self.workdir / (name + '.db')}"
        assert server is not None
        return self.urls[server]

    def direct_spec(self, study_name: str) -> dict[str, Any]:
        """A spec that reaches the data without a proxy in between (used to fill the big study)."""
        kind = self.backend.kind
        if kind == "memory":
            return {"kind": "memory"}
        if kind == "journal-file":
            return {"kind": "journal-file", "path": str(self.workdir / f"{study_name}.log")}
        if kind == "journal-redis":
            return {"kind": "journal-redis", "url": self.urls["redis"], "prefix": f"{study_name}:"}
        return {"kind": "rdb", "url": self.db_url(study_name)}

    def spec(self, lib_name: str, study_name: str) -> dict[str, Any]:
        """The spec with which library ``lib_name`` reaches ``study_name`` (starting its proxy if needed)."""
        if self.backend.kind != "grpc":
            return self.direct_spec(study_name)
        if lib_name not in self._servers:
            self._start_server(lib_name)
        return {"kind": "grpc", "host": "127.0.0.1", "port": self._servers[lib_name][1]}

    def _start_server(self, lib_name: str) -> None:
        lib = importlib.import_module(lib_name)
        for attr in ("run_grpc_proxy_server", "GrpcStorageProxy"):
            if getattr(lib.storages, attr, None) is None:
                raise Unsupported(f"{lib_name} has no storages.{attr}")
        port = _free_port()
        log = self.workdir / f"grpc-{lib_name}.log"
        job = {"role": "serve", "lib": lib_name, "url": self.db_url("grpc"), "port": port}
        with open(log, "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pyhpo.bench._worker", _encode(job)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=self._env,
            )
        self._servers[lib_name] = (proc, port)
        try:
            _wait_for_port(port, proc, 60.0, log)
        except Exception:
            self.close()
            raise

    def drop(self, lib_name: str, study_name: str, direct: bool = False) -> None:
        """Delete a study and whatever holds it, so that the run leaves nothing behind.

        ``direct``: go to the database itself rather than through ``lib_name``'s proxy.
        """
        kind = self.backend.kind
        if kind == "journal-file":
            Path(self.direct_spec(study_name)["path"]).unlink(missing_ok=True)
            return
        if kind == "journal-redis":
            import redis

            client = redis.Redis.from_url(self.urls["redis"])
            try:
                keys = list(client.scan_iter(match=f"{study_name}:*"))
                if keys:
                    client.delete(*keys)
            finally:
                client.close()
            return
        if kind in ("rdb", "grpc"):
            lib = importlib.import_module(lib_name)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                spec = self.direct_spec(study_name) if direct else self.spec(lib_name, study_name)
                storage = open_storage(lib, spec)
                with contextlib.suppress(KeyError):
                    lib.delete_study(study_name=study_name, storage=storage)
                _dispose(storage)

    def close(self) -> None:
        """Stop the proxy servers and remove the temp files."""
        for proc, _ in self._servers.values():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self._servers.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _dispose(storage: Any) -> None:
    """Release a storage's connections now rather than at garbage collection."""
    engine = getattr(storage, "engine", None) or getattr(storage, "_engine", None)
    dispose = getattr(engine, "dispose", None)
    if callable(dispose):
        with contextlib.suppress(Exception):
            dispose()
    close = getattr(storage, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):
            close()


def _encode(job: dict[str, Any]) -> str:
    import json

    return json.dumps(job, separators=(",", ":"))


@contextlib.contextmanager
def prepared(backend: Backend, workdir: Path, urls: dict[str, str], env: dict[str, str]) -> Iterator[Target]:
    """Make ``backend`` ready for a run and clean it up afterwards, whatever happens."""
    target = Target(backend, workdir, urls, env)
    try:
        yield target
    finally:
        target.close()
