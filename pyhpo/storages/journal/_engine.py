"""The journal engine behind ``JournalFileBackend``: the C engine where it was built, else a portable one.

Two implementations of one set of functions (open, append a batch, read complete lines, size, close):

* ``"c"``: ``csrc/journal.c`` through cffi. This module is the only importer of the compiled
  ``pyhpo._cjournal``; :class:`_CJournal` adapts its handle.
* ``"python"``: :class:`pyhpo.storages.journal._engine_py.Journal`, the same rules in Python (portalocker
  locks where Linux's OFD lock is missing). Used when the extension is absent (no compiler at install time,
  Windows) or when ``PYHPO_JOURNAL_ENGINE=python`` asks for it; ``PYHPO_JOURNAL_ENGINE=c`` insists on C.
  :func:`engine_name` says which one new journals get.

Both return ``>= 0`` or a negative errno; :class:`Engine` checks arguments before either sees them, and
:func:`_raise` is the one place that turns an errno into an exception (``OSError(err, os.strerror(err), path)``,
so CPython picks ``FileNotFoundError``, ``PermissionError``, ``IsADirectoryError``, ... by itself).

Build the extension in place for development with ``python csrc/ffi_build.py`` (from the root of a clone).
"""

from __future__ import annotations

import errno
import os
import threading
from typing import Any, NoReturn, Protocol

from pyhpo._runtime import after_fork
from pyhpo.exceptions import JournalCorruptionError
from pyhpo.logging import get_logger
from pyhpo.storages.journal import _engine_py

try:
    from pyhpo._cjournal import ffi, lib
except ImportError as _exc:  # not built: no compiler at install time, or a platform journal.c refuses
    ffi = lib = None
    _C_MISSING: str = str(_exc)
else:
    _C_MISSING = ""

__all__ = ["ENGINE_ENV", "Engine", "LockLike", "engine_name"]

_logger = get_logger(__name__)

#: The environment variable that picks the engine: ``"c"``, ``"python"``, or unset/empty for the best available.
ENGINE_ENV = "PYHPO_JOURNAL_ENGINE"
_ENGINES = ("c", "python")

# Enough for thousands of records per call; grows (and stays grown) when a single line is longer.
_INITIAL_READ_CAPACITY = 1 << 20
_SCAN_BLOCK = 1 << 20
_PREVIEW = 40  # bytes of a refused tail shown in the error message
_RECORD_START = b'{"op_code":'  # how every record begins (csrc/journal.c checks a torn tail against it)

_MINUS_EINTR = -errno.EINTR

_LOCK_REFUSED = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)})
# A write() that did not fit (Windows has no EDQUOT).
_NO_ROOM = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG})
_LOCK_NAMES = {
    _engine_py.LOCK_OFD: "ofd",
    _engine_py.LOCK_FLOCK: "flock",
    _engine_py.LOCK_PORTALOCKER: "portalocker",
}


def engine_name() -> str:
    """Which journal engine new journal files use: ``"c"`` (compiled) or ``"python"`` (portable).

    The C engine when it was built, unless the environment variable ``PYHPO_JOURNAL_ENGINE`` says
    ``python``. Both write the same bytes under the same lock, so processes on different engines can share
    one journal.

    Raises:
        ImportError: ``PYHPO_JOURNAL_ENGINE=c`` but the C engine is not built.
        ValueError: ``PYHPO_JOURNAL_ENGINE`` holds something other than ``c`` or ``python``.
    """
    wanted = os.environ.get(ENGINE_ENV, "").strip().lower()
    if wanted not in ("", *_ENGINES):
        raise ValueError(f"{ENGINE_ENV} must be 'c' or 'python' (or unset), got {wanted!r}.")
    if wanted == "python":
        return "python"
    if lib is None:
        if wanted == "c":
            raise ImportError(
                f"{ENGINE_ENV}=c, but pyhpo's C journal engine is not built ({_C_MISSING}). "
                "Reinstall pyhpo with a C compiler available, or unset the variable to use the portable engine."
            )
        return "python"
    return "c"


