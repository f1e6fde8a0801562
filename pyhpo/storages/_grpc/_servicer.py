"""The server side of the proxy: RPC handlers over one shared BaseStorage.

Imported only when a server is built (it imports grpc). Every handler is a plain function of the
request; `_guard` turns storage exceptions into gRPC status codes the way Optuna's server does, so a
mixed deployment (Optuna client, pyhpo server) sees the errors it expects:

    KeyError                  -> NOT_FOUND
    DuplicatedStudyError      -> ALREADY_EXISTS
    UpdateFinishedTrialError  -> FAILED_PRECONDITION
    ValueError, TypeError     -> INVALID_ARGUMENT   (bad request contents)
    StorageInternalError      -> INTERNAL
    anything else             -> UNKNOWN, logged with its traceback

Writes are checked before they reach the storage (``pyhpo.storages._validation``: a parameter value
that would not read back, a distribution that does not parse, an unknown state), so a client -- any
client, when no token is set -- cannot store what would break later reads; pyhpo's storages check the
rest (values per objective) themselves, with the same words.

The handlers hold no lock of their own: the storage is thread-safe by contract, and a lock here
would let one slow request stall every client.
"""

from __future__ import annotations

import functools
import hmac
import json
import threading
from typing import TYPE_CHECKING, Any, TypeVar

import grpc

from pyhpo import logging
from pyhpo.exceptions import DuplicatedStudyError, StorageInternalError, UpdateFinishedTrialError
from pyhpo.storages._grpc import _convert, api_pb2, api_pb2_grpc
from pyhpo.storages._heartbeat import BaseHeartbeat
from pyhpo.storages._validation import check_param

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo._values import FrozenTrial, TrialState
    from pyhpo.storages._base import BaseStorage

__all__ = ["ExtensionServicer", "StorageServicer", "TokenInterceptor", "add_services", "encode_trials_reply"]

_logger = logging.get_logger(__name__)
_R = TypeVar("_R")


def _message_of(error: BaseException) -> str:
    # str(KeyError("x")) is "'x'" -- send the text itself.
    if isinstance(error, KeyError) and len(error.args) == 1:
        return str(error.args[0])
    return str(error) or type(error).__name__


def _guard(method: Callable[[Any, Any], _R]) -> Callable[[Any, Any, grpc.ServicerContext], _R]:
    """Run a handler; map the exceptions of the storage contract to status codes (see module doc)."""

    @functools.wraps(method)
    def wrapper(self: Any, request: Any, context: grpc.ServicerContext) -> _R:
        error: BaseException
        try:
            return method(self, request)
        except KeyError as e:
            code, error = grpc.StatusCode.NOT_FOUND, e
        except DuplicatedStudyError as e:
            code, error = grpc.StatusCode.ALREADY_EXISTS, e
        except UpdateFinishedTrialError as e:
            code, error = grpc.StatusCode.FAILED_PRECONDITION, e
        except StorageInternalError as e:  # before ValueError: JournalCorruptionError is both
            _logger.error(f"Storage error in {method.__name__}: {e}")
            code, error = grpc.StatusCode.INTERNAL, e
        except (ValueError, TypeError, OverflowError) as e:
            code, error = grpc.StatusCode.INVALID_ARGUMENT, e
        except Exception as e:
            _logger.exception(f"Unexpected error in {method.__name__}")
            code, error = grpc.StatusCode.UNKNOWN, e
        context.abort(code, _message_of(error))
        raise AssertionError("unreachable: context.abort raises")  # pragma: no cover

    return wrapper


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_trials_reply(encoded_trials: list[bytes]) -> bytes:
    """Serialize a ``GetTrialsReply`` from already serialized ``Trial`` messages.

    Field 1, wire type 2 (length-delimited): tag byte 0x0A, length, bytes -- repeated per trial.
    This lets the server keep finished trials serialized once instead of re-encoding them per poll.
    """
    parts = []
    for data in encoded_trials:
        parts.append(b"\x0a")
        parts.append(_encode_varint(len(data)))
        parts.append(data)
    return b"".join(parts)


_PollKey = tuple[int, "tuple[TrialState, ...] | None"]


