"""Interop with the real optuna package: its client on our server, our client on its server.

Both kinds of client work the same study on the same port at the same time, in each direction.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import pytest

optuna = pytest.importorskip("optuna")
from optuna.storages._grpc.client import GrpcStorageProxy as OptunaProxy
from optuna.storages._grpc.server import make_server as optuna_make_server

import pyhpo
from pyhpo.storages import InMemoryStorage
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.trial import TrialState

from .conftest import serving

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [
    pytest.mark.interop("gRPC proxy wire (api.proto messages, timestamps, error codes)"),
    pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning"),
]


def _objective(trial: Any) -> float:
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 1, 8, log=True)
    c = trial.suggest_categorical("c", ["a", "b", None])
    trial.set_user_attr("tag", {"n": n, "c": c})
    trial.report(x * 2, step=1)
    return x**2 + n + (c is None)


@contextlib.contextmanager
def _optuna_server() -> Iterator[int]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = optuna_make_server(optuna.storages.InMemoryStorage(), "127.0.0.1", port)
    server.start()
    try:
        yield port
    finally:
        server.stop(0.5).wait()


def _check_same_trials(pyhpo_trials: list[Any], optuna_trials: list[Any]) -> None:
    assert [t.number for t in pyhpo_trials] == [t.number for t in optuna_trials]
    for ours, theirs in zip(pyhpo_trials, optuna_trials):
        assert ours.params == theirs.params
        assert ours.values == theirs.values
        assert ours.user_attrs == theirs.user_attrs
        assert ours.intermediate_values == theirs.intermediate_values
        assert int(ours.state) == int(theirs.state)
        assert ours.datetime_start.replace(microsecond=0) == theirs.datetime_start.replace(microsecond=0)
        assert {k: type(v).__name__ for k, v in ours.distributions.items()} == {
            k: type(v).__name__ for k, v in theirs.distributions.items()
        }


def test_optuna_client_and_pyhpo_client_share_a_pyhpo_server() -> None:
    with serving(InMemoryStorage()) as server:
        theirs = OptunaProxy(host="127.0.0.1", port=server.port)
        ours = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        try:
            o_study = optuna.create_study(
                study_name="mixed", storage=theirs, sampler=optuna.samplers.RandomSampler(0)
            )
            o_study.optimize(_objective, n_trials=8)
            p_study = pyhpo.load_study(
                study_name="mixed", storage=ours, sampler=pyhpo.samplers.RandomSampler(1)
            )
            p_study.optimize(_objective, n_trials=8)
            o_study.optimize(_objective, n_trials=4)
            assert [t.number for t in p_study.trials] == list(range(20))
            _check_same_trials(p_study.trials, o_study.trials)
            assert o_study.best_trial.number == p_study.best_trial.number
            # Errors an Optuna client expects from its own server.
            with pytest.raises(KeyError):
                theirs.get_trial(10_000)
            with pytest.raises(optuna.exceptions.DuplicatedStudyError):
                theirs.create_new_study([optuna.study.StudyDirection.MINIMIZE], "mixed")
            with pytest.raises(optuna.exceptions.UpdateFinishedTrialError):
                theirs.set_trial_user_attr(o_study.trials[0]._trial_id, "k", 1)
        finally:
            theirs.close()
            ours.close()


def test_pyhpo_client_and_optuna_client_share_an_optuna_server() -> None:
    with _optuna_server() as port:
        theirs = OptunaProxy(host="127.0.0.1", port=port)
        ours = GrpcStorageProxy(host="127.0.0.1", port=port)
        try:
            p_study = pyhpo.create_study(
                study_name="mixed", storage=ours, sampler=pyhpo.samplers.RandomSampler(2)
            )
            p_study.optimize(_objective, n_trials=8)
            o_study = optuna.load_study(
                study_name="mixed", storage=theirs, sampler=optuna.samplers.RandomSampler(3)
            )
            o_study.optimize(_objective, n_trials=8)
            p_study.optimize(_objective, n_trials=4)
            assert [t.number for t in o_study.trials] == list(range(20))
            _check_same_trials(p_study.trials, o_study.trials)
            # No heartbeat extension on an Optuna server: the client says heartbeats are off.
            assert ours.get_heartbeat_interval() is None
            assert ours._get_stale_trial_ids(p_study._study_id) == []
            # Its error codes map to our exceptions.
            with pytest.raises(KeyError):
                ours.get_trial(10_000)
            with pytest.raises(pyhpo.exceptions.DuplicatedStudyError):
                ours.create_new_study([pyhpo.study.StudyDirection.MINIMIZE], "mixed")
            finished = p_study.trials[0]._trial_id
            with pytest.raises(pyhpo.exceptions.UpdateFinishedTrialError):
                ours.set_trial_state_values(finished, TrialState.FAIL)
        finally:
            theirs.close()
            ours.close()


@pytest.fixture(params=["UTC", "Asia/Tokyo", "America/St_Johns"])
def local_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test in a local time zone: a naive-vs-aware mix-up shifts times by the zone's offset."""
    import os
    import time

    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def _assert_times_are_now(trials: list[Any], before: Any, after: Any) -> None:
    for t in trials:
        assert before <= t.datetime_start <= t.datetime_complete <= after, (
            f"trial {t.number} ran at {t.datetime_start}..{t.datetime_complete}, "
            f"outside the local clock's {before}..{after}"
        )


