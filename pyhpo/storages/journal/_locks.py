"""Lock files for journals on file systems whose kernel locks cannot be trusted (NFS).

On a local disk :class:`~pyhpo.storages.journal.JournalFileBackend` needs none of this: the kernel lock is
exact and vanishes with its holder. Across NFS clients it may silently not exclude, so Optuna's two lock-file
protocols are offered under Optuna's names and signatures, on the same ``<journal>.lock`` path, so that pyhpo and
Optuna processes writing one journal exclude each other:

* :class:`JournalFileSymlinkLock`: ``symlink()`` is atomic on every NFS version.
* :class:`JournalFileOpenLock`: ``open(O_CREAT | O_EXCL)`` is atomic from NFSv3 on.

Both improve on Optuna's in three ways:

* A holder can tell its lock from a successor's: the open lock file holds an owner token (host, pid, random);
  a symbolic link must point at the journal (Optuna's waiters ``stat()`` through it), so its identity is its
  inode number and modification time.
* While held, a background thread refreshes the lock file's mtime every ``grace_period / 4`` seconds. Waiters
  break a lock only when it has not changed for ``grace_period`` seconds *as measured on their own monotonic
  clock* (no comparison of clocks across machines), so a slow holder is never robbed; only a dead one is.
* Breaking is atomic: the breaker ``rename()``s the lock file to a unique name, so of several waiters that
  see the same stale lock exactly one breaks it, and it checks that what it moved is the stale lock it
  observed (a fresh lock taken in between is put back with ``link()``, which never overwrites).

Waiting is a poll with short sleeps: a lock file offers nothing to block on.
"""

from __future__ import annotations

import abc
import os
import socket
import threading
import time
import uuid
import warnings
from typing import TYPE_CHECKING, Any, ClassVar

from pyhpo._runtime import LockFreePickle, after_fork
from pyhpo.logging import get_logger

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["BaseJournalFileLock", "JournalFileOpenLock", "JournalFileSymlinkLock"]

_logger = get_logger(__name__)

LOCK_FILE_SUFFIX = ".lock"
_BROKEN_SUFFIX = ".broken"
_FIRST_SLEEP = 0.001
_MAX_SLEEP = 0.05
_WAIT_WARNING_INTERVAL = 10.0


class BaseJournalFileLock(abc.ABC):
    """A lock shared by processes through the file system (Optuna's interface)."""

    @abc.abstractmethod
    def acquire(self) -> bool:
        """Block until the lock is held; return ``True``."""
        raise NotImplementedError

    @abc.abstractmethod
    def release(self) -> None:
        """Release a lock this object holds."""
        raise NotImplementedError