class _CJournal:
    """A ``pj_journal *`` with :class:`pyhpo.storages.journal._engine_py.Journal`'s methods."""

    def __init__(self, ptr: Any) -> None:
        self._ptr = ptr
        self.read_only: int = lib.pj_read_only(ptr)
        self._end = ffi.new("uint64_t *")
        self._cut = ffi.new("uint64_t *")
        self._append = lib.pj_append  # looked up once: appends are the hot path
        self._buffer: Any = None
        self._capacity = 0

    @classmethod
    def open(cls, path: str, create: bool) -> tuple[int, _CJournal | None]:
        out = ffi.new("pj_journal **")
        rc = lib.pj_open(os.fsencode(path), int(create), out)
        return (rc, None) if rc < 0 else (0, cls(out[0]))

    @property
    def lock_mode(self) -> int:
        mode: int = lib.pj_lock_mode(self._ptr)
        return mode

    def append(self, data: bytes, sync: bool, lock: bool) -> tuple[int, int, int]:
        rc = self._append(self._ptr, data, len(data), sync, lock, self._end, self._cut)
        return rc, self._end[0], self._cut[0]

    def read(self, offset: int, cap: int) -> bytes | int:
        if cap != self._capacity:
            self._buffer, self._capacity = ffi.new("char[]", cap), cap
        n: int = lib.pj_read(self._ptr, offset, self._buffer, cap)
        if n < 0:
            return n
        data: bytes = ffi.unpack(self._buffer, n)
        return data

    def size(self) -> int:
        size: int = lib.pj_size(self._ptr)
        return size

    def close(self) -> int:
        ptr, self._ptr = self._ptr, None
        rc: int = lib.pj_close(ptr) if ptr is not None else 0
        return rc


_Handle = _CJournal | _engine_py.Journal


class LockLike(Protocol):
    """What :meth:`Engine.append` needs from a lock object (``BaseJournalFileLock`` or Optuna's)."""

    def acquire(self) -> bool: ...

    def release(self) -> None: ...


