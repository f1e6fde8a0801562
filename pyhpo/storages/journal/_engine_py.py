"""The portable journal engine: ``csrc/journal.c`` transcribed to Python, for where the C engine is absent.

Used when the compiled ``pyhpo._cjournal`` is missing (no compiler at install time, Windows) or when
``PYHPO_JOURNAL_ENGINE=python`` asks for it. :class:`Journal` has the C engine's functions and return values
(``>= 0`` or ``-errno``, with ``-ESTALE``, ``-ENOBUFS``, ``-EBADMSG`` meaning what ``csrc/journal.h`` says), so
``Engine`` in ``_engine.py`` turns errors into exceptions in one place for both engines. The rules, and why,
are those of ``csrc/NOTES.md``; only the differences are explained here.

The lock must be the one the C engine takes, or a process on each engine would write the same file at once:

* Linux: an OFD lock (``fcntl(F_OFD_SETLKW)``, through Python's ``fcntl``), falling back to ``flock`` on
  ``EINVAL``, exactly as ``journal.c``;
* other POSIX systems (macOS, the BSDs): ``flock`` through ``portalocker``, which is what ``journal.c`` uses there;
* Windows: ``LockFileEx`` (or ``msvcrt.locking`` without pywin32) through ``portalocker``. Windows byte-range
  locks are mandatory: while a writer holds it, a reader on another handle gets ``EACCES`` for the locked
  range, so :meth:`Journal.read` waits that out (briefly, only under contention).

Every one of these locks belongs to an open file (description or handle) and dies with its process.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
import sys
import threading
import time
from typing import Any

__all__ = ["LOCK_FLOCK", "LOCK_NONE", "LOCK_OFD", "LOCK_PORTALOCKER", "Journal"]

# The C engine's PJ_LOCK_* values, plus one for portalocker's lock on Windows.
LOCK_NONE, LOCK_OFD, LOCK_FLOCK, LOCK_PORTALOCKER = 0, 1, 2, 3

_SCAN_BLOCK = 4096  # as PJ_SCAN_BLOCK: blocks read backwards when looking for a torn tail's newline
_RECORD_START = b'{"op_code":'
_CONTROLS = bytes(range(0x20))  # JSON escapes them: a record never holds one
_WINDOWS = os.name == "nt"
_OPEN_FLAGS = os.O_RDWR | os.O_APPEND | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_HAS_PREAD = hasattr(os, "pread")
_READ_LOCKED_RETRIES = 2000  # Windows: how many 1 ms waits a reader gives a writer holding the range lock

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

_OFD_SETLKW: int | None = getattr(fcntl, "F_OFD_SETLKW", None) if sys.platform.startswith("linux") else None
if fcntl is not None and _OFD_SETLKW is not None:
    # struct flock: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid (the same layout on
    # every Linux architecture, with native alignment). l_start = l_len = 0: the whole file, however long.
    _OFD_LOCK = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
    _OFD_UNLOCK = struct.pack("hhqqi", fcntl.F_UNLCK, os.SEEK_SET, 0, 0, 0)


def _sync(fd: int) -> None:
    """Make the file's data durable: fdatasync where it exists, F_FULLFSYNC on Apple, else fsync."""
    if sys.platform == "darwin" and fcntl is not None and hasattr(fcntl, "F_FULLFSYNC"):
        # macOS fsync() only hands the data to the drive, whose cache may lose it (see csrc/NOTES.md).
        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass  # not supported by this file system: fsync is the best there is
    getattr(os, "fdatasync", os.fsync)(fd)


def _fsync_parent_dir(path: str) -> int:
    if _WINDOWS or not hasattr(os, "O_DIRECTORY"):
        return 0  # Windows cannot open a directory with os.open; NTFS journals its metadata itself
    try:
        dfd = os.open(
            os.path.dirname(path) or ".", os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
        )
    except OSError as exc:
        return -(exc.errno or errno.EIO)
    try:
        os.fsync(dfd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EROFS):
            return -(exc.errno or errno.EIO)
    finally:
        os.close(dfd)
    return 0


def _move_above_stdio(fd: int) -> int:
    """Move fd to 3 or above (os.dup returns the lowest free number, so dup until it is high enough)."""
    low = []
    while fd < 3:
        low.append(fd)
        fd = os.dup(fd)
    for old in low:
        os.close(old)
    return fd