class _RefreshedLockFile(LockFreePickle, BaseJournalFileLock):
    """The protocol shared by both lock kinds; subclasses say how a lock file is created and identified.

    A copy (pickled for another process) or a forked child names the same lock file but starts unheld.
    """

    # Holding does not transfer, and thread primitives cannot be pickled: a copy gets fresh ones.
    _transient_: ClassVar[dict[str, Callable[[], Any]]] = {
        "_token_pid": int,
        "_token_value": str,
        "_held": type(None),
        "_held_guard": threading.Lock,
        "_stop": threading.Event,
        "_refresher": type(None),
    }

    def __init__(self, filepath: str, grace_period: float | None = 30) -> None:
        if not isinstance(filepath, (str, os.PathLike)):
            raise TypeError(
                f"filepath must be a str or os.PathLike, got {type(filepath).__name__}: {filepath!r}."
            )
        if grace_period is not None:
            if (
                isinstance(grace_period, bool)
                or not isinstance(grace_period, (int, float))
                or grace_period <= 0
            ):
                raise ValueError(
                    f"The value of `grace_period` should be a positive number, got {grace_period!r}."
                )
            if grace_period < 1:
                # The holder refreshes every grace_period / 4; much below a second, a busy process may miss it.
                warnings.warn(
                    f"The value of `grace_period` ({grace_period}) might be too small.", stacklevel=2
                )
        self.grace_period = grace_period
        self._lock_target_file = os.fspath(filepath)
        self._lock_file = self._lock_target_file + LOCK_FILE_SUFFIX
        self._init_process_state()

    def _init_process_state(self) -> None:
        """Start unheld, with fresh thread primitives: at creation, after unpickling, in a forked child.

        A lock held by the parent is not held by a child (a forked copy of it, or an unpickled one): the
        child must never release, refresh or hand back a lock file it did not create.
        """
        self._token_pid = -1
        self._token_value = ""
        self._held: str | None = None  # identity of the lock file we created, while we hold it
        self._held_guard = threading.Lock()  # the refresher and release() both update _held
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None
        after_fork(self)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._init_process_state()

    def _after_fork_in_child(self) -> None:
        self._init_process_state()

    # --- what differs between the two kinds -----------------------------------------------------------

    @abc.abstractmethod
    def _create(self, path: str) -> None:
        """Atomically create the lock file ``path``; raise ``FileExistsError`` if it exists."""

    @abc.abstractmethod
    def _identity(self, path: str) -> str:
        """What tells this lock file apart from any other created at ``path``; ``FileNotFoundError`` if none."""

    # --- the protocol -----------------------------------------------------------------------------------

    @property
    def _token(self) -> str:
        # Per process: a forked child must not mistake its parent's lock for its own.
        pid = os.getpid()
        if pid != self._token_pid:
            self._token_pid = pid
            self._token_value = f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex}"
        return self._token_value

    def acquire(self) -> bool:
        """Block until the lock file is ours; break it first if its holder stopped refreshing it.

        Returns:
            ``True`` once the lock is held.
        """
        sleep = _FIRST_SLEEP
        started = last_warning = time.monotonic()
        seen: tuple[int, str] | None = None  # (mtime_ns, identity) of the lock we are waiting on
        seen_since = started
        while True:
            try:
                self._create(self._lock_file)
            except FileExistsError:
                pass
            else:
                self._held = self._identity(self._lock_file)
                self._start_refreshing()
                return True
            now = time.monotonic()
            if now - last_warning > _WAIT_WARNING_INTERVAL:
                _logger.warning(
                    f"It is taking longer than {_WAIT_WARNING_INTERVAL} seconds to acquire "
                    f"the lock file: {self._lock_file} Retrying..."
                )
                last_warning = now
            if self.grace_period is not None:
                current = self._observe()
                if current is None:
                    sleep = _FIRST_SLEEP  # just released: retry at once
                    continue
                if current != seen:
                    seen, seen_since = current, now
                elif now - seen_since > self.grace_period and self._break(seen[1]):
                    seen = None
                    sleep = _FIRST_SLEEP
                    continue
            time.sleep(sleep)
            sleep = min(sleep * 2, _MAX_SLEEP)

    def release(self) -> None:
        """Release the lock.

        Raises:
            RuntimeError: This object does not hold the lock (never acquired, or broken by a waiter).
        """
        self._stop_refreshing()
        with self._held_guard:
            held, self._held = self._held, None
        moved = None if held is None else self._move_aside()  # never touch a lock we did not take
        if held is None or moved is None:
            raise RuntimeError(f"Error: did not possess lock {self._lock_file}")
        if self._identity_or_empty(moved) != held:
            # Someone broke ours and took the lock since: give it back and report.
            self._put_back(moved)
            raise RuntimeError(
                f"Error: did not possess lock {self._lock_file} (it was broken by another process)"
            )
        os.unlink(moved)

    # --- helpers ------------------------------------------------------------------------------------------

    def _observe(self) -> tuple[int, str] | None:
        try:
            mtime = os.stat(self._lock_file, follow_symlinks=False).st_mtime_ns
            return mtime, self._identity(self._lock_file)
        except FileNotFoundError:
            return None

    def _identity_or_empty(self, path: str) -> str:
        try:
            return self._identity(path)
        except FileNotFoundError:
            return ""

    def _move_aside(self) -> str | None:
        """rename() the lock file to a unique name (atomic: one caller wins); return the new name or None."""
        moved = f"{self._lock_file}.{uuid.uuid4().hex}{_BROKEN_SUFFIX}"
        try:
            os.rename(self._lock_file, moved)
        except FileNotFoundError:
            return None
        return moved

    def _put_back(self, moved: str) -> None:
        """Restore a lock file moved aside by mistake, unless a new one exists already (link() never overwrites)."""
        try:
            os.link(moved, self._lock_file, follow_symlinks=False)
        except FileExistsError:
            pass
        os.unlink(moved)

    def _break(self, stale: str) -> bool:
        """Break the lock whose identity ``stale`` we watched go stale; return whether we did."""
        moved = self._move_aside()
        if moved is None:
            return False
        if self._identity_or_empty(moved) != stale:
            self._put_back(moved)  # a new holder took it between our look and our rename
            return False
        os.unlink(moved)
        _logger.warning(
            f"The lock file {self._lock_file} has not been refreshed for {self.grace_period} seconds; its holder "
            f"({stale or 'unknown'}) is presumed dead. Forcibly releasing the lock file."
        )
        return True

    def _start_refreshing(self) -> None:
        if self.grace_period is None:
            return
        self._stop = threading.Event()
        self._refresher = threading.Thread(
            target=self._refresh_loop,
            args=(self._stop, self.grace_period / 4),
            name=f"pyhpo-lock-refresh:{self._lock_file}",
            daemon=True,
        )
        self._refresher.start()

    def _stop_refreshing(self) -> None:
        refresher, self._refresher = self._refresher, None
        if refresher is not None:
            self._stop.set()
            if refresher is not threading.current_thread():
                refresher.join()

    def _refresh_loop(self, stop: threading.Event, interval: float) -> None:
        while not stop.wait(interval):
            with self._held_guard:
                if self._held is None or self._identity_or_empty(self._lock_file) != self._held:
                    _logger.error(
                        f"The lock file {self._lock_file} was taken from this process while it held it."
                    )
                    return
                try:
                    os.utime(self._lock_file, follow_symlinks=False)
                    self._held = self._identity(self._lock_file)  # a link's identity includes its mtime
                except FileNotFoundError:
                    return


