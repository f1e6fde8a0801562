"""The C journal engine alone: locked appends (with and without fdatasync) and read throughput.

Every append takes the kernel lock, checks the path still names the file, checks the tail, writes, and unlocks,
exactly as in production; only the sync differs. Targets on the development machine (ext4, 2 cores): at least
125,000 unsynced 200-byte appends per second (about 250,000/s is the raw ``write()`` + lock limit) and about
4,000/s with ``fdatasync``.

Run (after building the extension in place with ``python csrc/ffi_build.py``)::

    python -m pytest benchmarks -k bench_journal_engine -p no:cacheprovider \\
        --benchmark-columns=min,median,rounds --benchmark-sort=name
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from pyhpo.storages.journal._engine import Engine
from pyhpo.storages.journal._file import JournalFileBackend

if TYPE_CHECKING:
    import pathlib
    from collections.abc import Iterator

pytest.importorskip("pytest_benchmark")

RECORD = (
    b'{"op_code":4,"worker_id":"bench","trial_id":1,"step":7,"intermediate_value":0.5,"pad":"' + b"x" * 110
)
RECORD += b'"}\n'
assert len(RECORD) == 200

READ_RECORDS = 250_000  # 50 MB


@pytest.fixture
def engine(tmp_path: pathlib.Path) -> Iterator[Engine]:
    with Engine(tmp_path / "journal.log") as opened:
        yield opened


def test_locked_append_200_bytes_without_sync(benchmark: pytest.FixtureRequest, engine: Engine) -> None:
    benchmark(engine.append, RECORD, sync=False)  # type: ignore[operator]
    assert engine.size() % len(RECORD) == 0


def test_locked_append_200_bytes_with_fdatasync(benchmark: pytest.FixtureRequest, engine: Engine) -> None:
    benchmark(engine.append, RECORD, sync=True)  # type: ignore[operator]
    assert engine.size() % len(RECORD) == 0


def test_backend_append_chunk_200_bytes_sync_never(
    benchmark: pytest.FixtureRequest, tmp_path: pathlib.Path
) -> None:
    backend = JournalFileBackend(str(tmp_path / "journal.log"), sync="never")
    benchmark(backend.append_chunk, RECORD, durable=False)  # type: ignore[operator]
    backend.close()


def test_read_50_mb_of_records(benchmark: pytest.FixtureRequest, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "journal.log"
    path.write_bytes(RECORD * READ_RECORDS)
    backend = JournalFileBackend(str(path))

    def read_all() -> int:
        cursor = 0
        while True:
            data, cursor = backend.read_chunk(cursor)
            if not data:
                return cursor

    total = benchmark(read_all)  # type: ignore[operator]
    assert total == os.path.getsize(path)
    stats = benchmark.stats.stats  # type: ignore[attr-defined]
    benchmark.extra_info["MB_per_s_median"] = round(total / stats.median / 1e6)  # type: ignore[attr-defined]
    benchmark.extra_info["records_per_s_median"] = round(READ_RECORDS / stats.median)  # type: ignore[attr-defined]
    backend.close()
