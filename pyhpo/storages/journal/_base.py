"""The interface every journal backend implements.

A journal backend stores an append-only sequence of JSON records, one per line. It offers two faces:

* Optuna's (``read_logs`` / ``append_logs``): records as dicts, numbered from 0 in append order. Code written
  for ``optuna.storages.journal.BaseJournalBackend`` works unchanged.
* pyhpo's raw fast path (``read_chunk`` / ``append_chunk``): bytes of complete newline-terminated lines and an
  opaque integer cursor, so :class:`~pyhpo.storages.journal.JournalStorage` can replay only what is new without
  decoding and re-encoding through dicts one call at a time.

A backend implements one pair and the base class derives the other: pyhpo's backends implement the chunk
methods; a backend written for Optuna implements ``read_logs`` / ``append_logs`` and gets chunk methods whose
cursor is the record number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages.journal._format import decode_lines, decode_record, encode_records

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["BaseJournalBackend"]


class BaseJournalBackend:
    """Optuna-compatible journal backend, plus pyhpo's raw fast path.

    Implementations must be safe to use from several processes at once: concurrent ``append_chunk`` calls
    never interleave their bytes, and a reader never sees part of a batch as a complete line.
    """

    def read_chunk(self, cursor: int) -> tuple[bytes, int]:
        """Read complete lines starting at ``cursor``.

        Args:
            cursor:
                Where to start: ``0`` for the beginning, otherwise a ``next_cursor`` returned by an earlier call.
                Opaque to callers (a byte offset for files, a record index for Redis).

        Returns:
            ``(data, next_cursor)``. ``data`` holds zero or more complete ``b"\\n"``-terminated lines and never a
            partial last line; it is ``b""`` when nothing new has been written. A backend may return fewer
            lines than are available; call again with ``next_cursor`` until ``data`` is empty.
        """
        if type(self).read_logs is BaseJournalBackend.read_logs:
            raise NotImplementedError(f"{type(self).__name__} must implement read_chunk or read_logs.")
        records = list(self.read_logs(cursor))
        if not records:
            return b"", cursor
        return encode_records(records), cursor + len(records)

    def read_chunk_to_end(self, cursor: int) -> tuple[bytes, int, bool]:
        """:meth:`read_chunk`, and whether the lines reached the end of the journal when they were read.

        ``True`` spares the caller the call that would only find nothing more (a round trip on a server);
        ``False`` means more may follow, or the backend cannot tell (the default, which only reads).
        """
        data, next_cursor = self.read_chunk(cursor)
        return data, next_cursor, False

    def append_chunk(self, data: bytes, *, durable: bool = True) -> tuple[int, int] | None:
        """Append one batch of lines atomically.

        Args:
            data:
                One or more complete JSON lines, each ending with ``b"\\n"``. Other writers never see part of
                the batch, and no other writer's bytes land inside it.
            durable:
                ``True`` when the batch creates a study or finishes a trial. The backend's sync policy decides
                whether that forces the data to stable storage before returning.

        Returns:
            ``(start, end)``: the cursors where the batch begins and just past it, when the backend knows them
            (a reader whose cursor is ``start`` may then take the batch as read, without reading it back), or
            ``None``.
        """
        if type(self).append_logs is BaseJournalBackend.append_logs:
            raise NotImplementedError(f"{type(self).__name__} must implement append_chunk or append_logs.")
        self.append_logs(decode_lines(data))
        return None

    def append_and_read_chunk(
        self, data: bytes, cursor: int, *, durable: bool = True
    ) -> tuple[bytes, tuple[int, int] | None]:
        """Append one batch like :meth:`append_chunk`, and read what others appended before it if that is free.

        A backend that can read in the same step as it appends (Redis: one script) saves its caller the read
        that would follow. The default appends only.

        Args:
            data: As for :meth:`append_chunk`.
            cursor: The caller's read position (a ``next_cursor`` from :meth:`read_chunk`).
            durable: As for :meth:`append_chunk`.

        Returns:
            ``(lines, span)``: ``span`` as :meth:`append_chunk` returns it; ``lines`` is ``b""`` or, only when
            ``span`` is known, every complete line from ``cursor`` up to ``span[0]``, so that ``lines + data``
            is the journal from ``cursor`` to ``span[1]``.
        """
        return b"", self.append_chunk(data, durable=durable)

    def read_logs(self, log_number_from: int) -> Iterator[dict[str, Any]]:
        """Yield the records numbered ``log_number_from`` and later (Optuna's API).

        Records are numbered from 0 in append order. Reading continues from the position where the previous
        call ended when ``log_number_from`` is at or past it, so polling costs only what is new.

        Raises:
            JournalCorruptionError: A complete line is not a valid JSON object.
        """
        if type(self).read_chunk is BaseJournalBackend.read_chunk:
            raise NotImplementedError(f"{type(self).__name__} must implement read_chunk or read_logs.")
        if log_number_from < 0:
            raise ValueError(f"log_number_from must be a non-negative integer, got {log_number_from!r}.")
        number, cursor = getattr(self, "_read_logs_position", (0, 0))
        if log_number_from < number:
            number, cursor = 0, 0
        while True:
            data, next_cursor = self.read_chunk(cursor)
            if not data:
                return
            start = 0
            # Split on b"\n" only: JSON escapes every control character, so a raw "\r" is part of a line.
            for index, line in enumerate(data[:-1].split(b"\n")):
                record = self._decode_line(line, cursor, start, index, number)
                start += len(line) + 1
                number += 1
                if number - 1 >= log_number_from:
                    yield record
            # Remember where the complete lines end, for the next call.
            cursor = next_cursor
            self._read_logs_position = (number, cursor)

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        """Append records as one atomic, durable batch (Optuna's API)."""
        if type(self).append_chunk is BaseJournalBackend.append_chunk:
            raise NotImplementedError(f"{type(self).__name__} must implement append_chunk or append_logs.")
        if not logs:
            return
        self.append_chunk(encode_records(logs), durable=True)

    def _journal_location(self) -> str:
        """Name the journal in error messages (a file path, a Redis key)."""
        return type(self).__name__

    def _line_offset(self, cursor: int, byte_in_chunk: int, line_in_chunk: int) -> int:
        """Position of a line for error messages, in the backend's cursor units (bytes by default)."""
        return cursor + byte_in_chunk

    def _decode_line(
        self, line: bytes, cursor: int, byte_in_chunk: int, line_in_chunk: int, number: int
    ) -> dict[str, Any]:
        record = decode_record(line)
        if isinstance(record, dict):
            return record
        raise JournalCorruptionError(
            self._journal_location(),
            self._line_offset(cursor, byte_in_chunk, line_in_chunk),
            number + 1,
            record,
        )
