"""The read side of a journal storage: one replay of the log and how far it has read.

:class:`JournalReader` reads what is new since its :class:`~pyhpo.storages.journal._replay.JournalPosition`,
decodes it, applies it to its :class:`~pyhpo.storages.journal._replay.JournalReplay` and hands back the
:class:`~pyhpo.storages.journal._replay.ReplayOutcome`. A line that is not a valid record stops it for good:
the records before it are applied, the error names the line, and every later read raises it again. It also
loads and writes snapshots of its replay. It holds no lock: the storage calls it under its own.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NoReturn

from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages.journal._format import decode_chunk
from pyhpo.storages.journal._replay import JournalPosition, JournalReplay, ReplayOutcome, gc_paused
from pyhpo.storages.journal._snapshot import default_snapshot_path, load_snapshot, write_snapshot

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo.storages.journal._base import BaseJournalBackend

__all__ = ["BULK_BYTES", "JournalReader"]

# A chunk (or snapshot) at least this large is replayed with the cyclic garbage collector paused.
BULK_BYTES = 256 * 1024

_NOTHING = ReplayOutcome(0)


class JournalReader:
    """A replay of ``backend``'s journal, brought up to date on request."""

    def __init__(self, backend: BaseJournalBackend, snapshot_interval: int | None = None) -> None:
        self.backend = backend
        self.replay = JournalReplay()
        self.position = JournalPosition()
        self.snapshot_interval = snapshot_interval
        self._records_since_snapshot = 0
        self._broken: JournalCorruptionError | None = None

    def check(self) -> None:
        """Raise the corruption that stopped this reader, if any (before writing anything more)."""
        if self._broken is not None:
            raise self._broken

    def sync(
        self, worker_id: str | None = None, until: bytes | None = None, span: tuple[int, int] | None = None
    ) -> ReplayOutcome:
        """Read and replay everything appended since the last read.

        Records written by ``worker_id`` count as the caller's own (their conflicts, created IDs and popped
        trial are in the outcome). With ``until`` (the batch the caller just appended), stop as soon as a chunk
        ends with it: everything up to the caller's write is then replayed, and whatever others append later
        is for the next call. That saves the read that would only confirm there is nothing more. With
        ``span`` (the cursors the backend reported for that batch) starting at this reader's cursor, nothing
        came between: the batch is replayed from memory and not read back at all.
        """
        self.check()
        if until is not None and span is not None and span[0] == self.position.cursor:
            data, next_cursor = until, span[1]
        else:
            data, next_cursor = self.backend.read_chunk(self.position.cursor)
        if not data:
            outcome = _NOTHING
        else:
            with gc_paused(len(data) >= BULK_BYTES):
                outcome = self._replay_chunks(data, next_cursor, worker_id, until)
        if self.snapshot_interval is not None and self._records_since_snapshot >= self.snapshot_interval:
            self.write_snapshot(self.snapshot_path())
        return outcome

    def _replay_chunks(
        self, data: bytes, next_cursor: int, worker_id: str | None, until: bytes | None
    ) -> ReplayOutcome:
        """Replay ``data`` and whatever follows it, until the backend has nothing new (or ``until``)."""
        backend = self.backend
        replay = self.replay
        location = backend._journal_location()
        outcome = _NOTHING
        while True:
            position = self.position
            try:
                records = decode_chunk(data, self._locator(), location)
            except JournalCorruptionError as error:
                self._apply_prefix_and_fail(data, error, worker_id)
            applied = replay.apply(records, worker_id)
            if applied.applied < len(records):
                self._report_bad_record(data, applied.applied)
            outcome = outcome.then(applied)
            last_start = data.rfind(b"\n", 0, len(data) - 1) + 1
            self.position = JournalPosition(
                next_cursor,
                position.lines + len(records),
                data[last_start:],
                backend._line_offset(position.cursor, last_start, len(records) - 1),
            )
            self._records_since_snapshot += len(records)
            if until is not None and data.endswith(until):
                return outcome
            data, next_cursor = backend.read_chunk(next_cursor)
            if not data:
                return outcome

    def _locator(self) -> Callable[[int, int], tuple[int, int]]:
        """Locate a line of the chunk read at the current position, for error messages."""
        cursor, lines = self.position.cursor, self.position.lines
        line_offset = self.backend._line_offset

        def locate(byte_in_chunk: int, line_in_chunk: int) -> tuple[int, int]:
            return line_offset(cursor, byte_in_chunk, line_in_chunk), lines + line_in_chunk + 1

        return locate

    def _apply_prefix_and_fail(
        self, data: bytes, error: JournalCorruptionError, worker_id: str | None
    ) -> NoReturn:
        """Replay the complete records before an undecodable line, then fail for good."""
        position = self.position
        good = error.line_number - position.lines - 1
        if good > 0:
            end = 0
            for _ in range(good):
                end = data.index(b"\n", end) + 1
            prefix = decode_chunk(data[:end], self._locator(), self.backend._journal_location())
            applied = self.replay.apply(prefix, worker_id).applied
            if applied < len(prefix):
                self._report_bad_record(data, applied)
            self.position = JournalPosition(
                error.offset, position.lines + good, position.last_line, position.last_line_cursor
            )
        self._broken = error
        raise error

    def _report_bad_record(self, data: bytes, index: int) -> NoReturn:
        start = 0
        for _ in range(index):
            start = data.index(b"\n", start) + 1
        offset, line_number = self._locator()(start, index)
        line = data[start : data.index(b"\n", start)]
        error = JournalCorruptionError(
            self.backend._journal_location(),
            offset,
            line_number,
            f"not a valid journal record: {line[:200]!r}",
        )
        # The records before the bad one are applied; nothing after it can be trusted.
        self._broken = error
        raise error

    # --------------------------------------------------------------------------------------- snapshots
    def snapshot_path(self) -> str:
        """The default snapshot file of this journal (beside the journal file)."""
        path = default_snapshot_path(self.backend)
        if path is None:
            raise ValueError(
                f"Snapshots need a file backend or an explicit path; {type(self.backend).__name__} has no file path."
            )
        return path

    def write_snapshot(self, path: str) -> None:
        """Write the replayed state (as far as read) to ``path``."""
        self._records_since_snapshot = 0
        write_snapshot(path, self.replay, self.position)

    def load_snapshot(self) -> None:
        """Start from the default snapshot of the journal when there is one that matches it."""
        path = default_snapshot_path(self.backend)
        if path is None:
            return
        try:
            bulk = os.path.getsize(path) >= BULK_BYTES
        except OSError:
            return  # no snapshot
        with gc_paused(bulk):
            loaded = load_snapshot(path, self.backend)
        if loaded is not None:
            self.replay, self.position = loaded
