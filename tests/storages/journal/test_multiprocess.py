"""Real processes on one journal file: dense trial numbers, and mixed pyhpo + optuna writers."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import pyhpo
from pyhpo.storages.journal import JournalFileBackend
from pyhpo.storages.journal._storage import JournalStorage
from pyhpo.trial import TrialState

if TYPE_CHECKING:
    from pathlib import Path

_PYHPO_WORKER = """
import sys
import pyhpo
from pyhpo.storages import JournalStorage
from pyhpo.storages.journal import JournalFileBackend, JournalFileSymlinkLock
path, n, seed, lock = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "symlink"
pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
backend = JournalFileBackend(path, lock_obj=JournalFileSymlinkLock(path) if lock else None)
study = pyhpo.load_study(study_name="mp", storage=JournalStorage(backend), sampler=pyhpo.samplers.RandomSampler(seed))
study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("k", 0, 3), n_trials=n)
"""

_OPTUNA_WORKER = """
import sys, warnings
import optuna
path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
optuna.logging.set_verbosity(optuna.logging.WARNING)
storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))
study = optuna.load_study(study_name="mp", storage=storage, sampler=optuna.samplers.RandomSampler(seed))
study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("k", 0, 3), n_trials=n)
"""


def _spawn(code: str, *args: object) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")]))
    )
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], env=env, stderr=subprocess.PIPE)


def _wait_all(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()


def _create(path: str) -> JournalStorage:
    storage = JournalStorage(JournalFileBackend(path))
    pyhpo.create_study(study_name="mp", storage=storage, sampler=pyhpo.samplers.RandomSampler(0))
    return storage


@pytest.mark.timeout(180)
def test_processes_sharing_one_file_number_trials_densely(tmp_path: Path) -> None:
    path = str(tmp_path / "journal.log")
    storage = _create(path)
    _wait_all([_spawn(_PYHPO_WORKER, path, 20, seed, "kernel") for seed in range(4)])
    trials = storage.get_all_trials(0)
    assert [t.number for t in trials] == list(range(80))
    assert [t._trial_id for t in trials] == list(range(80))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert len({t.params["x"] for t in trials}) == 80  # four seeds: nothing was written twice
    optuna = pytest.importorskip("optuna", reason="the optuna package is needed for interop checks")
    theirs = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))
    assert [(t.number, t.params, t.values) for t in theirs.get_all_trials(0)] == [
        (t.number, t.params, t.values) for t in trials
    ]


@pytest.mark.interop("journal file written by both libraries at once")
@pytest.mark.timeout(180)
def test_an_optuna_process_and_a_pyhpo_process_write_one_file_both_read(tmp_path: Path) -> None:
    optuna = pytest.importorskip("optuna", reason="the optuna package is needed for interop tests")
    path = str(tmp_path / "journal.log")
    _create(path)
    # pyhpo takes Optuna's default lock (the <path>.lock symlink), so the two libraries exclude each other.
    _wait_all([_spawn(_OPTUNA_WORKER, path, 25, 1), _spawn(_PYHPO_WORKER, path, 25, 2, "symlink")])
    ours = JournalStorage(JournalFileBackend(path)).get_all_trials(0)
    theirs = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path)).get_all_trials(
        0
    )
    assert [t.number for t in ours] == list(range(50))
    assert [(t.number, int(t.state), t.params, t.values) for t in theirs] == [
        (t.number, int(t.state), t.params, t.values) for t in ours
    ]
    assert all(t.state == TrialState.COMPLETE for t in ours)
