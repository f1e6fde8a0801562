"""Malformed requests get an error status and the server keeps serving; a dead server is a clear error."""

from __future__ import annotations

import socket
import time
from typing import Any

import grpc
import pytest

from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.storages import InMemoryStorage
from pyhpo.storages._grpc import api_pb2
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

from .conftest import serving

MIN = [StudyDirection.MINIMIZE]


def _raw(channel: grpc.Channel, method: str) -> Any:
    return channel.unary_unary(f"/optuna.StorageService/{method}")  # bytes in, bytes out


def test_malformed_requests_are_answered_with_an_error_status_and_serving_goes_on() -> None:
    backend = InMemoryStorage()
    with serving(backend, max_message_bytes=1 << 20) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        study_id = client.create_new_study(MIN, "robust")
        trial_id = client.create_new_trial(study_id)
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            bad: list[tuple[str, bytes, set[grpc.StatusCode]]] = [
                # Bytes that are not a protobuf message at all.
                (
                    "CreateNewStudy",
                    b"\xff\xff\xff\xff",
                    {grpc.StatusCode.INTERNAL, grpc.StatusCode.INVALID_ARGUMENT},
                ),
                # A message cut short: the tag of an int64 without its value.
                ("GetTrial", b"\x08", {grpc.StatusCode.INTERNAL, grpc.StatusCode.INVALID_ARGUMENT}),
                # Unknown ids.
                (
                    "GetTrial",
                    api_pb2.GetTrialRequest(trial_id=999).SerializeToString(),
                    {grpc.StatusCode.NOT_FOUND},
                ),
                (
                    "SetTrialStateValues",
                    api_pb2.SetTrialStateValuesRequest(
                        trial_id=999, state=api_pb2.COMPLETE
                    ).SerializeToString(),
                    {grpc.StatusCode.NOT_FOUND},
                ),
                # A state that does not exist (proto3 enums are open).
                (
                    "SetTrialStateValues",
                    api_pb2.SetTrialStateValuesRequest(trial_id=trial_id, state=42).SerializeToString(),
                    {grpc.StatusCode.INVALID_ARGUMENT},
                ),
                # Attribute value that is not JSON; a distribution that is not one.
                (
                    "SetTrialUserAttribute",
                    api_pb2.SetTrialUserAttributeRequest(
                        trial_id=trial_id, key="k", value="{nope"
                    ).SerializeToString(),
                    {grpc.StatusCode.INVALID_ARGUMENT},
                ),
                (
                    "SetTrialParameter",
                    api_pb2.SetTrialParameterRequest(
                        trial_id=trial_id, param_name="x", param_value_internal=1.0, distribution="[]"
                    ).SerializeToString(),
                    {grpc.StatusCode.INVALID_ARGUMENT},
                ),
                # A direction that does not exist.
                (
                    "CreateNewStudy",
                    api_pb2.CreateNewStudyRequest(directions=[7], study_name="x").SerializeToString(),
                    {grpc.StatusCode.INVALID_ARGUMENT},
                ),
                # Larger than the server accepts.
                (
                    "SetStudyUserAttribute",
                    api_pb2.SetStudyUserAttributeRequest(
                        study_id=study_id, key="big", value='"' + "x" * (2 << 20) + '"'
                    ).SerializeToString(),
                    {grpc.StatusCode.RESOURCE_EXHAUSTED},
                ),
            ]
            for method, payload, codes in bad:
                with pytest.raises(grpc.RpcError) as info:
                    _raw(channel, method)(payload, timeout=10)
                assert info.value.code() in codes, (method, info.value.code(), info.value.details())
        # Nothing was written by the rejected calls, and the server still serves.
        trial = client.get_trial(trial_id)
        assert trial.state == TrialState.RUNNING and trial.user_attrs == {}
        assert backend.get_study_user_attrs(study_id) == {}
        assert [s.study_name for s in client.get_all_studies()] == ["robust"]
        client.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_is_down_is_a_clear_error_after_a_bounded_retry() -> None:
    port = _free_port()
    client = GrpcStorageProxy(host="127.0.0.1", port=port, retry_timeout=1.0)
    try:
        started = time.monotonic()
        with pytest.raises(ConnectionError, match=rf"127\.0\.0\.1:{port} is unavailable.*attempts"):
            client.get_all_studies()
        assert 0.9 < time.monotonic() - started < 10
        with pytest.raises(ConnectionError, match="not ready within 0.3 s"):
            client.wait_server_ready(timeout=0.3)
    finally:
        client.close()


def test_a_call_made_while_the_server_is_down_completes_when_it_comes_back() -> None:
    import threading

    port = _free_port()
    backend = InMemoryStorage()
    client = GrpcStorageProxy(host="127.0.0.1", port=port, retry_timeout=20.0)
    result: dict[str, Any] = {}

    def call() -> None:
        result["id"] = client.create_new_study(MIN, "late")

    worker = threading.Thread(target=call)
    worker.start()
    time.sleep(0.5)  # the call is retrying by now
    with serving(backend, port=port):
        worker.join(timeout=20)
        assert not worker.is_alive()
        assert backend.get_study_name_from_id(result["id"]) == "late"
    client.close()


class _LoseFirstReply:
    """Server interceptor: run the first call of one RPC, then answer UNAVAILABLE as if the reply were lost."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.lost = 0

    def build(self) -> Any:
        outer = self

        class Interceptor(grpc.ServerInterceptor):  # type: ignore[misc]
            def intercept_service(self, continuation: Any, details: Any) -> Any:
                handler = continuation(details)
                if not details.method.endswith("/" + outer.method) or outer.lost:
                    return handler

                def behavior(request: Any, context: Any) -> Any:
                    handler.unary_unary(request, context)  # the write lands...
                    outer.lost += 1
                    context.abort(grpc.StatusCode.UNAVAILABLE, "connection reset")  # ...the reply does not

                return grpc.unary_unary_rpc_method_handler(
                    behavior,
                    request_deserializer=handler.request_deserializer,
                    response_serializer=handler.response_serializer,
                )

        return Interceptor()


def test_finishing_a_trial_whose_reply_was_lost_is_still_a_success() -> None:
    lose = _LoseFirstReply("SetTrialStateValues")
    with serving(InMemoryStorage(), interceptors=[lose.build()]) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port, retry_timeout=5)
        study_id = client.create_new_study(MIN, "lost")
        trial_id = client.create_new_trial(study_id)
        assert client.set_trial_state_values(trial_id, TrialState.COMPLETE, [3.0])
        assert lose.lost == 1
        assert client.get_trial(trial_id).values == [3.0]
        # A genuine second finish is still refused.
        with pytest.raises(UpdateFinishedTrialError):
            client.set_trial_state_values(trial_id, TrialState.COMPLETE, [4.0])
        client.close()