class Engine:
    """One open journal file.

    Safe to share between threads: appends are serialized by a ``threading.Lock`` (the kernel lock belongs to
    the open file description, which all threads of the process share, so it cannot tell them apart), and reads
    by another (they share a buffer). After ``fork()`` the child drops the inherited handle and opens its own on
    first use: sharing one description with the parent would let both hold "the" lock at once.

    Args:
        path: The journal file. Made absolute, because every append checks that it still names the open file.
        create: Create the file when it does not exist.
        engine: ``"c"`` or ``"python"``; ``None`` (default) for :func:`engine_name`'s choice.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, engine: str | None = None
    ) -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(
                f"The journal path must be a str or os.PathLike, got {type(path).__name__}: {path!r}."
            )
        text = os.fspath(path)
        if not isinstance(text, str):
            raise TypeError(f"The journal path must be text, got {type(text).__name__}: {text!r}.")
        if not text or "\0" in text:
            raise ValueError(f"The journal path must be a non-empty string without NUL bytes, got {text!r}.")
        if engine is None:
            engine = engine_name()
        elif engine not in _ENGINES:
            raise ValueError(f"engine must be 'c' or 'python', got {engine!r}.")
        elif engine == "c" and lib is None:
            raise ImportError(f"pyhpo's C journal engine is not built ({_C_MISSING}).")
        self._opener = _CJournal.open if engine == "c" else _engine_py.Journal.open
        self._engine_name = engine
        self._path = os.path.abspath(text)
        self._create = bool(create)
        self._append_guard = threading.Lock()
        self._read_guard = threading.Lock()
        self._open_guard = threading.Lock()
        self._handle: _Handle | None = None
        self._closed = False
        self._capacity = _INITIAL_READ_CAPACITY
        self._read_only = 0  # set by _open: the errno that refused opening for writing, or 0
        self._handle = self._open()
        after_fork(self)  # a forked child drops the handle it inherited

    @property
    def path(self) -> str:
        """Absolute path of the journal file."""
        return self._path

    @property
    def engine(self) -> str:
        """Which implementation this journal uses: ``"c"`` or ``"python"``."""
        return self._engine_name

    @property
    def lock_mode(self) -> str:
        """The lock appends use: ``"ofd"``, ``"flock"``, ``"portalocker"`` (the portable engine on Windows), or
        ``"none"`` before the first locked append."""
        return _LOCK_NAMES.get(self._check(self._live_handle().lock_mode), "none")

    @property
    def read_only(self) -> bool:
        """Whether the file could only be opened for reading (then every append raises at once)."""
        self._live_handle()
        return bool(self._read_only)

    def append(self, data: bytes, *, sync: bool, lock_obj: LockLike | None = None) -> int:
        """Append ``data`` (complete lines) as one batch and return the file size after it.

        Without ``lock_obj`` the C engine takes the kernel lock; with it, ``lock_obj`` is held instead. Either
        way a dead writer's torn tail is cut first (and logged) and the batch goes down in one ``write()``.

        Raises:
            JournalCorruptionError: The file does not end with a complete line, and its last bytes are not
                what a journal writer could have left (a file that is not a journal): nothing is cut or
                written.
            PermissionError: The journal is read-only (``OSError`` with ``EROFS`` on a read-only mount).
            OSError: The write failed (``ENOSPC``, ``EFBIG``, ...): the batch is cut back to its complete
                lines, so the file still ends with a complete record.
        """
        if not isinstance(data, bytes):
            raise TypeError(f"Journal data must be bytes, got {type(data).__name__}.")
        if not data.endswith(b"\n"):
            raise ValueError(f"Journal data must be complete lines ending with b'\\n', got {data[-40:]!r}.")
        size = len(data)
        with self._append_guard:
            handle = self._handle if self._handle is not None else self._live_handle()
            if self._read_only:
                # Before any lock is taken: a lock file could not be created in a read-only place either.
                err = self._read_only
                raise OSError(
                    err,
                    f"{os.strerror(err)}: the journal is read-only (it was opened for reading only), "
                    "so nothing can be appended to it",
                    self._path,
                )
            if lock_obj is None:
                rc, end, cut = handle.append(data, sync, True)
                while rc == _MINUS_EINTR:
                    # A signal interrupted the lock wait. Its Python handler runs at this loop's backward jump
                    # (Ctrl-C raises KeyboardInterrupt there); if it returns, wait again (PEP 475).
                    rc, end, cut = handle.append(data, sync, True)
            else:
                lock_obj.acquire()
                try:
                    rc, end, cut = handle.append(data, sync, False)
                finally:
                    lock_obj.release()
        if cut:  # logged even if the write then failed: the cut happened
            _logger.warning(
                f"Cut {cut} bytes of an incomplete last line"
                + (f" at byte offset {end - size}" if rc >= 0 else "")
                + f" of journal {self._path} (a writer died mid-append)."
            )
        if rc < 0:
            if rc == -errno.EBADMSG:
                offset = self._tail_start()
                raise JournalCorruptionError(
                    self._path, offset, self._line_number(offset), self._describe_foreign_tail(offset)
                )
            if -rc in _NO_ROOM:
                # The engine cut the batch back to the complete lines that reached the file (one record per
                # batch from JournalStorage: none), so say what the user most wants to know.
                raise OSError(
                    -rc,
                    f"{os.strerror(-rc)}: appending to the journal failed; the journal keeps its complete records",
                    self._path,
                )
            _raise(-rc, self._path)
        return int(end)

    def read(self, offset: int) -> bytes:
        """Return the complete lines from byte ``offset`` on (``b""`` when there are none), without locking.

        Raises:
            JournalCorruptionError: ``offset`` is not at the start of a line (the file was truncated or
                rewritten by something other than a journal writer).
        """
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ValueError(f"A journal offset must be a non-negative int, got {offset!r}.")
        with self._read_guard:
            handle = self._live_handle()
            while True:
                n = handle.read(offset, self._capacity)
                if n != -errno.ENOBUFS:
                    break
                # One line is longer than the buffer: double it and read again.
                self._capacity *= 2
            if not isinstance(n, int):
                return n
        if n == -errno.EBADMSG:
            size = self.size()
            reason = (
                f"the file is {size} bytes long, shorter than the reader's position"
                if offset > size
                else "the reader's position is not at the start of a line"
            )
            raise JournalCorruptionError(
                self._path,
                offset,
                self._line_number(min(offset, size)),
                reason + " (truncated or rewritten?)",
            )
        _raise(-n, self._path)

    def size(self) -> int:
        """Size of the file in bytes, a torn tail included."""
        return self._check(self._live_handle().size())

    def close(self) -> None:
        """Close the file; later calls raise ``ValueError``. Closing twice is harmless."""
        with self._append_guard, self._read_guard, self._open_guard:
            handle, self._handle, self._closed = self._handle, None, True
        if handle is not None:
            self._check(handle.close())

    def __enter__(self) -> Engine:  # noqa: PYI034 (final in practice; Self needs 3.11)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None:
            handle.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._path!r}, engine={self._engine_name!r})"

    def _open(self) -> _Handle:
        rc, handle = self._opener(self._path, self._create)
        self._check(rc)
        assert handle is not None
        self._read_only = handle.read_only
        return handle

    def _live_handle(self) -> _Handle:
        handle = self._handle
        if handle is None:
            with self._open_guard:  # a reader and an appender may both get here first
                if self._closed:
                    raise ValueError(f"I/O operation on a closed journal: {self._path}")
                if self._handle is None:
                    # First use in a forked child: never create here, the parent's file is the one we want.
                    self._create = False
                    self._handle = self._open()
                handle = self._handle
        return handle

    def _after_fork_in_child(self) -> None:
        self._append_guard = threading.Lock()
        self._read_guard = threading.Lock()
        self._open_guard = threading.Lock()
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closes only the child's descriptor: the parent's lock stays held

    def _check(self, rc: int) -> int:
        if rc < 0:
            _raise(-rc, self._path)
        return rc

    def _tail_start(self) -> int:
        """Offset just past the last b"\\n" (0 if none): where an incomplete last line starts."""
        with open(self._path, "rb") as f:
            end = f.seek(0, os.SEEK_END)
            while end > 0:
                start = max(0, end - _SCAN_BLOCK)
                f.seek(start)
                at = f.read(end - start).rfind(b"\n")
                if at >= 0:
                    return start + at + 1
                end = start
        return 0

    def _describe_foreign_tail(self, offset: int) -> str:
        """Say what the engine refused to cut (error path only): the bytes from ``offset`` and what precedes."""
        with open(self._path, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(offset)
            head = f.read(_PREVIEW)
            previous = b""
            if offset > 0:
                f.seek(max(0, offset - _PREVIEW - 1))
                previous = f.read(offset - 1 - max(0, offset - _PREVIEW - 1))
        found = f"{size - offset} bytes " + (
            f"starting {head!r}..." if size - offset > len(head) else repr(head)
        )
        if offset == 0:
            what = (
                f"the file holds no complete journal record, and its {found} are not the start of one: "
                "this is not a journal file (wrong path?)"
            )
        elif not previous.rstrip(b"\r").endswith(b"}"):
            what = (
                f"the last line is incomplete ({found}) and the complete line before it "
                f"(ending {previous[-20:]!r}) is not a journal record: this is not a journal file"
            )
        else:
            what = (
                f"the last line is incomplete, and its {found} are not what a journal writer leaves "
                f"(the start of a record, {_RECORD_START!r}, perhaps followed by NUL bytes)"
            )
        return what + "; refusing to cut them: nothing was cut or written"

    def _line_number(self, offset: int) -> int:
        """1-based number of the line that starts at ``offset`` (error messages only: reads up to it)."""
        count = 0
        with open(self._path, "rb") as f:
            remaining = offset
            while remaining > 0:
                block = f.read(min(_SCAN_BLOCK, remaining))
                if not block:
                    break
                count += block.count(b"\n")
                remaining -= len(block)
        return count + 1


def _raise(err: int, path: str) -> NoReturn:
    """The choke point: errno from C -> the exception users see."""
    if err in _LOCK_REFUSED:
        raise OSError(
            err,
            f"{os.strerror(err)}: the file system refuses the kernel lock the journal needs (NFS?). "
            "Pass lock_obj=JournalFileOpenLock(path) or JournalFileSymlinkLock(path) to JournalFileBackend",
            path,
        )
    if err == errno.ESTALE:
        raise OSError(
            err, "The journal file was replaced or deleted after it was opened; open it again", path
        )
    raise OSError(err, os.strerror(err), path)
