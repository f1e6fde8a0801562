"""Heartbeats and fail_stale_trials through the proxy (pyhpo's extension service)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo
from pyhpo.storages import fail_stale_trials
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.trial import FrozenTrial, TrialState

from .conftest import serving

if TYPE_CHECKING:
    from pathlib import Path


def test_stale_trials_are_failed_through_the_proxy_and_the_client_callback_runs(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    from pyhpo.storages import RDBStorage

    backend = RDBStorage(f"sqlite:///{tmp_path / 'hb.sqlite3'}", heartbeat_interval=1, grace_period=1)
    failed: list[int] = []

    def on_fail(study: Any, trial: FrozenTrial) -> None:
        failed.append(trial.number)

    try:
        with serving(backend) as server:
            client = GrpcStorageProxy(host="127.0.0.1", port=server.port, failed_trial_callback=on_fail)
            assert client.get_heartbeat_interval() == 1
            study = pyhpo.create_study(storage=client, sampler=pyhpo.samplers.RandomSampler())
            alive = study.ask()
            dead = study.ask()
            client.record_heartbeat(dead._trial_id)
            time.sleep(2.2)  # SQLite timestamps have whole seconds
            client.record_heartbeat(alive._trial_id)
            assert client._get_stale_trial_ids(study._study_id) == [dead._trial_id]
            fail_stale_trials(study)
            assert client.get_trial(dead._trial_id).state == TrialState.FAIL
            assert client.get_trial(alive._trial_id).state == TrialState.RUNNING
            assert failed == [dead.number]
            # optimize() through the proxy beats for its running trial and finishes normally.
            study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
            assert sum(t.state == TrialState.COMPLETE for t in study.trials) == 3
            client.close()
    finally:
        backend.engine.dispose()


def test_without_heartbeats_on_the_server_the_client_reports_them_off() -> None:
    with serving() as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        try:
            assert client.get_heartbeat_interval() is None
            assert client._get_stale_trial_ids(0) == []
            with pytest.raises(ValueError, match="not enabled"):
                client.record_heartbeat(0)
        finally:
            client.close()
