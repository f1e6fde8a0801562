"""Many worker processes on one database: numbers stay unique and dense, WAITING trials are taken once.

Workers are real processes (as on separate machines), started together so that they contend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

ROOT = str(Path(__file__).resolve().parents[3])

CREATE_WORKER = r"""
import sys, time
from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.distributions import FloatDistribution
from pyhpo.trial import TrialState
url, name, n, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
storage = RDBStorage(url)
study_id = storage.get_study_id_from_name(name)
dist = FloatDistribution(-1.0, 1.0)
while time.time() < start:
    time.sleep(0.005)
for i in range(n):
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, dist)
    storage.get_all_trials(study_id, deepcopy=False)
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(i)])
"""

POP_WORKER = r"""
import json, sys, time
from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.trial import TrialState
url, name, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
storage = RDBStorage(url)
study_id = storage.get_study_id_from_name(name)
while time.time() < start:
    time.sleep(0.005)
won = []
while True:
    waiting = storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.WAITING,))
    if not waiting:
        break
    for trial in waiting:
        try:
            popped = storage.set_trial_state_values(trial._trial_id, TrialState.RUNNING)
        except UpdateFinishedTrialError:  # our snapshot was stale: another worker already finished it
            continue
        if popped:
            won.append(trial._trial_id)
            storage.set_trial_state_values(trial._trial_id, TrialState.COMPLETE, [1.0])
            break
print(json.dumps(won))
"""


def _run_workers(script: str, argv_list: list[list[str]], timeout: float = 240) -> list[str]:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in argv_list
    ]
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        assert p.returncode == 0, f"worker failed:\n{err[-3000:]}"
        assert "database is locked" not in err
        outputs.append(out)
    return outputs


def _url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/shared.db"
    return str(request.getfixturevalue("postgres_url" if kind == "postgresql" else "mysql_url"))


@pytest.mark.timeout(300)
@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mysql"])
def test_sixteen_processes_create_dense_unique_trial_numbers(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = _url(kind, tmp_path, request)
    storage = RDBStorage(url)
    name = f"dense-{kind}-{time.time_ns()}"
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], name)
    workers, per_worker = 16, 4
    start = time.time() + 4.0  # after every interpreter has started
    _run_workers(CREATE_WORKER, [[url, name, str(per_worker), str(start)] for _ in range(workers)])
    trials = storage.get_all_trials(study_id)
    assert sorted(t.number for t in trials) == list(range(workers * per_worker))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    # A fresh reader (no cache) agrees with the incremental one.
    assert [t.number for t in RDBStorage(url).get_all_trials(study_id)] == [t.number for t in trials]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mysql"])
def test_each_waiting_trial_is_popped_by_exactly_one_process(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from pyhpo.trial import create_trial

    url = _url(kind, tmp_path, request)
    storage = RDBStorage(url)
    name = f"pop-{kind}-{time.time_ns()}"
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], name)
    enqueued = [storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING)) for _ in range(40)]
    start = time.time() + 3.0
    outputs = _run_workers(POP_WORKER, [[url, name, str(start)] for _ in range(6)])
    won = [trial_id for out in outputs for trial_id in json.loads(out)]
    assert sorted(won) == sorted(enqueued)  # every trial once, none twice
    assert storage.get_n_trials(study_id, TrialState.COMPLETE) == 40


def test_threads_share_one_storage(tmp_path: Path) -> None:
    import concurrent.futures

    storage = RDBStorage(f"sqlite:///{tmp_path}/threads.db")
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "threads")

    def work(_: int) -> None:
        for _ in range(10):
            trial_id = storage.create_new_trial(study_id)
            storage.get_all_trials(study_id, deepcopy=False)
            storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    assert [t.number for t in storage.get_all_trials(study_id)] == list(range(80))


def test_in_memory_sqlite_is_one_database_for_all_threads() -> None:
    import threading

    storage = RDBStorage("sqlite:///:memory:")
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "memory")
    threads = [threading.Thread(target=storage.create_new_trial, args=(study_id,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert storage.get_n_trials(study_id) == 4


def _forked_child(storage: RDBStorage, study_id: int) -> None:
    for _ in range(5):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.0])


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_storage_inherited_through_fork_opens_its_own_connections(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    import multiprocessing

    url = _url(kind, tmp_path, request)
    storage = RDBStorage(url)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], f"fork-{time.time_ns()}")
    storage.get_all_trials(study_id)  # the parent holds pooled connections now
    ctx = multiprocessing.get_context("fork")
    children = [ctx.Process(target=_forked_child, args=(storage, study_id)) for _ in range(3)]
    for child in children:
        child.start()
    _forked_child(storage, study_id)
    for child in children:
        child.join(timeout=120)
        assert child.exitcode == 0
    assert [t.number for t in storage.get_all_trials(study_id)] == list(range(20))


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mysql"])
def test_optimize_with_many_threads_and_heartbeats(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    import pyhpo

    url = _url(kind, tmp_path, request)
    storage = RDBStorage(url, heartbeat_interval=1)
    study = pyhpo.create_study(
        study_name=f"threads-{kind}-{time.time_ns()}",
        storage=storage,
        sampler=pyhpo.samplers.RandomSampler(seed=0),
    )
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=48, n_jobs=12)
    trials = study.get_trials()
    assert [t.number for t in trials] == list(range(48))
    assert all(t.state == TrialState.COMPLETE for t in trials)
