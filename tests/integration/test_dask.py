"""DaskStorage: workers of a Dask cluster share one study through a storage served from the scheduler."""

from __future__ import annotations

import os
import pickle
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo
from pyhpo.exceptions import DuplicatedStudyError
from pyhpo.study import StudyDirection
from pyhpo.trial import TrialState

distributed = pytest.importorskip("distributed")

from pyhpo.integration import DaskStorage

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _objective(trial: Any) -> float:
    trial.set_user_attr("pid", os.getpid())
    x = trial.suggest_float("x", -10.0, 10.0)
    return (x - 2.0) ** 2


def _log_trials() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.INFO)


def _optimize(storage: DaskStorage, study_name: str, n_trials: int) -> int:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    study = pyhpo.load_study(study_name=study_name, storage=storage)
    study.optimize(_objective, n_trials=n_trials)
    return os.getpid()


def test_two_worker_processes_optimize_one_study(client: Any) -> None:
    storage = DaskStorage(client=client)
    study = pyhpo.create_study(
        storage=storage, study_name="shared", sampler=pyhpo.samplers.RandomSampler(seed=0)
    )
    workers = list(client.scheduler_info()["workers"])
    assert len(workers) == 2
    futures = [client.submit(_optimize, storage, "shared", 8, pure=False, workers=[w]) for w in workers]
    pids = {f.result(timeout=60) for f in futures}
    assert len(pids) == 2 and os.getpid() not in pids
    trials = study.trials
    assert len(trials) == 16
    assert sorted(t.number for t in trials) == list(range(16))
    assert {t.user_attrs["pid"] for t in trials} == pids
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert study.best_value == min(t.value for t in trials)


def test_the_example_pattern_submitting_study_optimize_runs_every_trial(client: Any) -> None:
    client.run(_log_trials)  # the failure is in the log line of a finished trial
    storage = DaskStorage(client=client)
    study = pyhpo.create_study(storage=storage, direction="minimize")
    futures = [client.submit(study.optimize, _objective, n_trials=3, pure=False) for _ in range(4)]
    distributed.wait(futures)
    assert [f.exception() for f in futures] == [None] * 4
    assert len(study.trials) == 12


def test_storage_errors_reach_the_caller_with_their_type(client: Any) -> None:
    storage = DaskStorage(client=client)
    storage.create_new_study([StudyDirection.MINIMIZE], "dup")
    with pytest.raises(DuplicatedStudyError):
        storage.create_new_study([StudyDirection.MAXIMIZE], "dup")
    with pytest.raises(KeyError):
        storage.get_study_id_from_name("missing")


def test_storages_are_separate_by_name_and_pickle_by_name(client: Any) -> None:
    a = DaskStorage(client=client, name="a-storage")
    b = DaskStorage(client=client)
    a.create_new_study([StudyDirection.MINIMIZE], "only-in-a")
    assert [s.study_name for s in b.get_all_studies()] == []
    copy = pickle.loads(pickle.dumps(a))
    assert copy.name == "a-storage"
    assert [s.study_name for s in copy.get_all_studies()] == ["only-in-a"]


def test_a_database_url_lives_on_the_scheduler_and_base_storage_copies_it(
    client: Any, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'dask.db'}"
    storage = DaskStorage(url, client=client)
    study = pyhpo.create_study(storage=storage, study_name="in-sqlite")
    study.optimize(lambda t: t.suggest_int("n", 0, 3), n_trials=3)
    assert len(pyhpo.load_study(study_name="in-sqlite", storage=url).trials) == 3
    base = storage.get_base_storage()
    assert isinstance(base, pyhpo.storages.InMemoryStorage)
    assert len(base.get_all_trials(base.get_study_id_from_name("in-sqlite"))) == 3


def test_without_a_client_the_current_one_is_used(client: Any) -> None:
    storage = DaskStorage()
    assert storage.client is client


def test_without_dask_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ImportError, match=r'pip install "pyhpo-opt\[dask\]"'):
        DaskStorage()
