"""Heartbeats in the journal: recorded as reserved system-attribute records, stale trials failed by others."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo
from pyhpo.storages import fail_stale_trials
from pyhpo.storages.journal._format import HEARTBEAT_KEY
from pyhpo.storages.journal._storage import JournalStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import MemoryJournalBackend

MIN = [StudyDirection.MINIMIZE]


def _old_heartbeat(backend: MemoryJournalBackend, trial_id: int, seconds_ago: float) -> None:
    """Append a heartbeat as a dead worker would have left it, ``seconds_ago`` in the past."""
    when = (datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)).isoformat(timespec="microseconds")
    record = {
        "op_code": 9,
        "worker_id": "dead-worker",
        "trial_id": trial_id,
        "system_attr": {HEARTBEAT_KEY: when},
    }
    backend.append_chunk(json.dumps(record, separators=(",", ":")).encode() + b"\n")


def test_heartbeat_is_a_system_attr_record_that_pyhpo_keeps_out_of_system_attrs(
    memory_backend: MemoryJournalBackend,
) -> None:
    storage = JournalStorage(memory_backend, heartbeat_interval=1)
    trial_id = storage.create_new_trial(storage.create_new_study(MIN))
    storage.record_heartbeat(trial_id)
    last = json.loads(bytes(memory_backend.buffer).splitlines()[-1])
    assert last["op_code"] == 9 and list(last["system_attr"]) == [HEARTBEAT_KEY]
    assert datetime.fromisoformat(last["system_attr"][HEARTBEAT_KEY]).tzinfo is not None
    assert storage.get_trial(trial_id).system_attrs == {}
    assert storage._get_stale_trial_ids(0) == []


def test_a_trial_whose_heartbeat_is_older_than_the_grace_period_is_stale(
    memory_backend: MemoryJournalBackend,
) -> None:
    storage = JournalStorage(memory_backend, heartbeat_interval=1, grace_period=5)
    study_id = storage.create_new_study(MIN)
    fresh = storage.create_new_trial(study_id)
    stale = storage.create_new_trial(study_id)
    silent = storage.create_new_trial(study_id)  # never beat: not judged (as in Optuna's RDB storage)
    _old_heartbeat(memory_backend, fresh, 1)
    _old_heartbeat(memory_backend, stale, 60)
    assert storage._get_stale_trial_ids(study_id) == [stale]
    other_study = storage.create_new_study(MIN)
    assert storage._get_stale_trial_ids(other_study) == []
    # A new beat makes it fresh again; finishing removes it.
    storage.record_heartbeat(stale)
    assert storage._get_stale_trial_ids(study_id) == []
    _old_heartbeat(memory_backend, stale, 60)
    storage.set_trial_state_values(stale, TrialState.COMPLETE, [1.0])
    assert storage._get_stale_trial_ids(study_id) == []
    assert storage.get_trial(silent).state == TrialState.RUNNING


def test_late_heartbeat_for_a_finished_trial_is_ignored_without_error(
    memory_backend: MemoryJournalBackend,
) -> None:
    storage = JournalStorage(memory_backend, heartbeat_interval=1)
    trial_id = storage.create_new_trial(storage.create_new_study(MIN))
    storage.set_trial_state_values(trial_id, TrialState.FAIL)
    n = len(memory_backend.buffer)
    storage.record_heartbeat(trial_id)  # nothing written for a finished trial
    assert len(memory_backend.buffer) == n
    _old_heartbeat(memory_backend, trial_id, 0)  # another worker's late beat
    assert storage.get_trial(trial_id).state == TrialState.FAIL


def test_fail_stale_trials_fails_each_stale_trial_once_and_runs_the_callback(
    memory_backend: MemoryJournalBackend,
) -> None:
    seen: list[Any] = []
    storages = [
        JournalStorage(
            memory_backend,
            heartbeat_interval=1,
            grace_period=2,
            failed_trial_callback=lambda s, t: seen.append(t),
        )
        for _ in range(2)
    ]
    study = pyhpo.create_study(storage=storages[0], sampler=pyhpo.samplers.RandomSampler(0))
    trial = study.ask()
    _old_heartbeat(memory_backend, trial._trial_id, 30)
    other = pyhpo.load_study(
        study_name=study.study_name, storage=storages[1], sampler=pyhpo.samplers.RandomSampler(0)
    )
    fail_stale_trials(other)
    fail_stale_trials(study)
    assert [t.number for t in seen] == [0]
    assert seen[0].state == TrialState.FAIL
    assert study.trials[0].state == TrialState.FAIL


def test_heartbeat_journal_still_loads_in_optuna(
    memory_backend: MemoryJournalBackend, tmp_path: Path
) -> None:
    optuna = pytest.importorskip("optuna", reason="the optuna package is needed for interop tests")
    storage = JournalStorage(memory_backend, heartbeat_interval=1)
    trial_id = storage.create_new_trial(storage.create_new_study(MIN))
    storage.record_heartbeat(trial_id)
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    path = tmp_path / "journal.log"
    path.write_bytes(bytes(memory_backend.buffer))
    theirs = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))
    trial = theirs.get_trial(trial_id)
    assert trial.state == optuna.trial.TrialState.COMPLETE
    assert list(trial.system_attrs) == [HEARTBEAT_KEY]


_WORKER = """
import sys, time
import pyhpo
from pyhpo.storages import JournalStorage
from pyhpo.storages.journal import JournalFileBackend
storage = JournalStorage(JournalFileBackend(sys.argv[1]), heartbeat_interval=1, grace_period=2)
study = pyhpo.load_study(study_name="hb", storage=storage, sampler=pyhpo.samplers.RandomSampler(0))
def objective(trial):
    print("started", flush=True)
    time.sleep(60)
    return 0.0
study.optimize(objective, n_trials=1)
"""


@pytest.mark.timeout(60)
def test_trial_of_a_sigkilled_worker_is_failed_by_the_next_worker(tmp_path: Path) -> None:
    from pyhpo.storages.journal import JournalFileBackend

    path = str(tmp_path / "journal.log")
    storage = JournalStorage(JournalFileBackend(path), heartbeat_interval=1, grace_period=2)
    pyhpo.create_study(study_name="hb", storage=storage, sampler=pyhpo.samplers.RandomSampler(0))
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")]))
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, path], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "started"
        time.sleep(1.5)  # let it beat at least once more
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    study = pyhpo.load_study(study_name="hb", storage=storage, sampler=pyhpo.samplers.RandomSampler(0))
    assert study.trials[0].state == TrialState.RUNNING
    time.sleep(2.5)
    study.optimize(lambda t: 1.0, n_trials=1)  # the optimize loop fails stale trials first
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.COMPLETE]
