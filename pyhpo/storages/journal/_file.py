"""The journal in one local file, written through the C engine."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal

from pyhpo.storages.journal._base import BaseJournalBackend
from pyhpo.storages.journal._engine import Engine

if TYPE_CHECKING:
    from pyhpo.storages.journal._locks import BaseJournalFileLock

__all__ = ["JournalFileBackend"]

SyncPolicy = Literal["always", "trial", "never"]
_SYNC_POLICIES = ("always", "trial", "never")


class JournalFileBackend(BaseJournalBackend):
    """Store the journal in a file; many processes may read and append at once.

    Each append takes an exclusive kernel lock on the file itself (Linux open-file-description lock, or
    ``flock`` on older kernels), cuts back the incomplete last line a crashed writer may have left, writes the
    whole batch with one ``write()``, and unlocks. The kernel frees the lock when its holder dies, so a killed
    worker never blocks the others, and there is no lock file to go stale. Readers take no lock and see
    complete lines only.

    Args:
        file_path:
            The journal file. Created (with its directory entry synced) if missing; its folder must exist.
        lock_obj:
            Use this lock instead of the kernel lock, e.g. :class:`JournalFileOpenLock` or
            :class:`JournalFileSymlinkLock` on NFS, where kernel locks may not exclude across machines. Any
            object with Optuna's ``acquire()`` / ``release()`` works. Every process writing the file must use
            the same kind of lock: a lock file and the kernel lock do not see each other.
        sync:
            When appends reach stable storage before returning:

            * ``"trial"`` (default): ``fdatasync`` after batches that create a study or finish a trial, one
              per trial. A killed process loses nothing (what it wrote is in the page cache). A power loss or
              kernel crash keeps every study created and every trial finished before it (and, since a sync
              flushes the whole file, every record any process appended before that sync); it may lose what
              came after the last sync: the creation, parameters, intermediate values and attributes of trials
              still running. The file is never corrupted: what survives is a prefix of complete records,
              and a cut-off last line is repaired by the next writer.
            * ``"always"`` (Optuna's behaviour): ``fdatasync`` after every append, so a power loss loses
              nothing appended. Several times slower for trials that report often.
            * ``"never"``: leave it to the operating system (the same risk, for every record, finished
              trials included).

    An existing file this process may not write (mode 0444, a read-only mount, an immutable file) is opened
    for reading, as Optuna reads it: studies load and read as usual, and every append raises at once
    (``PermissionError``, or ``OSError`` with ``EROFS`` on a read-only mount) naming the file and saying the
    journal is read-only, with the file unchanged.

    A file that is not a journal is never overwritten: the tail repair cuts only what a journal writer could
    have left (the start of one record, perhaps followed by NUL bytes, after a complete record or at the start
    of the file) and raises :class:`~pyhpo.exceptions.JournalCorruptionError` naming the file for anything
    else, a JSON config or binary file passed by mistake, with nothing cut or written. An empty file becomes a
    journal.

    Raises:
        FileNotFoundError: The folder of ``file_path`` does not exist.
        IsADirectoryError: ``file_path`` is a directory.
        PermissionError: The file does not exist and cannot be created (read-only folder).
    """

    def __init__(
        self,
        file_path: str,
        lock_obj: BaseJournalFileLock | None = None,
        *,
        sync: SyncPolicy = "trial",
    ) -> None:
        if lock_obj is not None and not (
            callable(getattr(lock_obj, "acquire", None)) and callable(getattr(lock_obj, "release", None))
        ):
            raise TypeError(
                f"lock_obj must be a lock with acquire() and release() (e.g. JournalFileOpenLock), "
                f"got {type(lock_obj).__name__}."
            )
        if sync not in _SYNC_POLICIES:
            raise ValueError(f"sync must be one of {', '.join(map(repr, _SYNC_POLICIES))}, got {sync!r}.")
        self._file_path = os.fspath(file_path)
        self._lock_obj = lock_obj
        self._sync: SyncPolicy = sync
        # Whether to fdatasync a batch, by its `durable` flag: decided once, appends are the hot path.
        self._sync_durable = sync in ("always", "trial")
        self._sync_other = sync == "always"
        self._engine = Engine(self._file_path, create=True)

    @property
    def file_path(self) -> str:
        """The journal file, as given."""
        return self._file_path

    def read_chunk(self, cursor: int) -> tuple[bytes, int]:
        """Return the complete lines from byte offset ``cursor`` and the offset after them."""
        data = self._engine.read(cursor)
        return data, cursor + len(data)

    def append_chunk(self, data: bytes, *, durable: bool = True) -> tuple[int, int]:
        """Append complete lines as one atomic batch, synced as the ``sync`` policy says.

        Returns:
            The byte offsets where the batch begins and ends in the file.
        """
        end = self._engine.append(
            data, sync=self._sync_durable if durable else self._sync_other, lock_obj=self._lock_obj
        )
        return end - len(data), end

    def close(self) -> None:
        """Close the file. Later calls raise ``ValueError``."""
        self._engine.close()

    def __getstate__(self) -> dict[str, Any]:
        # The open handle cannot cross a process boundary; the receiver opens its own.
        state = self.__dict__.copy()
        del state["_engine"]
        state.pop("_read_logs_position", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._engine = Engine(self._file_path, create=False)

    def _journal_location(self) -> str:
        return self._engine.path

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._file_path!r}, sync={self._sync!r})"
