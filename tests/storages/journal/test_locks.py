"""Lock files for NFS: mutual exclusion across processes, stale locks broken, live holders never robbed.

Build the extension in place first: ``python csrc/ffi_build.py`` (from the root of a clone).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

import pytest

from pyhpo.storages.journal._locks import BaseJournalFileLock, JournalFileOpenLock, JournalFileSymlinkLock

if TYPE_CHECKING:
    from collections.abc import Iterator

KINDS = {"open": JournalFileOpenLock, "symlink": JournalFileSymlinkLock}

# Increments a counter file N times inside the lock, logging enter/exit, with a pause to invite races.
COUNTER = textwrap.dedent(
    """
    import os, sys, time
    from pyhpo.storages.journal._locks import JournalFileOpenLock, JournalFileSymlinkLock
    kind, target, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lock = {"open": JournalFileOpenLock, "symlink": JournalFileSymlinkLock}[kind](target, grace_period=5)
    for _ in range(n):
        lock.acquire()
        try:
            with open(target + ".events", "a") as log:
                log.write(f"enter {os.getpid()}\\n")
            value = int(open(target).read() or 0)
            time.sleep(0.001)
            open(target, "w").write(str(value + 1))
            with open(target + ".events", "a") as log:
                log.write(f"exit {os.getpid()}\\n")
        finally:
            lock.release()
    """
)

# Acquires, says so, then holds the lock for `hold` seconds (refreshing it) or until killed.
HOLDER = textwrap.dedent(
    """
    import sys, time
    from pyhpo.storages.journal._locks import JournalFileOpenLock, JournalFileSymlinkLock
    kind, target, grace, hold = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    lock = {"open": JournalFileOpenLock, "symlink": JournalFileSymlinkLock}[kind](target, grace_period=grace)
    lock.acquire()
    print("held", flush=True)
    time.sleep(hold)
    lock.release()
    print("released", flush=True)
    """
)

APPEND_WITH_LOCK = textwrap.dedent(
    """
    import sys
    from pyhpo.storages.journal._file import JournalFileBackend
    from pyhpo.storages.journal._locks import JournalFileOpenLock
    path, name = sys.argv[1], sys.argv[2]
    backend = JournalFileBackend(path, lock_obj=JournalFileOpenLock(path), sync="never")
    for i in range(100):
        backend.append_logs([{"op_code": 4, "w": name, "seq": i}])
    """
)


def run_script(script: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextlib.contextmanager
def lock_warnings() -> Iterator[list[str]]:
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("pyhpo.storages.journal._locks")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


@pytest.fixture(params=sorted(KINDS))
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def target(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "journal.log"
    path.write_text("")
    return path


def test_two_processes_exclude_each_other(kind: str, target: pathlib.Path) -> None:
    children = [run_script(COUNTER, kind, target, 40) for _ in range(2)]
    for child in children:
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
    assert target.read_text() == "80"  # no lost update
    events = pathlib.Path(str(target) + ".events").read_text().splitlines()
    assert len(events) == 160
    for enter, leave in zip(events[::2], events[1::2]):  # never two holders inside at once
        assert enter.startswith("enter ") and leave == "exit " + enter.split()[1]
    assert not pathlib.Path(str(target) + ".lock").exists()


def test_lock_file_names_its_owner_and_is_gone_after_release(kind: str, target: pathlib.Path) -> None:
    lock = KINDS[kind](str(target))
    assert lock.acquire() is True
    lock_file = str(target) + ".lock"
    if kind == "symlink":  # points at the journal, as Optuna's link does
        assert os.readlink(lock_file) == str(target)
    else:
        assert pathlib.Path(lock_file).read_text().split(":")[1] == str(os.getpid())
    lock.release()
    assert not os.path.lexists(lock_file)
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # nothing left behind


def test_stale_lock_of_a_killed_holder_is_broken_after_the_grace_period(
    kind: str, target: pathlib.Path
) -> None:
    holder = run_script(HOLDER, kind, target, 1, 60)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    lock = KINDS[kind](str(target), grace_period=1)
    with lock_warnings() as warned:
        started = time.monotonic()
        assert lock.acquire()
        waited = time.monotonic() - started
    assert 1.0 <= waited < 4.0
    assert any("presumed dead. Forcibly releasing the lock file." in message for message in warned)
    lock.release()


def test_slow_holder_that_refreshes_is_not_robbed(kind: str, target: pathlib.Path) -> None:
    holder = run_script(HOLDER, kind, target, 1.5, 3.2)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    held_since = time.monotonic()
    lock = KINDS[kind](str(target), grace_period=1.5)
    with lock_warnings() as warned:
        assert lock.acquire()
    waited = time.monotonic() - held_since
    lock.release()
    out, err = holder.communicate(timeout=30)
    assert holder.returncode == 0 and out == "released\n", err  # its release found its own lock
    assert waited >= 3.1, "the waiter took the lock from a live holder"
    assert warned == []


def test_lock_without_grace_period_is_never_broken(kind: str, target: pathlib.Path) -> None:
    owner = KINDS[kind](str(target), grace_period=None)
    owner.acquire()
    holder = run_script(
        "import sys, time; from pyhpo.storages.journal._locks import *\n"
        f"lock = {KINDS[kind].__name__}(sys.argv[1], grace_period=None); lock.acquire(); print('got', flush=True)",
        target,
    )
    time.sleep(1.0)
    assert holder.poll() is None  # still waiting, nobody broke the lock
    owner.release()
    out, _ = holder.communicate(timeout=30)
    assert out == "got\n"
    # The child exited holding it: with no grace period, it stays until removed by hand.
    assert os.path.lexists(str(target) + ".lock")


def test_robbed_holder_learns_it_on_release_and_leaves_the_new_lock_alone(
    kind: str, target: pathlib.Path
) -> None:
    first, second = KINDS[kind](str(target)), KINDS[kind](str(target))
    first.acquire()
    lock_file = str(target) + ".lock"
    first._stop_refreshing()
    os.rename(lock_file, lock_file + ".gone")  # someone broke it...
    assert second.acquire()  # ...and another holder took it
    with pytest.raises(RuntimeError, match="broken by another process"):
        first.release()
    second.release()  # the successor's lock was left in place: it still releases its own


def test_release_without_holding_is_an_error(kind: str, target: pathlib.Path) -> None:
    with pytest.raises(RuntimeError, match="did not possess lock"):
        KINDS[kind](str(target)).release()


def test_grace_period_is_validated(kind: str, target: pathlib.Path) -> None:
    for bad in (0, -1, "30", True):
        with pytest.raises(ValueError, match="grace_period"):
            KINDS[kind](str(target), grace_period=bad)  # type: ignore[arg-type]
    with pytest.warns(UserWarning, match="might be too small"):
        KINDS[kind](str(target), grace_period=0.5)
    assert isinstance(KINDS[kind](str(target)), BaseJournalFileLock)


def test_journal_backend_with_a_lock_file_keeps_every_record(target: pathlib.Path) -> None:
    children = [run_script(APPEND_WITH_LOCK, target, name) for name in ("a", "b")]
    for child in children:
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert sorted((r["w"], r["seq"]) for r in records) == [(w, i) for w in ("a", "b") for i in range(100)]


def test_pyhpo_and_optuna_symlink_locks_exclude_each_other(target: pathlib.Path) -> None:
    optuna_journal = pytest.importorskip("optuna.storages.journal")
    ours = JournalFileSymlinkLock(str(target))
    theirs = optuna_journal.JournalFileSymlinkLock(str(target))
    ours.acquire()
    waiter = run_script(
        "import sys, optuna\n"
        "lock = optuna.storages.journal.JournalFileSymlinkLock(sys.argv[1]); lock.acquire(); print('got', flush=True)"
        "; lock.release()",
        target,
    )
    time.sleep(1.0)
    assert waiter.poll() is None  # Optuna waits on our link
    ours.release()
    out, err = waiter.communicate(timeout=30)
    assert out == "got\n", err
    theirs.acquire()
    assert os.readlink(str(target) + ".lock") == str(target)  # the same link, Optuna's way
    holder = run_script(HOLDER, "symlink", target, 5, 0)
    time.sleep(1.0)
    assert holder.poll() is None  # and we wait on Optuna's
    theirs.release()
    out, err = holder.communicate(timeout=30)
    assert out == "held\nreleased\n", err