class Journal:
    """One open journal file: ``pj_journal`` and its functions. A handle is used by one thread at a time.

    Construct with :meth:`open`; every method returns ``>= 0`` or ``-errno`` like its C counterpart.
    """

    def __init__(self, fd: int, path: str, read_only: int, dev: int, ino: int) -> None:
        self.fd = fd
        self.path = path
        self.read_only = read_only  # the errno that refused opening for writing, or 0
        self.lock_mode = LOCK_NONE
        self._dev = dev
        self._ino = ino
        self._clean_end = -1  # a size at which the file is known to end with b"\n" (our last append's end)
        # Without pread (Windows) reads seek the shared descriptor, and an O_APPEND write seeks it too.
        self._position_guard = threading.Lock()
        self._lock_file: Any = None  # the file object portalocker wants, made on first use

    @classmethod
    def open(cls, path: str, create: bool) -> tuple[int, Journal | None]:
        """``pj_open``: ``(0, journal)`` or ``(-errno, None)``."""
        if not path:
            return -errno.ENOENT, None
        created = False
        try:
            if create:
                # O_EXCL first, so we know whether we created the file and owe its directory an fsync.
                try:
                    fd = os.open(path, _OPEN_FLAGS | os.O_CREAT | os.O_EXCL, 0o644)
                    created = True
                except FileExistsError:
                    fd = os.open(path, _OPEN_FLAGS)
            else:
                fd = os.open(path, _OPEN_FLAGS)
            read_only = 0
        except OSError as exc:
            write_errno = exc.errno or errno.EIO
            if write_errno not in (errno.EACCES, errno.EROFS, errno.EPERM):
                return -write_errno, None
            # A journal we may not write can still be read, as Optuna reads it; appends then fail at once.
            try:
                fd = os.open(path, _READ_FLAGS)
            except OSError:
                return -write_errno, None
            read_only = write_errno
        rc = 0
        try:
            fd = _move_above_stdio(fd)
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                rc = -errno.EISDIR
            elif not stat.S_ISREG(st.st_mode):
                rc = -errno.EINVAL  # a FIFO or device has no stable size or tail to repair
            elif created:
                rc = _fsync_parent_dir(path)
        except OSError as exc:
            rc = -(exc.errno or errno.EIO)
        if rc < 0:
            os.close(fd)
            if created:
                os.unlink(path)  # leave the disk as we found it
            return rc, None
        return 0, cls(fd, path, read_only, st.st_dev, st.st_ino)

    # --- append ------------------------------------------------------------------------------------------

    def append(self, data: bytes, sync: bool, lock: bool) -> tuple[int, int, int]:
        """``pj_append``: ``(rc, end, cut)``. Ctrl-C during the lock wait raises here, with nothing written."""
        if self.read_only:
            return -self.read_only, 0, 0
        if lock:
            rc = self._lock()
            if rc < 0:
                return rc, 0, 0
        try:
            rc, end, cut = self._append_locked(data)
        finally:
            if lock:
                self._unlock()
        # Sync after unlocking, as journal.c: other writers go on while we wait for the disk (group commit).
        if rc == 0 and sync:
            try:
                _sync(self.fd)
            except OSError as exc:
                rc = -(exc.errno or errno.EIO)  # the batch stays: readers may have seen it
        return rc, end, cut

    def _append_locked(self, data: bytes) -> tuple[int, int, int]:
        # The path must still name the file we hold, or we would append to an orphan nobody reads.
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            return -errno.ESTALE, 0, 0
        except OSError as exc:
            return -(exc.errno or errno.EIO), 0, 0
        if named.st_dev != self._dev or named.st_ino != self._ino:
            return -errno.ESTALE, 0, 0
        size = named.st_size
        rc, cut = self._repair_tail(size)
        if rc < 0:
            return rc, 0, 0
        size -= cut
        written = 0
        view = memoryview(data)
        try:
            with self._position_guard:
                while written < len(data):
                    n = os.write(self.fd, view[written:])
                    if n == 0:
                        raise OSError(errno.EIO, os.strerror(errno.EIO))
                    written += n
        except OSError as exc:
            # Keep the complete lines that reached the file (a reader may have them), drop the rest.
            keep = size + data.rfind(b"\n", 0, written) + 1
            try:
                os.ftruncate(self.fd, keep)
                self._clean_end = keep
            except OSError:
                pass
            return -(exc.errno or errno.EIO), keep, cut
        self._clean_end = size + len(data)
        return 0, self._clean_end, cut

    def _repair_tail(self, size: int) -> tuple[int, int]:
        """Cut a dead writer's torn last line, and only that: ``(0, bytes cut)`` or ``(-EBADMSG, 0)``.

        The rules of ``repair_tail`` in journal.c: the tail must be a prefix of ``{"op_code":`` with no control
        character, perhaps followed by NUL bytes, after a line ending in ``}`` (or ``}\\r``) or at the start.
        """
        if size == 0 or size == self._clean_end:
            return 0, 0
        hi = size
        keep = 0
        nul_start = size
        in_nul_run = True
        while hi > 0:
            lo = max(0, hi - _SCAN_BLOCK)
            block = self._pread(hi - lo, lo)
            if len(block) != hi - lo:
                return -errno.EIO, 0  # the file shrank while we held the lock: someone ignores it
            if hi == size and block.endswith(b"\n"):
                return 0, 0  # the common case: the tail is complete
            nl = block.rfind(b"\n")
            tail = block[nl + 1 :]
            if in_nul_run:
                stripped = tail.rstrip(b"\0")
                if len(stripped) < len(tail):
                    nul_start = lo + nl + 1 + len(stripped)
                in_nul_run = not stripped
                tail = stripped
            if len(tail.translate(None, _CONTROLS)) != len(tail):
                return -errno.EBADMSG, 0
            if nl >= 0:
                keep = lo + nl + 1
                break
            hi = lo
        if nul_start == keep == 0:
            return -errno.EBADMSG, 0  # only NULs, and no record before them
        if keep > 0:
            before = self._pread(min(keep, 3), keep - min(keep, 3))[:-1]  # the line's end, without its b"\n"
            if not before.removesuffix(b"\r").endswith(b"}"):
                return -errno.EBADMSG, 0
        check = min(nul_start - keep, len(_RECORD_START))
        if self._pread(check, keep) != _RECORD_START[:check]:
            return -errno.EBADMSG, 0
        try:
            os.ftruncate(self.fd, keep)
        except OSError as exc:
            return -(exc.errno or errno.EIO), 0
        return 0, size - keep

    # --- lock --------------------------------------------------------------------------------------------

    def _lock(self) -> int:
        if _OFD_SETLKW is not None and self.lock_mode != LOCK_FLOCK:
            try:
                fcntl.fcntl(self.fd, _OFD_SETLKW, _OFD_LOCK)  # retries EINTR and runs signal handlers
                self.lock_mode = LOCK_OFD
                return 0
            except OSError as exc:
                # EINVAL: a kernel older than 3.15, fall back to flock as journal.c does.
                if exc.errno != errno.EINVAL or self.lock_mode == LOCK_OFD:
                    return -(exc.errno or errno.ENOLCK)
        return self._portalock()

    def _portalock(self) -> int:
        import portalocker

        if self._lock_file is None:
            # A file object, not the bare descriptor: portalocker's Windows lockers seek and tell it.
            self._lock_file = os.fdopen(self.fd, "rb", buffering=0, closefd=False)
        while True:
            try:
                if _WINDOWS:
                    # portalocker seeks the descriptor to 0 and back around Windows locks; readers seek it too.
                    with self._position_guard:
                        portalocker.lock(self._lock_file, portalocker.LOCK_EX)
                else:
                    portalocker.lock(self._lock_file, portalocker.LOCK_EX)
                break
            except portalocker.AlreadyLocked:
                # msvcrt.locking (Windows without pywin32) gives up after ~10 s of waiting: wait again.
                continue
            except portalocker.LockException as exc:
                cause = exc.__cause__
                return -(cause.errno or errno.ENOLCK) if isinstance(cause, OSError) else -errno.ENOLCK
        self.lock_mode = LOCK_PORTALOCKER if _WINDOWS else LOCK_FLOCK
        return 0

    def _unlock(self) -> None:
        if self.lock_mode == LOCK_OFD:
            fcntl.fcntl(self.fd, fcntl.F_OFD_SETLK, _OFD_UNLOCK)
        elif self._lock_file is not None:
            import portalocker

            with self._position_guard:
                portalocker.unlock(self._lock_file)

    # --- read --------------------------------------------------------------------------------------------

    def _pread(self, n: int, offset: int) -> bytes:
        if _HAS_PREAD:
            return os.pread(self.fd, n, offset)
        with self._position_guard:
            os.lseek(self.fd, offset, os.SEEK_SET)
            parts = []
            while n > 0:
                part = os.read(self.fd, n)
                if not part:
                    break
                parts.append(part)
                n -= len(part)
            return b"".join(parts)

    def read(self, offset: int, cap: int) -> bytes | int:
        """``pj_read``: the complete lines among ``cap`` bytes from ``offset``, or ``-errno``."""
        try:
            size = os.fstat(self.fd).st_size
            # The byte before offset too: it must be b"\n", or the file was cut or rewritten under the reader.
            start = offset - 1 if offset > 0 else 0
            want = min(cap + offset - start, max(0, size - start))
            for _ in range(_READ_LOCKED_RETRIES):
                try:
                    data = self._pread(want, start)
                    break
                except PermissionError:
                    if not _WINDOWS:
                        raise
                    time.sleep(0.001)  # a writer holds Windows' mandatory range lock for one write
            else:
                return -errno.EACCES
        except OSError as exc:
            return -(exc.errno or errno.EIO)
        first = 0
        if offset > 0:
            if data[:1] != b"\n":
                return -errno.EBADMSG
            first = 1
        if len(data) == first:
            return b""
        nl = data.rfind(b"\n", first)
        if nl >= first:
            return data[first : nl + 1]
        return -errno.ENOBUFS if len(data) - first == cap else b""

    def size(self) -> int:
        try:
            return os.fstat(self.fd).st_size
        except OSError as exc:
            return -(exc.errno or errno.EIO)

    def close(self) -> int:
        self._lock_file = None  # closefd=False: it never closes the descriptor itself
        try:
            os.close(self.fd)
        except OSError as exc:
            return -(exc.errno or errno.EIO)
        return 0