class _PollRound:
    """The state of one study's polls: how many were started and finished, and what the last one read."""

    __slots__ = ("error", "finished", "result", "running", "started")

    def __init__(self) -> None:
        self.started = 0
        self.finished = 0
        self.running = False
        self.result: list[FrozenTrial] = []
        self.error: BaseException | None = None


class _SharedPolls:
    """Polls of one study (for the same states) that arrive together read the storage once.

    Every worker polls its study before each trial, so with many workers the storage would be read many
    times over for the same answer. A request that finds a poll of its study running cannot take that poll's
    answer (the poll began before the request, and may miss a write the client has already seen confirmed);
    it waits for the next poll, which starts once the running one ends and serves every request that waited
    for it. So each answer is read after its request arrived, as if the request had polled alone, and N
    concurrent requests cost at most two reads instead of N.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._rounds: dict[_PollKey, _PollRound] = {}

    def run(self, key: _PollKey, fetch: Callable[[], list[FrozenTrial]]) -> list[FrozenTrial]:
        """``fetch()``'s result, from a call of it that started after this call did; ``key`` says which
        calls ask the same question (study id and states)."""
        with self._cond:
            state = self._rounds.get(key)
            if state is None:
                state = self._rounds[key] = _PollRound()
            wanted = state.started + 1  # the first poll to start from now on
            while state.finished < wanted and state.running:
                self._cond.wait()
            if state.finished >= wanted:  # a poll that started after we arrived has answered
                if state.error is not None:
                    raise state.error
                return state.result
            state.started += 1
            state.running = True
            number = state.started
        result: list[FrozenTrial] = []
        error: BaseException | None = None
        try:
            result = fetch()
        except BaseException as e:  # noqa: BLE001  every request waiting for this poll gets it too; raised below
            error = e
        with self._cond:
            state.finished = number
            state.running = False
            state.result, state.error = result, error
            self._cond.notify_all()
        if error is not None:
            raise error
        return result

    def forget(self, study_id: int) -> None:
        """Drop what is kept for a deleted study (its last answer holds the study's trials)."""
        with self._cond:
            for key in [k for k, state in self._rounds.items() if k[0] == study_id and not state.running]:
                del self._rounds[key]


class StorageServicer(api_pb2_grpc.StorageServiceServicer):
    """``optuna.StorageService`` over one storage shared by every client."""

    def __init__(self, storage: BaseStorage) -> None:
        self._storage = storage
        # Finished trials never change: keep their encoded form, by trial id, with the trial it encodes. An id
        # can be reused for another trial (a study deleted behind the proxy's back, then SQLite hands out its
        # ids again), so an entry serves only the very trial it was made from (see _encoded).
        self._finished: dict[int, tuple[FrozenTrial, bytes]] = {}
        self._finished_lock = threading.Lock()
        self._polls = _SharedPolls()

    @_guard
    def CreateNewStudy(self, request: api_pb2.CreateNewStudyRequest) -> api_pb2.CreateNewStudyReply:
        directions = _convert.directions_from_proto(request.directions)
        study_id = self._storage.create_new_study(directions, request.study_name or None)
        return api_pb2.CreateNewStudyReply(study_id=study_id)

    @_guard
    def DeleteStudy(self, request: api_pb2.DeleteStudyRequest) -> api_pb2.DeleteStudyReply:
        # Some databases reuse the ids of deleted rows: forget the encodings of the study's trials.
        trial_ids = [t._trial_id for t in self._storage.get_all_trials(request.study_id, deepcopy=False)]
        self._storage.delete_study(request.study_id)
        self._polls.forget(request.study_id)
        with self._finished_lock:
            for trial_id in trial_ids:
                self._finished.pop(trial_id, None)
        return api_pb2.DeleteStudyReply()

    @_guard
    def SetStudyUserAttribute(
        self, request: api_pb2.SetStudyUserAttributeRequest
    ) -> api_pb2.SetStudyUserAttributeReply:
        self._storage.set_study_user_attr(request.study_id, request.key, _json(request.value))
        return api_pb2.SetStudyUserAttributeReply()

    @_guard
    def SetStudySystemAttribute(
        self, request: api_pb2.SetStudySystemAttributeRequest
    ) -> api_pb2.SetStudySystemAttributeReply:
        self._storage.set_study_system_attr(request.study_id, request.key, _json(request.value))
        return api_pb2.SetStudySystemAttributeReply()

    @_guard
    def GetStudyIdFromName(
        self, request: api_pb2.GetStudyIdFromNameRequest
    ) -> api_pb2.GetStudyIdFromNameReply:
        return api_pb2.GetStudyIdFromNameReply(
            study_id=self._storage.get_study_id_from_name(request.study_name)
        )

    @_guard
    def GetStudyNameFromId(
        self, request: api_pb2.GetStudyNameFromIdRequest
    ) -> api_pb2.GetStudyNameFromIdReply:
        return api_pb2.GetStudyNameFromIdReply(
            study_name=self._storage.get_study_name_from_id(request.study_id)
        )

    @_guard
    def GetStudyDirections(
        self, request: api_pb2.GetStudyDirectionsRequest
    ) -> api_pb2.GetStudyDirectionsReply:
        directions = self._storage.get_study_directions(request.study_id)
        return api_pb2.GetStudyDirectionsReply(
            directions=[_convert.direction_to_proto(d) for d in directions]
        )

    @_guard
    def GetStudyUserAttributes(
        self, request: api_pb2.GetStudyUserAttributesRequest
    ) -> api_pb2.GetStudyUserAttributesReply:
        attrs = self._storage.get_study_user_attrs(request.study_id)
        return api_pb2.GetStudyUserAttributesReply(
            user_attributes={k: json.dumps(v) for k, v in attrs.items()}
        )

    @_guard
    def GetStudySystemAttributes(
        self, request: api_pb2.GetStudySystemAttributesRequest
    ) -> api_pb2.GetStudySystemAttributesReply:
        attrs = self._storage.get_study_system_attrs(request.study_id)
        return api_pb2.GetStudySystemAttributesReply(
            system_attributes={k: json.dumps(v) for k, v in attrs.items()}
        )

    @_guard
    def GetAllStudies(self, request: api_pb2.GetAllStudiesRequest) -> api_pb2.GetAllStudiesReply:
        studies = self._storage.get_all_studies()
        return api_pb2.GetAllStudiesReply(studies=[_convert.study_to_proto(s) for s in studies])

    @_guard
    def CreateNewTrial(self, request: api_pb2.CreateNewTrialRequest) -> api_pb2.CreateNewTrialReply:
        template = None
        if not request.template_trial_is_none:
            template = _convert.trial_from_proto(request.template_trial)
        trial_id = self._storage.create_new_trial(request.study_id, template)
        reply = api_pb2.CreateNewTrialReply(trial_id=trial_id)
        reply.trial.MergeFromString(self._encoded(self._storage.get_trial(trial_id)))
        return reply

    @_guard
    def SetTrialParameter(self, request: api_pb2.SetTrialParameterRequest) -> api_pb2.SetTrialParameterReply:
        distribution = _convert.distribution_from_json(request.distribution)
        check_param(request.param_name, request.param_value_internal, distribution)
        self._storage.set_trial_param(
            request.trial_id, request.param_name, request.param_value_internal, distribution
        )
        return api_pb2.SetTrialParameterReply()

    @_guard
    def GetTrialIdFromStudyIdTrialNumber(
        self, request: api_pb2.GetTrialIdFromStudyIdTrialNumberRequest
    ) -> api_pb2.GetTrialIdFromStudyIdTrialNumberReply:
        trial_id = self._storage.get_trial_id_from_study_id_trial_number(
            request.study_id, request.trial_number
        )
        return api_pb2.GetTrialIdFromStudyIdTrialNumberReply(trial_id=trial_id)

    @_guard
    def SetTrialStateValues(
        self, request: api_pb2.SetTrialStateValuesRequest
    ) -> api_pb2.SetTrialStateValuesReply:
        state = _convert.trial_state_from_proto(request.state)
        values = list(request.values) or None
        updated = self._storage.set_trial_state_values(request.trial_id, state, values)
        reply = api_pb2.SetTrialStateValuesReply(trial_updated=updated)
        if updated:
            reply.trial.MergeFromString(self._encoded(self._storage.get_trial(request.trial_id)))
        return reply

    @_guard
    def SetTrialIntermediateValue(
        self, request: api_pb2.SetTrialIntermediateValueRequest
    ) -> api_pb2.SetTrialIntermediateValueReply:
        self._storage.set_trial_intermediate_value(request.trial_id, request.step, request.intermediate_value)
        return api_pb2.SetTrialIntermediateValueReply()

    @_guard
    def SetTrialUserAttribute(
        self, request: api_pb2.SetTrialUserAttributeRequest
    ) -> api_pb2.SetTrialUserAttributeReply:
        self._storage.set_trial_user_attr(request.trial_id, request.key, _json(request.value))
        return api_pb2.SetTrialUserAttributeReply()

    @_guard
    def SetTrialSystemAttribute(
        self, request: api_pb2.SetTrialSystemAttributeRequest
    ) -> api_pb2.SetTrialSystemAttributeReply:
        self._storage.set_trial_system_attr(request.trial_id, request.key, _json(request.value))
        return api_pb2.SetTrialSystemAttributeReply()

    @_guard
    def GetTrial(self, request: api_pb2.GetTrialRequest) -> bytes:
        # Answered as bytes (the service registers a pass-through serializer for GetTrial/GetTrials).
        # GetTrialReply is field 1 = Trial, the same framing as one element of GetTrialsReply.
        return encode_trials_reply([self._encoded(self._storage.get_trial(request.trial_id))])

    @_guard
    def GetTrials(self, request: api_pb2.GetTrialsRequest) -> bytes:
        after = request.trial_id_greater_than
        included = set(request.included_trial_ids)
        trials = self._poll(request.study_id, None)
        return encode_trials_reply(
            [self._encoded(t) for t in trials if t._trial_id > after or t._trial_id in included]
        )

    def _poll(self, study_id: int, states: tuple[TrialState, ...] | None) -> list[FrozenTrial]:
        """The study's trials (in ``states``; None: all) as the storage holds them, read by a shared poll."""
        return self._polls.run(
            (study_id, states), lambda: self._storage.get_all_trials(study_id, deepcopy=False, states=states)
        )

    def encode_trials_in_states(self, study_id: int, states: tuple[TrialState, ...]) -> bytes:
        """A serialized ``GetTrialsReply`` with the study's trials in ``states`` (the extension's query)."""
        return encode_trials_reply([self._encoded(t) for t in self._poll(study_id, states)])

    def _encoded(self, trial: FrozenTrial) -> bytes:
        trial_id = trial._trial_id
        cached = self._finished.get(trial_id)
        # The storages hand out the same object for a finished trial on every read (the identity test is
        # the common, free case); a copy of it compares equal. Anything else is another trial under a
        # reused id, and is encoded afresh.
        if cached is not None and (cached[0] is trial or cached[0] == trial):
            return cached[1]
        data: bytes = _convert.trial_to_proto(trial).SerializeToString()
        if trial.state.is_finished():
            with self._finished_lock:
                self._finished[trial_id] = (trial, data)
        return data


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as e:
        raise ValueError(f"attribute value is not valid JSON: {text[:200]!r}") from e


class ExtensionServicer(api_pb2_grpc.PyhpoExtensionServiceServicer):
    """``optuna.PyhpoExtensionService``: server info, heartbeats and a narrow trial query, which Optuna's
    protocol lacks.

    ``trials``: the storage service whose encodings and shared polls the trial query uses (one is made when
    not given).
    """

    def __init__(self, storage: BaseStorage, version: str, trials: StorageServicer | None = None) -> None:
        self._storage = storage
        self._version = version
        self._trials = trials if trials is not None else StorageServicer(storage)

    def _heartbeat_storage(self) -> BaseHeartbeat | None:
        storage = self._storage
        if isinstance(storage, BaseHeartbeat) and storage.get_heartbeat_interval() is not None:
            return storage
        return None

    @_guard
    def GetServerInfo(self, request: api_pb2.GetServerInfoRequest) -> api_pb2.GetServerInfoReply:
        heartbeat = self._heartbeat_storage()
        interval = heartbeat.get_heartbeat_interval() if heartbeat is not None else None
        return api_pb2.GetServerInfoReply(
            server="pyhpo",
            version=self._version,
            heartbeat_enabled=heartbeat is not None,
            heartbeat_interval=float(interval or 0.0),
        )

    @_guard
    def RecordHeartbeat(self, request: api_pb2.RecordHeartbeatRequest) -> api_pb2.RecordHeartbeatReply:
        heartbeat = self._heartbeat_storage()
        if heartbeat is None:
            raise ValueError("heartbeats are not enabled on the storage behind this proxy")
        heartbeat.record_heartbeat(request.trial_id)
        return api_pb2.RecordHeartbeatReply()

    @_guard
    def GetStaleTrialIds(self, request: api_pb2.GetStaleTrialIdsRequest) -> api_pb2.GetStaleTrialIdsReply:
        heartbeat = self._heartbeat_storage()
        stale = heartbeat._get_stale_trial_ids(request.study_id) if heartbeat is not None else []
        return api_pb2.GetStaleTrialIdsReply(trial_ids=stale)

    @_guard
    def GetTrialsInStates(self, request: api_pb2.GetTrialsInStatesRequest) -> bytes:
        # Answered as bytes, like GetTrials (the reply is a GetTrialsReply).
        if not request.states:
            raise ValueError("GetTrialsInStates needs at least one trial state")
        states = tuple(sorted({_convert.trial_state_from_proto(s) for s in request.states}, key=int))
        return self._trials.encode_trials_in_states(request.study_id, states)


def _identity(data: bytes) -> bytes:
    return data


def _service_handler(servicer: Any, service_name: str) -> grpc.GenericRpcHandler:
    """Build the method table of one service from the proto descriptor.

    Written out rather than taken from ``add_*Servicer_to_server`` so that handlers which answer with
    pre-encoded bytes (GetTrial, GetTrials) can register a pass-through serializer.
    """
    service = api_pb2.DESCRIPTOR.services_by_name[service_name]
    handlers = {}
    for method in service.methods:
        request_type = getattr(api_pb2, method.input_type.name)
        reply_type = getattr(api_pb2, method.output_type.name)
        behavior = getattr(servicer, method.name)
        serializer = _identity if method.name in _BYTES_REPLIES else reply_type.SerializeToString
        handlers[method.name] = grpc.unary_unary_rpc_method_handler(
            behavior, request_deserializer=request_type.FromString, response_serializer=serializer
        )
    return grpc.method_handlers_generic_handler(service.full_name, handlers)


_BYTES_REPLIES = frozenset({"GetTrial", "GetTrials", "GetTrialsInStates"})


def add_services(server: grpc.Server, storage: BaseStorage, version: str) -> None:
    """Register the storage service and pyhpo's extension service on ``server``."""
    trials = StorageServicer(storage)
    server.add_generic_rpc_handlers(
        (
            _service_handler(trials, "StorageService"),
            _service_handler(ExtensionServicer(storage, version, trials), "PyhpoExtensionService"),
        )
    )


class TokenInterceptor(grpc.ServerInterceptor):  # type: ignore[misc]
    """Reject every call whose ``authorization`` metadata is not ``Bearer <token>``.

    The check runs before the request is even decoded, so an unauthenticated call can write nothing.
    """

    def __init__(self, token: str) -> None:
        self._expected = f"Bearer {token}".encode()

        def deny(request: Any, context: grpc.ServicerContext) -> None:
            context.abort(
                grpc.StatusCode.UNAUTHENTICATED, "missing or wrong token in 'authorization' metadata"
            )

        self._deny = grpc.unary_unary_rpc_method_handler(deny)

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        for key, value in handler_call_details.invocation_metadata or ():
            if key == "authorization":
                given = value.encode() if isinstance(value, str) else value
                if hmac.compare_digest(given, self._expected):
                    return continuation(handler_call_details)
                break
        return self._deny
