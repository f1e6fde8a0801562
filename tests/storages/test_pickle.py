"""Every storage, backend and lock object pickles and works in a child process, as Optuna's do.

The set-up users copy from the docs: the parent builds a storage (for NFS: ``JournalFileBackend(path,
lock_obj=JournalFileOpenLock(path))``), hands it to ``ProcessPoolExecutor`` workers (which pickles it), and each
worker runs ``optimize`` on one shared study. The parent must then see every worker's trials.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

import pytest

import pyhpo
from pyhpo.storages import BaseStorage, InMemoryStorage
from pyhpo.storages.journal import JournalFileOpenLock, JournalFileSymlinkLock
from tests.storages.backends import BACKENDS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pyhpo.storages.journal._locks import BaseJournalFileLock

pytestmark = pytest.mark.filterwarnings("ignore::pyhpo.exceptions.ExperimentalWarning")

WORKERS = 2
TRIALS_PER_WORKER = 3
SHARED = ["journal_file", "journal_file_open_lock", "journal_file_symlink_lock", "journal_redis", "sqlite",
          "postgresql", "mysql", "grpc_sqlite"]  # fmt: skip


def _objective(trial: pyhpo.Trial) -> float:
    x = trial.suggest_float("x", -1.0, 1.0)
    return x * x


def _optimize_in_worker(storage: BaseStorage, study_name: str) -> int:
    """Run in the child: optimize the shared study through the unpickled storage; return the child's pid."""
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    study = pyhpo.load_study(study_name=study_name, storage=storage)
    study.optimize(_objective, n_trials=TRIALS_PER_WORKER)
    return os.getpid()


@contextlib.contextmanager
def _storage(name: str) -> Iterator[BaseStorage]:
    with BACKENDS[name]() as storage:
        yield storage


# gRPC's C core does not survive fork() reliably once channels (or, here, a server) are busy in the parent: it logs
# "Other threads are currently calling into gRPC, skipping fork() handlers" and the child may segfault. The gRPC
# proxy is therefore tested with spawn only (use spawn or forkserver pools with it); see the report of this change.
_FORK_SAFE = [b for b in SHARED if not b.startswith("grpc")]


@pytest.mark.parametrize(
    ("backend", "context"),
    [(b, "spawn") for b in SHARED] + [(b, "fork") for b in _FORK_SAFE],
)
def test_workers_of_a_process_pool_share_a_study_through_the_pickled_storage(
    backend: str, context: str
) -> None:
    with _storage(backend) as storage:
        study = pyhpo.create_study(storage=storage, study_name=f"pickled-{backend}-{context}")
        with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context(context)) as pool:
            futures = [pool.submit(_optimize_in_worker, storage, study.study_name) for _ in range(WORKERS)]
            pids = {f.result(timeout=240) for f in futures}
        assert os.getpid() not in pids
        trials = study.get_trials(deepcopy=False)
        assert len(trials) == WORKERS * TRIALS_PER_WORKER
        assert [t.number for t in trials] == list(range(WORKERS * TRIALS_PER_WORKER))
        assert all(t.state == pyhpo.trial.TrialState.COMPLETE for t in trials)


@pytest.mark.parametrize("lock_class", [JournalFileOpenLock, JournalFileSymlinkLock])
def test_a_lock_object_pickles_and_the_copy_excludes_the_original(tmp_path: Path, lock_class: type) -> None:
    path = str(tmp_path / "journal.log")
    lock: BaseJournalFileLock = lock_class(path, grace_period=5)
    clone = pickle.loads(pickle.dumps(lock))
    assert type(clone) is lock_class
    assert clone.grace_period == 5
    assert lock.acquire()
    try:
        # The copy names the same lock file: while the original holds it, the copy waits.
        got = threading.Event()
        waiter = threading.Thread(target=lambda: (clone.acquire(), got.set()), daemon=True)
        waiter.start()
        assert not got.wait(0.3)
    finally:
        lock.release()
    assert got.wait(10)
    clone.release()
    waiter.join()


@pytest.mark.parametrize("lock_class", [JournalFileOpenLock, JournalFileSymlinkLock])
def test_a_lock_pickled_while_held_is_not_held_by_the_copy(tmp_path: Path, lock_class: type) -> None:
    path = str(tmp_path / "journal.log")
    lock: BaseJournalFileLock = lock_class(path)
    assert lock.acquire()
    try:
        clone = pickle.loads(pickle.dumps(lock))
        with pytest.raises(RuntimeError, match="did not possess lock"):
            clone.release()
        assert os.path.lexists(path + ".lock")  # the copy did not release the original's lock
    finally:
        lock.release()
    assert not os.path.lexists(path + ".lock")


def test_deprecated_lock_classes_pickle_too(tmp_path: Path) -> None:
    path = str(tmp_path / "journal.log")
    with pytest.warns(FutureWarning):
        lock = pyhpo.storages.JournalFileOpenLock(path)
    clone = pickle.loads(pickle.dumps(lock))  # no warning: unpickling does not call __init__
    assert isinstance(clone, JournalFileOpenLock)


def test_in_memory_storage_pickles_as_a_copy_of_its_data() -> None:
    # Optuna's InMemoryStorage pickles its studies and trials: the copy is independent of the original.
    storage = InMemoryStorage()
    study = pyhpo.create_study(storage=storage, study_name="copied")
    study.optimize(_objective, n_trials=2)
    clone = pickle.loads(pickle.dumps(storage))
    copy_study = pyhpo.load_study(study_name="copied", storage=clone)
    assert [t.value for t in copy_study.trials] == [t.value for t in study.trials]
    copy_study.optimize(_objective, n_trials=1)
    assert len(copy_study.trials) == 3
    assert len(study.trials) == 2


def _release_in_child(lock: BaseJournalFileLock) -> str:
    try:
        lock.release()
    except RuntimeError as e:
        return str(e)
    return "released"


@pytest.mark.parametrize("lock_class", [JournalFileOpenLock, JournalFileSymlinkLock])
def test_a_forked_child_does_not_hold_its_parents_lock(tmp_path: Path, lock_class: type) -> None:
    # The child's copy of a held lock object (inherited by fork, not pickled) must not release the parent's lock.
    path = str(tmp_path / "journal.log")
    lock: BaseJournalFileLock = lock_class(path)
    assert lock.acquire()
    global _INHERITED
    # The pool's worker forks from this process while it holds the lock; the function reaches the child's copy
    # through a module global (an argument would be pickled, which is the other test).
    _INHERITED = lock
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            outcome = pool.apply(_release_inherited)
        assert "did not possess lock" in outcome
        assert os.path.lexists(path + ".lock")
    finally:
        _INHERITED = None
        lock.release()


_INHERITED: BaseJournalFileLock | None = None


def _release_inherited() -> str:
    assert _INHERITED is not None
    return _release_in_child(_INHERITED)