@pytest.mark.parametrize("server_lib", ["optuna", "pyhpo"])
def test_timestamps_cross_the_wire_in_local_time_in_any_zone(local_zone: str, server_lib: str) -> None:
    import datetime

    serve = _optuna_server() if server_lib == "optuna" else _pyhpo_server()
    with serve as port:
        theirs = OptunaProxy(host="127.0.0.1", port=port)
        ours = GrpcStorageProxy(host="127.0.0.1", port=port)
        try:
            before = datetime.datetime.now() - datetime.timedelta(seconds=1)
            p_study = pyhpo.create_study(study_name="tz", storage=ours)
            p_study.optimize(_objective, n_trials=2)
            o_study = optuna.load_study(study_name="tz", storage=theirs)
            o_study.optimize(_objective, n_trials=2)
            after = datetime.datetime.now() + datetime.timedelta(seconds=1)
            # Each client reads every trial, its own and the other's, at the time it ran on this clock.
            _assert_times_are_now(p_study.trials, before, after)
            _assert_times_are_now(o_study.trials, before, after)
        finally:
            theirs.close()
            ours.close()


@contextlib.contextmanager
def _pyhpo_server() -> Iterator[int]:
    with serving(InMemoryStorage()) as server:
        yield server.port


@pytest.mark.parametrize(
    ("iso", "legacy", "expected_utc"),
    [
        ("", "2026-12-03 23:46:22.230995", None),  # Optuna 5.0: naive local time
        ("", "2026-12-03T23:46:22.230995+00:00", "2026-12-03 23:46:22.230995"),  # Optuna 5.1: UTC offset
        ("", "2026-12-04T08:46:22.230995+09:00", "2026-12-03 23:46:22.230995"),
        (
            "2026-12-03T23:46:22.230995+00:00",
            "garbage",
            "2026-12-03 23:46:22.230995",
        ),  # pyhpo's own field wins
    ],
)
def test_every_timestamp_form_on_the_wire_is_read_as_local_time(
    local_zone: str, iso: str, legacy: str, expected_utc: str | None
) -> None:
    import datetime

    from pyhpo.storages._grpc._convert import datetime_from_wire

    got = datetime_from_wire(iso, legacy)
    assert got is not None and got.tzinfo is None
    if expected_utc is None:
        assert got == datetime.datetime(2026, 12, 3, 23, 46, 22, 230995)
    else:
        utc = datetime.datetime.fromisoformat(expected_utc).replace(tzinfo=datetime.timezone.utc)
        assert got == utc.astimezone().replace(tzinfo=None)


def test_a_timestamp_in_no_known_form_names_both_forms() -> None:
    from pyhpo.storages._grpc._convert import datetime_from_wire

    with pytest.raises(ValueError, match=r"bad timestamp '12/03/2026'.*ISO 8601.*%Y-%m-%d %H:%M:%S.%f"):
        datetime_from_wire("", "12/03/2026")
