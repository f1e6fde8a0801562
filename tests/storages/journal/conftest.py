"""Fixtures shared by the journal tests: an in-process journal backend with the file backend's cursor rules, and
``journal_engine``, which runs a test once per journal engine (C and portable Python)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pyhpo.storages.journal import BaseJournalBackend
from tests.storages.journal.engines import ENGINES, use_engine

_REGISTRY: dict[int, MemoryJournalBackend] = {}


def _lookup(key: int) -> MemoryJournalBackend:
    return _REGISTRY[key]


class MemoryJournalBackend(BaseJournalBackend):
    """A journal held in a bytes buffer: the cursor is a byte offset, appends are atomic under a lock.

    ``max_read`` bounds how many bytes one ``read_chunk`` returns (cut back to a line end), to exercise
    readers that must call again.
    """

    def __init__(self, max_read: int | None = None) -> None:
        self.buffer = bytearray()
        self.max_read = max_read
        self.appends: list[tuple[bytes, bool]] = []
        self._lock = threading.Lock()
        _REGISTRY[id(self)] = self

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        # Unpickles to the same object (within this process), like a file backend naming the same file.
        return (_lookup, (id(self),))

    def read_chunk(self, cursor: int) -> tuple[bytes, int]:
        with self._lock:
            data = bytes(self.buffer[cursor:])
        end = data.rfind(b"\n") + 1
        if self.max_read is not None and end > self.max_read:
            end = data.rfind(b"\n", 0, self.max_read) + 1 or data.find(b"\n") + 1
        return data[:end], cursor + end

    def append_chunk(self, data: bytes, *, durable: bool = True) -> None:
        assert data.endswith(b"\n"), data
        with self._lock:
            self.buffer += data
            self.appends.append((data, durable))

    def _journal_location(self) -> str:
        return "<memory journal>"


@pytest.fixture
def memory_backend() -> MemoryJournalBackend:
    return MemoryJournalBackend()


@pytest.fixture(params=ENGINES)
def journal_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once per journal engine: ``PYHPO_JOURNAL_ENGINE`` is set, so child processes follow."""
    name: str = request.param
    use_engine(monkeypatch, name)
    return name
