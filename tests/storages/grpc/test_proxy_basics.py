"""The proxy client against a pyhpo server over InMemoryStorage: values, errors, caching, timestamps."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from pyhpo.storages import InMemoryStorage
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

from .conftest import CallCounter, serving

MIN = [StudyDirection.MINIMIZE]


def test_study_and_trial_values_survive_the_round_trip(proxy: Any) -> None:
    storage = proxy()
    study_id = storage.create_new_study([StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE], "s")
    assert storage.get_study_id_from_name("s") == study_id
    assert storage.get_study_name_from_id(study_id) == "s"
    assert storage.get_study_directions(study_id) == [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE]
    storage.set_study_user_attr(study_id, "u", {"a": [1, 2.5, None]})
    storage.set_study_system_attr(study_id, "s", "text")
    assert storage.get_study_user_attrs(study_id) == {"u": {"a": [1, 2.5, None]}}
    assert storage.get_study_system_attrs(study_id) == {"s": "text"}
    [summary] = storage.get_all_studies()
    assert (summary.study_name, summary._study_id, summary.user_attrs) == (
        "s",
        study_id,
        {"u": {"a": [1, 2.5, None]}},
    )

    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.25, FloatDistribution(0, 1))
    storage.set_trial_param(trial_id, "n", 3, IntDistribution(1, 9, step=2))
    storage.set_trial_param(trial_id, "c", 1, CategoricalDistribution(["a", None, 2.0]))
    storage.set_trial_intermediate_value(trial_id, 4, math.inf)
    storage.set_trial_user_attr(trial_id, "k", [1, "v"])
    storage.set_trial_system_attr(trial_id, "sys", {"z": True})
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.5, -2.0])

    # Another client (no cache, no ownership) must see exactly the same trial.
    for reader in (storage, proxy()):
        trial = reader.get_trial(trial_id)
        assert trial.params == {"x": 0.25, "n": 3, "c": None}
        assert trial.distributions["n"] == IntDistribution(1, 9, step=2)
        assert trial.intermediate_values == {4: math.inf}
        assert trial.user_attrs == {"k": [1, "v"]} and trial.system_attrs == {"sys": {"z": True}}
        assert trial.values == [1.5, -2.0] and trial.state == TrialState.COMPLETE
        assert trial.datetime_start <= trial.datetime_complete
        assert reader.get_trial_id_from_study_id_trial_number(study_id, 0) == trial_id
        assert [t._trial_id for t in reader.get_all_trials(study_id)] == [trial_id]


def test_storage_errors_come_back_as_the_same_exceptions(proxy: Any) -> None:
    storage = proxy()
    study_id = storage.create_new_study(MIN, "dup")
    with pytest.raises(DuplicatedStudyError):
        storage.create_new_study(MIN, "dup")
    with pytest.raises(KeyError):
        storage.get_study_id_from_name("missing")
    with pytest.raises(KeyError):
        storage.get_trial(10_000)
    with pytest.raises(KeyError):
        storage.get_all_trials(study_id + 100)
    with pytest.raises(KeyError):
        storage.create_new_trial(study_id + 100)
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
    with pytest.raises(ValueError):  # incompatible distribution for the same name
        storage.set_trial_param(trial_id, "x", 1, CategoricalDistribution(["a", "b"]))
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.0])
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_user_attr(trial_id, "k", 1)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_state_values(trial_id, TrialState.FAIL)
    with pytest.raises(ValueError, match="not JSON serializable"):
        storage.set_study_user_attr(study_id, "bad", object())
    storage.delete_study(study_id)
    with pytest.raises(KeyError):
        storage.get_study_name_from_id(study_id)
    with pytest.raises(KeyError):
        storage.delete_study(study_id)


def test_finished_trials_are_fetched_once_and_polls_ask_only_for_news() -> None:
    counter = CallCounter()
    backend = InMemoryStorage()
    with serving(backend, interceptors=[counter.interceptor]) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        study_id = client.create_new_study(MIN, "cache")
        for i in range(20):  # written straight into the backend by "another worker"
            tid = backend.create_new_trial(study_id)
            backend.set_trial_state_values(tid, TrialState.COMPLETE, [float(i)])
        running = backend.create_new_trial(study_id)
        counter.reset()
        assert len(client.get_all_trials(study_id)) == 21
        assert counter["GetTrials"] == 1

        # get_trial of a finished trial and repeated polls: no trial travels twice.
        first = client.get_all_trials(study_id, deepcopy=False)
        assert client.get_trial(first[3]._trial_id).values == [3.0]
        assert counter["GetTrial"] == 0

        backend.set_trial_state_values(running, TrialState.COMPLETE, [99.0])
        new = backend.create_new_trial(study_id)
        trials = client.get_all_trials(study_id, states=(TrialState.COMPLETE,))
        assert [t.number for t in trials] == list(range(21))
        assert client.get_all_trials(study_id)[-1]._trial_id == new
        # The next poll asks only for the one unfinished trial and for ids above the newest seen.
        cache = client._cache.studies[study_id]
        assert cache.unfinished == {new} and cache.last_id == new
        client.close()


def test_owned_running_trial_is_served_from_the_write_through_copy() -> None:
    counter = CallCounter()
    with serving(interceptors=[counter.interceptor]) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        study_id = client.create_new_study(MIN)
        trial_id = client.create_new_trial(study_id)
        assert client.get_trial(trial_id).state == TrialState.RUNNING
        client.set_trial_param(trial_id, "x", 2.0, FloatDistribution(0, 5))
        client.set_trial_user_attr(trial_id, "u", 1)
        client.set_trial_intermediate_value(trial_id, 0, 0.5)
        trial = client.get_trial(trial_id)
        assert (trial.params, trial.user_attrs, trial.intermediate_values) == ({"x": 2.0}, {"u": 1}, {0: 0.5})
        trial.user_attrs["mutated"] = True  # callers get copies; the cache must not change
        assert "mutated" not in client.get_trial(trial_id).user_attrs
        # The pyhpo server sent the trial with CreateNewTrial and again with SetTrialStateValues.
        client.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
        assert client.get_trial(trial_id).state == TrialState.COMPLETE
        assert client.get_trial(trial_id).values == [1.0]
        assert client.get_trial(trial_id).datetime_complete is not None
        assert counter["GetTrial"] == 0
        assert counter["GetStudyDirections"] == 0
        client.get_study_directions(study_id)
        client.get_study_directions(study_id)
        assert counter["GetStudyDirections"] == 1
        client.close()


def test_timestamps_carry_an_explicit_utc_offset_on_the_wire() -> None:
    from pyhpo.storages._grpc import _convert, api_pb2

    backend = InMemoryStorage()
    study_id = backend.create_new_study(MIN)
    trial_id = backend.create_new_trial(study_id)
    backend.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    trial = backend.get_trial(trial_id)
    message = _convert.trial_to_proto(trial)
    parsed = datetime.datetime.fromisoformat(message.datetime_start_iso)
    assert parsed.utcoffset() is not None
    assert parsed == trial.datetime_start.astimezone()
    # A peer in another zone writes the same instant with another offset; we read the same local time.
    elsewhere = parsed.astimezone(datetime.timezone(datetime.timedelta(hours=-11)))
    message.datetime_start_iso = elsewhere.isoformat()
    assert _convert.trial_from_proto(message).datetime_start == trial.datetime_start
    # Without the ISO field (an Optuna peer), the naive text is used.
    legacy = api_pb2.Trial()
    legacy.CopyFrom(message)
    legacy.ClearField("datetime_start_iso")
    assert _convert.trial_from_proto(legacy).datetime_start == trial.datetime_start


def test_client_is_picklable_and_reconnects(proxy: Any) -> None:
    import pickle

    storage = proxy(token="")
    study_id = storage.create_new_study(MIN, "p")
    clone = pickle.loads(pickle.dumps(storage))
    try:
        assert clone.get_study_name_from_id(study_id) == "p"
    finally:
        clone.close()


def test_bad_arguments_are_rejected_with_clear_errors() -> None:
    with pytest.raises(ValueError, match="port"):
        GrpcStorageProxy(port=0)
    with pytest.raises(ValueError, match="retry_timeout"):
        GrpcStorageProxy(port=1, retry_timeout=-1)
    with pytest.raises(ValueError, match="root certificates"):
        GrpcStorageProxy(port=1, root_certificates="/nonexistent/ca.pem")
    from pyhpo.storages._grpc.server import make_server

    with pytest.raises(ValueError, match="port"):
        make_server(InMemoryStorage(), "127.0.0.1", 70000)
    with pytest.raises(ValueError, match="both"):
        make_server(InMemoryStorage(), "127.0.0.1", 0, certificate_chain=b"x")


def test_a_poll_carries_only_new_and_unfinished_trials_over_the_wire() -> None:
    backend = InMemoryStorage()
    with serving(backend) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        study_id = client.create_new_study(MIN, "wire")
        for i in range(20):
            tid = backend.create_new_trial(study_id)
            backend.set_trial_state_values(tid, TrialState.COMPLETE, [float(i)])
        running = backend.create_new_trial(study_id)
        sizes: list[int] = []
        real = client._stub.GetTrials

        def recording(request: Any, **kwargs: Any) -> Any:
            reply = real(request, **kwargs)
            sizes.append(len(reply.trials))
            return reply

        client._stub.GetTrials = recording
        client.get_all_trials(study_id)
        client.get_all_trials(study_id)  # nothing new: only the running trial travels
        backend.create_new_trial(study_id)
        client.get_all_trials(study_id)  # the running one and the new one
        assert sizes == [21, 1, 2]
        backend.set_trial_state_values(running, TrialState.FAIL)
        assert [t.state for t in client.get_all_trials(study_id)][20] == TrialState.FAIL
        client.close()


def test_one_slow_request_does_not_hold_up_other_clients() -> None:
    import threading
    import time

    class SlowStorage(InMemoryStorage):
        def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
            time.sleep(2.0)
            return super().get_study_user_attrs(study_id)

    with serving(SlowStorage()) as server:
        slow = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        fast = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        study_id = fast.create_new_study(MIN, "slow")
        waiter = threading.Thread(target=slow.get_study_user_attrs, args=(study_id,))
        waiter.start()
        time.sleep(0.2)  # the slow call is now inside the storage
        started = time.monotonic()
        for _ in range(5):
            fast.create_new_trial(study_id)
        assert time.monotonic() - started < 1.0
        waiter.join(timeout=10)
        slow.close()
        fast.close()