class JournalFileSymlinkLock(_RefreshedLockFile):
    """Lock a journal with a symbolic link, atomic on every NFS version.

    The link ``<filepath>.lock`` points at the journal, as Optuna's does, so Optuna processes waiting on it can
    follow it. Its identity (inode number and modification time, which the holder refreshes) tells the holder
    its own lock from a successor's.

    Args:
        filepath:
            The file to protect (the journal).
        grace_period:
            Seconds without a refresh after which waiters break the lock; ``None`` never breaks it. The
            holder refreshes every ``grace_period / 4`` seconds, so only a dead or frozen holder loses it.
    """

    def _create(self, path: str) -> None:
        os.symlink(self._lock_target_file, path)

    def _identity(self, path: str) -> str:
        st = os.stat(path, follow_symlinks=False)
        return f"inode {st.st_ino}, mtime {st.st_mtime_ns}"


class JournalFileOpenLock(_RefreshedLockFile):
    """Lock a journal with a file created by ``open(O_CREAT | O_EXCL)``, atomic from NFSv3 on.

    The file ``<filepath>.lock`` holds the owner token (host, pid, random), written right after creation. A
    waiter that reads it empty in between sees a lock that is being taken, which is fine: it only breaks a lock
    that stayed unchanged for ``grace_period`` seconds.

    Args:
        filepath:
            The file to protect (the journal).
        grace_period:
            Seconds without a refresh after which waiters break the lock; ``None`` never breaks it. The
            holder refreshes every ``grace_period / 4`` seconds, so only a dead or frozen holder loses it.
    """

    def _create(self, path: str) -> None:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            os.write(fd, self._token.encode())
        finally:
            os.close(fd)

    def _identity(self, path: str) -> str:
        with open(path, "rb") as f:
            return f.read(4096).decode(errors="replace")
