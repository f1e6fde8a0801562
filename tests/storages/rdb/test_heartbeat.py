"""Heartbeats: the RUNNING trials of a worker killed with SIGKILL are failed by another worker and retried."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pyhpo
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.storages import RetryHeartbeatStaleTrialCallback, fail_stale_trials
from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

ROOT = str(Path(__file__).resolve().parents[3])

DOOMED_WORKER = r"""
import sys, time, pyhpo
from pyhpo.storages._rdb.storage import RDBStorage
url, name, ready = sys.argv[1], sys.argv[2], sys.argv[3]
study = pyhpo.load_study(study_name=name, storage=RDBStorage(url, heartbeat_interval=1))
def objective(trial):
    trial.suggest_float("x", 0.0, 1.0)
    trial.report(0.25, step=0)
    open(ready, "w").close()
    time.sleep(600)  # killed long before this returns
    return 0.0
study.optimize(objective, n_trials=1)
"""


def test_trial_of_a_killed_worker_is_failed_and_retried(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{tmp_path}/hb.db"
    name = "heartbeat"
    pyhpo.create_study(study_name=name, storage=url)
    ready = tmp_path / "ready"
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    worker = subprocess.Popen(
        [sys.executable, "-c", DOOMED_WORKER, url, name, str(ready)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert worker.poll() is None, worker.communicate()[1]
            assert time.monotonic() < deadline, "worker never started its trial"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate()

    storage = RDBStorage(
        url,
        heartbeat_interval=1,
        grace_period=2,
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=2),
    )
    study = pyhpo.load_study(study_name=name, storage=storage)
    (orphan,) = study.get_trials()
    assert orphan.state == TrialState.RUNNING
    fail_stale_trials(study)
    assert study.get_trials()[0].state == TrialState.RUNNING  # its last heartbeat is still recent
    time.sleep(3.2)
    fail_stale_trials(study)
    failed, retry = study.get_trials()
    assert failed.state == TrialState.FAIL
    assert retry.state == TrialState.WAITING
    assert retry.params == orphan.params
    assert RetryHeartbeatStaleTrialCallback.retried_trial_number(retry) == 0
    # The retry runs with the same parameters in the next optimize.
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    assert study.trials[1].state == TrialState.COMPLETE and study.trials[1].value == orphan.params["x"]


def test_a_stale_trial_is_failed_by_exactly_one_worker(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/once.db"
    first = RDBStorage(url, heartbeat_interval=1, grace_period=1)
    second = RDBStorage(url, heartbeat_interval=1, grace_period=1)
    study_id = first.create_new_study([StudyDirection.MINIMIZE], "once")
    trial_id = first.create_new_trial(study_id)
    first.record_heartbeat(trial_id)
    first.record_heartbeat(trial_id)  # the second beat updates the row
    assert first._get_stale_trial_ids(study_id) == []
    time.sleep(2.2)
    assert first._get_stale_trial_ids(study_id) == second._get_stale_trial_ids(study_id) == [trial_id]
    assert first.set_trial_state_values(trial_id, TrialState.FAIL)
    with pytest.raises(UpdateFinishedTrialError):
        second.set_trial_state_values(trial_id, TrialState.FAIL)
    assert first._get_stale_trial_ids(study_id) == []


def test_trials_without_heartbeats_are_never_stale(tmp_path: Path) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path}/nobeat.db", heartbeat_interval=1, grace_period=1)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "nobeat")
    storage.create_new_trial(study_id)
    time.sleep(1.2)
    assert storage._get_stale_trial_ids(study_id) == []


@pytest.mark.parametrize("bad", [0, -1, "5", True])
def test_heartbeat_options_are_validated(tmp_path: Path, bad: object) -> None:
    with pytest.raises(ValueError, match="heartbeat_interval"):
        RDBStorage(f"sqlite:///{tmp_path}/x.db", heartbeat_interval=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="grace_period"):
        RDBStorage(f"sqlite:///{tmp_path}/x.db", grace_period=bad)  # type: ignore[arg-type]


def test_heartbeats_on_servers_use_the_server_clock(request: pytest.FixtureRequest) -> None:
    for fixture in ("postgres_url", "mysql_url"):
        url = request.getfixturevalue(fixture)
        storage = RDBStorage(url, heartbeat_interval=1, grace_period=1)
        study_id = storage.create_new_study([StudyDirection.MINIMIZE], f"beat-{fixture}-{time.time_ns()}")
        trial_id = storage.create_new_trial(study_id)
        storage.record_heartbeat(trial_id)
        assert storage._get_stale_trial_ids(study_id) == []
        time.sleep(2.2)
        storage.record_heartbeat(storage.create_new_trial(study_id))
        assert storage._get_stale_trial_ids(study_id) == [trial_id]
