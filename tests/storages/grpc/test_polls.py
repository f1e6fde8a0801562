"""What a poll costs: the WAITING question asked before every trial, and polls that arrive together.

``GetTrialsInStates`` (pyhpo's extension) answers "which trials are WAITING?" with those trials alone; a client
talking to a server without it polls with ``GetTrials`` as Optuna's client does. Polls of one study that reach
the server while another poll of it runs share the next read of the storage, never the running one.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import grpc
import pytest

import pyhpo
from pyhpo.storages import InMemoryStorage
from pyhpo.storages._grpc import api_pb2
from pyhpo.storages._grpc._servicer import _SharedPolls
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

from .conftest import CallCounter, serving

MIN = [StudyDirection.MINIMIZE]


def test_the_waiting_question_brings_back_the_waiting_trials_alone() -> None:
    counter = CallCounter()
    backend = InMemoryStorage()
    with serving(backend, interceptors=[counter.interceptor]) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        try:
            study_id = client.create_new_study(MIN, "waiting")
            for i in range(5):  # finished by "another worker"
                tid = backend.create_new_trial(study_id)
                backend.set_trial_state_values(tid, TrialState.COMPLETE, [float(i)])
            waiting = backend.create_new_trial(
                study_id, pyhpo.trial.create_trial(state=TrialState.WAITING, params={}, distributions={})
            )
            running = backend.create_new_trial(study_id)
            counter.reset()

            found = client.get_all_trials(study_id, deepcopy=False, states=(TrialState.WAITING,))
            assert [t._trial_id for t in found] == [waiting]
            assert found[0].state == TrialState.WAITING and found[0].number == 5
            both = client.get_all_trials(study_id, states=[TrialState.RUNNING, TrialState.WAITING])
            assert [t._trial_id for t in both] == [waiting, running]
            assert counter["GetTrialsInStates"] == 2 and counter["GetTrials"] == 0
            # The finished trials did not travel: the client's cache of the study is still empty.
            assert client._cache.study(study_id) is None

            # A question about finished states goes through the cached poll.
            complete = client.get_all_trials(study_id, states=(TrialState.COMPLETE,))
            assert [t.values for t in complete] == [[float(i)] for i in range(5)]
            assert counter["GetTrials"] == 1

            with pytest.raises(KeyError):
                client.get_all_trials(study_id + 100, states=(TrialState.WAITING,))
        finally:
            client.close()


def test_an_enqueued_trial_is_popped_through_the_extension() -> None:
    counter = CallCounter()
    with serving(interceptors=[counter.interceptor]) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        try:
            study = pyhpo.create_study(study_name="queue", storage=client)
            study.enqueue_trial({"x": 1.25})
            study.optimize(lambda t: t.suggest_float("x", -2, 2) ** 2, n_trials=3)
            assert study.trials[0].params["x"] == 1.25
            assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
            assert counter["GetTrialsInStates"] == 3
        finally:
            client.close()


def test_a_bad_states_request_is_an_invalid_argument() -> None:
    with serving() as server, grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        call = channel.unary_unary(
            "/optuna.PyhpoExtensionService/GetTrialsInStates",
            request_serializer=api_pb2.GetTrialsInStatesRequest.SerializeToString,
            response_deserializer=api_pb2.GetTrialsReply.FromString,
        )
        with pytest.raises(grpc.RpcError) as empty:
            call(api_pb2.GetTrialsInStatesRequest(study_id=0))
        assert empty.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "at least one trial state" in (empty.value.details() or "")
        with pytest.raises(grpc.RpcError) as unknown:
            call(api_pb2.GetTrialsInStatesRequest(study_id=0, states=[42]))  # type: ignore[list-item]
        assert unknown.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "unknown trial state 42" in (unknown.value.details() or "")


class _Unimplemented(grpc.ServerInterceptor):  # type: ignore[misc]
    """Make the server look like one without the extension (an Optuna server or an older pyhpo one)."""

    def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        if details.method.endswith("/GetTrialsInStates"):
            return None  # no handler: the call fails with UNIMPLEMENTED
        return continuation(details)


def test_a_server_without_the_extension_is_polled_as_optuna_does() -> None:
    counter = CallCounter()
    with serving(interceptors=[_Unimplemented(), counter.interceptor]) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        try:
            study = pyhpo.create_study(study_name="old-server", storage=client)
            study.enqueue_trial({"x": 0.5})
            study.optimize(lambda t: t.suggest_float("x", -2, 2) ** 2, n_trials=3)
            assert study.trials[0].params == {"x": 0.5}
            assert len(study.trials) == 3
            # Asked once, refused, never asked again; every ask polled with GetTrials instead.
            assert not client._states_rpc
            assert counter["GetTrials"] >= 3
        finally:
            client.close()


def _concurrently(n: int, target: Any) -> list[threading.Thread]:
    threads = [threading.Thread(target=target) for _ in range(n)]
    for t in threads:
        t.start()
    return threads


def test_polls_that_arrive_during_a_poll_share_the_next_one_never_the_running_one() -> None:
    polls = _SharedPolls()
    started = threading.Event()
    release = threading.Event()
    reads: list[int] = []
    lock = threading.Lock()

    def fetch() -> list[Any]:
        with lock:
            reads.append(len(reads))
            number = len(reads)
        if number == 1:  # hold the first read until the others have arrived
            started.set()
            assert release.wait(10)
        return [number]

    results: list[list[Any]] = []

    def poll() -> None:
        results.append(polls.run((1, None), fetch))

    first = _concurrently(1, poll)
    assert started.wait(10)
    later = _concurrently(8, poll)
    time.sleep(0.2)  # the eight are waiting: none may take the running read's answer
    assert reads == [0]
    release.set()
    for t in first + later:
        t.join(10)
    # The first caller got the first read; the eight arrived after it began and shared one more.
    assert sorted(r[0] for r in results) == [1] + [2] * 8
    assert len(reads) == 2


def test_a_failed_poll_fails_every_request_that_waited_for_it_and_the_next_one_reads_again() -> None:
    polls = _SharedPolls()
    calls = []

    def gone() -> list[Any]:
        calls.append(1)
        raise KeyError("No study with that id.")

    with pytest.raises(KeyError):
        polls.run((7, None), gone)
    with pytest.raises(KeyError):
        polls.run((7, None), gone)
    assert len(calls) == 2  # a later request never reuses an earlier answer, failed or not
    assert polls.run((7, None), lambda: ["back"]) == ["back"]
    polls.forget(7)
    assert polls._rounds == {}


def test_many_workers_on_one_server_finish_every_trial_once() -> None:
    with serving() as server:
        clients = [GrpcStorageProxy(host="127.0.0.1", port=server.port) for _ in range(6)]
        try:
            pyhpo.create_study(study_name="crowd", storage=clients[0])
            errors: list[BaseException] = []

            def work(client: GrpcStorageProxy) -> None:
                try:
                    study = pyhpo.load_study(study_name="crowd", storage=client)
                    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=15)
                except BaseException as e:  # noqa: BLE001  reported below
                    errors.append(e)

            threads = [threading.Thread(target=work, args=(c,)) for c in clients]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert errors == []
            trials = clients[0].get_all_trials(clients[0].get_study_id_from_name("crowd"))
            assert sorted(t.number for t in trials) == list(range(90))
            assert all(t.state == TrialState.COMPLETE for t in trials)
        finally:
            for c in clients:
                c.close()
