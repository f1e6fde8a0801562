"""Heartbeats over a fake heartbeat storage: stale trials fail once, callbacks run once, retries re-enqueue."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest

import pyhpo
from pyhpo.storages import BaseHeartbeat, InMemoryStorage, RetryFailedTrialCallback, fail_stale_trials
from pyhpo.storages._heartbeat import is_heartbeat_enabled
from pyhpo.trial import FrozenTrial, Trial, TrialState

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo.study import Study


class FakeHeartbeatStorage(InMemoryStorage, BaseHeartbeat):
    """In-memory trials plus heartbeats kept in a dict, with a clock the test controls."""

    def __init__(
        self,
        interval: float | None = 60,
        grace: float = 120.0,
        callback: Callable[[Study, FrozenTrial], None] | None = None,
    ) -> None:
        super().__init__()
        self.interval = interval
        self.grace = grace
        self.callback = callback
        self.now = 1000.0
        self.beats: dict[int, float] = {}
        self.beat_count: dict[int, int] = {}

    def record_heartbeat(self, trial_id: int) -> None:
        self.beats[trial_id] = self.now
        self.beat_count[trial_id] = self.beat_count.get(trial_id, 0) + 1

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        running = self.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,))
        return [
            t._trial_id
            for t in running
            if t._trial_id in self.beats and self.now - self.beats[t._trial_id] > self.grace
        ]

    def get_heartbeat_interval(self) -> float | None:  # type: ignore[override]
        return self.interval

    def get_heartbeat_stale_trial_callback(self) -> Callable[[Study, FrozenTrial], None] | None:
        return self.callback


def _running_trial_of_a_dead_worker(
    study: Study, storage: FakeHeartbeatStorage, **params: float
) -> FrozenTrial:
    """A RUNNING trial whose worker beat once and then died."""
    trial = study.ask()
    for name, value in params.items():
        study._storage.set_trial_param(
            trial._trial_id, name, value, pyhpo.distributions.FloatDistribution(0, 1)
        )
    storage.record_heartbeat(trial._trial_id)
    return study._storage.get_trial(trial._trial_id)


def test_heartbeat_is_enabled_only_for_heartbeat_storages_with_an_interval() -> None:
    assert is_heartbeat_enabled(FakeHeartbeatStorage(interval=60))
    assert not is_heartbeat_enabled(FakeHeartbeatStorage(interval=None))
    assert not is_heartbeat_enabled(InMemoryStorage())


def test_stale_running_trials_are_failed_and_fresh_ones_are_left_alone() -> None:
    seen: list[int] = []
    storage = FakeHeartbeatStorage(callback=lambda s, t: seen.append(t.number))
    study = pyhpo.create_study(storage=storage, sampler=pyhpo.samplers.RandomSampler(seed=0))
    dead = _running_trial_of_a_dead_worker(study, storage)
    storage.now += 200.0
    alive = _running_trial_of_a_dead_worker(study, storage)  # beat just now
    fail_stale_trials(study)
    assert storage.get_trial(dead._trial_id).state == TrialState.FAIL
    assert storage.get_trial(alive._trial_id).state == TrialState.RUNNING
    assert seen == [dead.number]
    fail_stale_trials(study)  # nothing new is stale: the callback does not run again
    assert seen == [dead.number]


def test_without_an_interval_nothing_is_failed() -> None:
    storage = FakeHeartbeatStorage(interval=None)
    study = pyhpo.create_study(storage=storage)
    trial = _running_trial_of_a_dead_worker(study, storage)
    storage.now += 10_000
    fail_stale_trials(study)
    assert storage.get_trial(trial._trial_id).state == TrialState.RUNNING


def test_many_workers_failing_stale_trials_at_once_fail_each_once_and_call_back_once() -> None:
    calls: list[int] = []
    lock = threading.Lock()

    def callback(study: Study, trial: FrozenTrial) -> None:
        with lock:
            calls.append(trial.number)

    storage = FakeHeartbeatStorage(callback=callback)
    study = pyhpo.create_study(storage=storage)
    stale = [_running_trial_of_a_dead_worker(study, storage).number for _ in range(20)]
    storage.now += 500
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        fail_stale_trials(study)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(calls) == stale
    assert all(t.state == TrialState.FAIL for t in study.trials)


def test_optimize_records_heartbeats_while_a_trial_runs() -> None:
    storage = FakeHeartbeatStorage(interval=0.02)
    study = pyhpo.create_study(storage=storage, sampler=pyhpo.samplers.RandomSampler(seed=0))

    def objective(trial: Trial) -> float:
        time.sleep(0.15)
        return 0.0

    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state == TrialState.COMPLETE
    # One beat on entry plus roughly one per interval while the objective slept.
    assert storage.beat_count[trial._trial_id] >= 3
    # The beating thread stopped with the trial.
    count = storage.beat_count[trial._trial_id]
    time.sleep(0.08)
    assert storage.beat_count[trial._trial_id] == count
    assert not [t for t in threading.enumerate() if t.name.startswith("pyhpo-heartbeat")]


def test_optimize_and_ask_fail_stale_trials_of_dead_workers_first() -> None:
    storage = FakeHeartbeatStorage()
    study = pyhpo.create_study(storage=storage, sampler=pyhpo.samplers.RandomSampler(seed=0))
    dead = _running_trial_of_a_dead_worker(study, storage)
    storage.now += 500
    study.optimize(lambda t: 1.0, n_trials=1)
    assert storage.get_trial(dead._trial_id).state == TrialState.FAIL
    dead2 = _running_trial_of_a_dead_worker(study, storage)
    storage.now += 500
    study.ask()
    assert storage.get_trial(dead2._trial_id).state == TrialState.FAIL


def test_telling_a_trial_failed_for_a_stale_heartbeat_is_refused_unless_skipped() -> None:
    storage = FakeHeartbeatStorage()
    study = pyhpo.create_study(storage=storage)
    trial = study.ask()
    storage.record_heartbeat(trial._trial_id)
    storage.now += 500
    fail_stale_trials(study)
    with pytest.raises(ValueError, match="FAIL"):
        study.tell(trial, 1.0)
    assert study.tell(trial, 1.0, skip_if_finished=True).state == TrialState.FAIL


def test_retry_callback_re_enqueues_the_failed_trial_with_its_history() -> None:
    storage = FakeHeartbeatStorage(callback=RetryFailedTrialCallback())
    study = pyhpo.create_study(storage=storage, sampler=pyhpo.samplers.RandomSampler(seed=0))
    first = _running_trial_of_a_dead_worker(study, storage, x=0.25)
    storage.now += 500
    fail_stale_trials(study)
    retry = study.trials[-1]
    assert retry.state == TrialState.WAITING
    assert retry.params == {"x": 0.25}
    assert retry.system_attrs["failed_trial"] == first.number
    assert retry.system_attrs["retry_history"] == [first.number]
    assert RetryFailedTrialCallback.retried_trial_number(retry) == first.number
    assert RetryFailedTrialCallback.retry_history(retry) == [first.number]
    assert RetryFailedTrialCallback.retried_trial_number(first) is None
    assert RetryFailedTrialCallback.retry_history(first) == []

    # The retry runs, its worker dies too: the next retry remembers both attempts but the original first.
    running = study.ask()
    assert running.number == retry.number
    storage.record_heartbeat(running._trial_id)
    storage.now += 500
    fail_stale_trials(study)
    second_retry = study.trials[-1]
    assert second_retry.system_attrs["failed_trial"] == first.number
    assert second_retry.system_attrs["retry_history"] == [first.number, retry.number]


def test_retry_callback_gives_up_after_max_retry() -> None:
    storage = FakeHeartbeatStorage(callback=RetryFailedTrialCallback(max_retry=1))
    study = pyhpo.create_study(storage=storage)
    _running_trial_of_a_dead_worker(study, storage, x=0.5)
    storage.now += 500
    fail_stale_trials(study)  # first failure: retried once
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.WAITING]
    retried = study.ask()
    storage.record_heartbeat(retried._trial_id)
    storage.now += 500
    fail_stale_trials(study)  # second failure: max_retry=1 reached, no new trial
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]


def test_retry_callback_with_zero_retries_never_re_enqueues() -> None:
    storage = FakeHeartbeatStorage(callback=RetryFailedTrialCallback(max_retry=0))
    study = pyhpo.create_study(storage=storage)
    _running_trial_of_a_dead_worker(study, storage)
    storage.now += 500
    fail_stale_trials(study)
    assert [t.state for t in study.trials] == [TrialState.FAIL]


def test_retry_callback_can_inherit_intermediate_values() -> None:
    for inherit, expected in ((True, {0: 0.5, 1: 0.25}), (False, {})):
        storage = FakeHeartbeatStorage(callback=RetryFailedTrialCallback(inherit_intermediate_values=inherit))
        study = pyhpo.create_study(storage=storage)
        trial = study.ask()
        trial.report(0.5, 0)
        trial.report(0.25, 1)
        storage.record_heartbeat(trial._trial_id)
        storage.now += 500
        fail_stale_trials(study)
        assert study.trials[-1].intermediate_values == expected


def test_optunas_new_and_old_names_of_the_retry_callback_both_work() -> None:
    from pyhpo.storages import RetryHeartbeatStaleTrialCallback

    assert issubclass(RetryFailedTrialCallback, RetryHeartbeatStaleTrialCallback)
    storage = FakeHeartbeatStorage(callback=RetryHeartbeatStaleTrialCallback(max_retry=2))
    study = pyhpo.create_study(storage=storage)
    _running_trial_of_a_dead_worker(study, storage, x=0.5)
    storage.now += 500
    fail_stale_trials(study)
    assert study.trials[-1].state == TrialState.WAITING


def test_optunas_new_callback_getter_name_is_the_one_fail_stale_trials_uses() -> None:
    """Optuna 4.9 renamed get_failed_trial_callback: the new name is the abstract one, the old one warns."""
    calls: list[int] = []

    class NewStyle(FakeHeartbeatStorage):
        def get_heartbeat_stale_trial_callback(self) -> Callable[[Study, FrozenTrial], None] | None:
            return lambda s, t: calls.append(t.number)

    storage = NewStyle()
    assert FakeHeartbeatStorage(callback=print).get_heartbeat_stale_trial_callback() is print
    with pytest.warns(FutureWarning, match="get_failed_trial_callback has been deprecated in v4.9.0"):
        assert FakeHeartbeatStorage(callback=print).get_failed_trial_callback() is print
    assert "get_heartbeat_stale_trial_callback" in BaseHeartbeat.__abstractmethods__
    study = pyhpo.create_study(storage=storage)
    dead = _running_trial_of_a_dead_worker(study, storage)
    storage.now += 500
    fail_stale_trials(study)
    assert calls == [dead.number]
