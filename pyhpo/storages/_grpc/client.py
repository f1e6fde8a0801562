"""The client side of the gRPC proxy: a BaseStorage whose every call goes to a proxy server.

Works against pyhpo's server and against Optuna's (``optuna.storages.run_grpc_proxy_server``).

What makes it cheap:

* Finished trials never change, so they are cached and never fetched twice. A poll
  (``get_all_trials``) asks only for trials above the highest id it has seen and for the known
  unfinished ones (``GetTrials`` with ``trial_id_greater_than`` / ``included_trial_ids``).
* A RUNNING trial belongs to the worker that created (or claimed) it -- the ownership rule of the
  storage contract -- so this client keeps a write-through copy of its own running trials and
  answers ``get_trial`` for them without a call.
* Study directions and names never change: asked once per study.
* "Which trials are WAITING?" -- asked before every trial -- goes to a pyhpo server as
  ``GetTrialsInStates`` and brings back those trials alone, not every trial that changed since the last
  poll (an Optuna server, which lacks the call, is polled as Optuna's client does).

Failures: a call that finds the server UNAVAILABLE (down, restarting) or is CANCELLED by a server
shutting down is retried with exponential backoff for up to ``retry_timeout`` seconds, so a proxy
restart under running workers is survived; after that a ``ConnectionError`` names the server. A TLS
handshake that no retry can fix (a server certificate the CA does not sign or whose names lack the host or
``server_name``, or a server without TLS) raises a ``ConnectionError`` saying so at once (see ``_tls``).
Retried writes are idempotent except ``create_new_trial`` (a lost reply can leave one extra RUNNING
trial) and ``set_trial_state_values`` (a retry that finds its own first attempt landed is success). Status codes come back as the exceptions the
storage raised: NOT_FOUND -> KeyError, ALREADY_EXISTS -> DuplicatedStudyError, FAILED_PRECONDITION ->
UpdateFinishedTrialError, INVALID_ARGUMENT -> ValueError, UNAUTHENTICATED -> PermissionError.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, cast

from pyhpo import logging
from pyhpo._experimental import experimental_class
from pyhpo._values import FrozenTrial, TrialState
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from pyhpo.storages._grpc import _errors, _tls
from pyhpo.storages._heartbeat import BaseHeartbeat
from pyhpo.storages._trial_cache import StudyTrials, TrialCache, rebuild_trial
from pyhpo.storages._validation import check_param

if TYPE_CHECKING:
    # At run time these four are module globals set by _load_runtime() on first use.
    import os
    from collections.abc import Callable, Collection, Container, Sequence

    import grpc  # noqa: TC004

    from pyhpo._values import FrozenStudy, StudyDirection
    from pyhpo.distributions import BaseDistribution
    from pyhpo.storages._grpc import _convert, api_pb2, api_pb2_grpc  # noqa: TC004
    from pyhpo.study import Study

__all__ = ["GrpcStorageProxy"]

_logger = logging.get_logger(__name__)

_MAX_BACKOFF = 2.0
_FIRST_BACKOFF = 0.05


def _load_runtime() -> None:
    """Import grpc and the generated modules on first use (``import pyhpo`` must not need them)."""
    global grpc, api_pb2, api_pb2_grpc, _convert
    import grpc

    from pyhpo.storages._grpc import _convert, api_pb2, api_pb2_grpc


@experimental_class("4.2.0")
class GrpcStorageProxy(BaseStorage, BaseHeartbeat):
    """A storage that forwards every call to a gRPC proxy server, caching what cannot change.

    Example::

        import pyhpo
        from pyhpo.storages import GrpcStorageProxy

        storage = GrpcStorageProxy(host="localhost", port=13000)
        study = pyhpo.create_study(storage=storage, study_name="distributed", load_if_exists=True)

    Args:
        host: Host of the proxy server.
        port: Port of the proxy server.
        token: Shared secret sent as ``authorization: Bearer <token>`` with every call. ``None``
            reads ``PYHPO_GRPC_TOKEN`` from the environment; ``""`` sends none.
        root_certificates: PEM bytes or a path of the CA that signed the server certificate; given,
            the channel uses TLS.
        tls: Use TLS with the system's root certificates (implied by ``root_certificates``).
        server_name: Name to check the server certificate against, when it differs from ``host``.
        timeout: Deadline of each call in seconds (None: no deadline).
        retry_timeout: How long to keep retrying calls that find the server unavailable.
        failed_trial_callback: Run (in this process) on each trial that ``fail_stale_trials``
            marks FAIL through this client; callbacks cannot travel to the server.
    """

    def __init__(
        self,
        *,
        host: str = "localhost",
        port: int = 13000,
        token: str | None = None,
        root_certificates: bytes | str | os.PathLike[str] | None = None,
        tls: bool = False,
        server_name: str | None = None,
        timeout: float | None = None,
        retry_timeout: float = 60.0,
        failed_trial_callback: Callable[[Study, FrozenTrial], None] | None = None,
    ) -> None:
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port <= 65535:
            raise ValueError(f"port must be an integer in 1..65535, got {port!r}")
        if retry_timeout < 0:
            raise ValueError(f"retry_timeout must be >= 0 seconds, got {retry_timeout}")
        self._host = host
        self._port = port
        self._token = _tls.resolve_token(token)
        self._root_certificates = _tls.read_pem(root_certificates, "root certificates")
        self._roots_source = None if root_certificates is None else _tls.source_of(root_certificates)
        if self._root_certificates is not None:
            _tls.check_root_certificates(self._root_certificates, self._roots_source or "")
        self._tls = tls or self._root_certificates is not None
        self._server_name = server_name
        self._timeout = timeout
        self._retry_timeout = retry_timeout
        self._failed_trial_callback = failed_trial_callback
        self._setup()

    # ----------------------------------------------------------------------------------------
    # Connection

    def _setup(self) -> None:
        _load_runtime()
        self._target = f"{self._host}:{self._port}"
        self._channel = self._make_channel()
        self._stub = api_pb2_grpc.StorageServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._ext_stub = api_pb2_grpc.PyhpoExtensionServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._metadata = (("authorization", f"Bearer {self._token}"),) if self._token else None
        self._lock = threading.RLock()
        self._cache = TrialCache()  # finished trials, and what each polled study holds
        self._owned: dict[int, FrozenTrial | None] = {}  # our RUNNING trials (None: not fetched yet)
        self._directions: dict[int, list[StudyDirection]] = {}
        self._names: dict[int, str] = {}
        self._info: Any = None
        self._info_known = False
        self._states_rpc = True  # until the server says it lacks GetTrialsInStates

    def _make_channel(self) -> grpc.Channel:
        options: list[tuple[str, Any]] = [
            ("grpc.max_receive_message_length", -1),
            ("grpc.max_send_message_length", -1),
            # Reconnect quickly after a proxy restart instead of backing off for up to two minutes.
            ("grpc.initial_reconnect_backoff_ms", 100),
            ("grpc.min_reconnect_backoff_ms", 100),
            ("grpc.max_reconnect_backoff_ms", 1000),
        ]
        if self._server_name:
            options.append(("grpc.ssl_target_name_override", self._server_name))
        if self._tls:
            credentials = grpc.ssl_channel_credentials(root_certificates=self._root_certificates)
            return grpc.secure_channel(self._target, credentials, options=options)
        return grpc.insecure_channel(self._target, options=options)

    def wait_server_ready(self, timeout: float | None = None) -> None:
        """Block until the server accepts connections.

        Raises:
            ConnectionError: Not ready within ``timeout`` seconds (None waits forever).
        """
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
        except grpc.FutureTimeoutError as e:
            raise ConnectionError(f"gRPC storage proxy at {self._target} not ready within {timeout} s") from e

    def close(self) -> None:
        """Close the channel; the object cannot be used afterwards."""
        self._channel.close()

    def __getstate__(self) -> dict[str, Any]:
        keep = (
            "_host", "_port", "_token", "_root_certificates", "_tls", "_server_name", "_timeout",
            "_retry_timeout", "_failed_trial_callback",
        )  # fmt: skip
        return {name: self.__dict__[name] for name in keep}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    def _call(self, stub: Any, name: str, request: Any) -> tuple[Any, int]:
        """Invoke one RPC; retry while the server is UNAVAILABLE; return (reply, attempts)."""
        method = getattr(stub, name)
        started = time.monotonic()
        delay = _FIRST_BACKOFF
        attempts = 0
        while True:
            attempts += 1
            try:
                return method(request, timeout=self._timeout, metadata=self._metadata), attempts
            except grpc.RpcError as e:
                elapsed = time.monotonic() - started
                if self._tls and e.code() == grpc.StatusCode.UNAVAILABLE:
                    # A certificate the client rejects is no outage: no retry can help; say what is wrong.
                    roots = getattr(self, "_roots_source", None)  # not kept by pickling
                    if roots is None and self._root_certificates is not None:
                        roots = "(as given)"
                    name = self._server_name or self._host
                    failure = _tls.handshake_failure(e.details() or "", self._target, roots, name)
                    if failure is not None:
                        raise ConnectionError(failure) from e
                if _errors.is_retried(e.code()) and elapsed < self._retry_timeout:
                    if attempts == 1:
                        _logger.warning(f"gRPC storage proxy at {self._target} unavailable; retrying {name}.")
                    time.sleep(min(delay, max(self._retry_timeout - elapsed, 0.0)))
                    delay = min(delay * 2, _MAX_BACKOFF)
                    continue
                translated = _errors.translate(e, self._target, name, attempts, elapsed, self._timeout)
                translated._pyhpo_grpc_attempts = attempts  # type: ignore[attr-defined]
                raise translated from e

    def _rpc(self, name: str, request: Any) -> Any:
        return self._call(self._stub, name, request)[0]

    def _server_info(self) -> Any:
        """The pyhpo server's GetServerInfo reply, or None for a server without the extension (Optuna)."""
        if not self._info_known:
            try:
                self._info = self._call(self._ext_stub, "GetServerInfo", api_pb2.GetServerInfoRequest())[0]
            except NotImplementedError:
                self._info = None  # an Optuna server: no pyhpo extensions
            self._info_known = True
        return self._info

    # ----------------------------------------------------------------------------------------
    # Studies

    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        if study_name is None:
            study_name = DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
        request = api_pb2.CreateNewStudyRequest(
            directions=[_convert.direction_to_proto(d) for d in directions], study_name=study_name
        )
        study_id = self._rpc("CreateNewStudy", request).study_id
        _logger.info(f"A new study created in gRPC proxy ({self._target}) with name: {study_name}")
        return int(study_id)

    def delete_study(self, study_id: int) -> None:
        self._rpc("DeleteStudy", api_pb2.DeleteStudyRequest(study_id=study_id))
        with self._lock:
            # Which cached trials belonged to the study is not always known (get_trial does not say):
            # forget every cached trial, keep ownership, and let later calls fetch again. Deleting a
            # study is rare; a stale trial answered from cache would be wrong.
            self._cache.clear()
            for trial_id in self._owned:
                self._owned[trial_id] = None
            self._directions.pop(study_id, None)
            self._names.pop(study_id, None)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._rpc("SetStudyUserAttribute", api_pb2.SetStudyUserAttributeRequest(
            study_id=study_id, key=key, value=_convert.dumps(value)))  # fmt: skip

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._rpc("SetStudySystemAttribute", api_pb2.SetStudySystemAttributeRequest(
            study_id=study_id, key=key, value=_convert.dumps(value)))  # fmt: skip

    def get_study_id_from_name(self, study_name: str) -> int:
        return int(
            self._rpc("GetStudyIdFromName", api_pb2.GetStudyIdFromNameRequest(study_name=study_name)).study_id
        )

    def get_study_name_from_id(self, study_id: int) -> str:
        name = self._names.get(study_id)
        if name is None:
            name = self._rpc(
                "GetStudyNameFromId", api_pb2.GetStudyNameFromIdRequest(study_id=study_id)
            ).study_name
            self._names[study_id] = name
        return name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        directions = self._directions.get(study_id)
        if directions is None:
            reply = self._rpc("GetStudyDirections", api_pb2.GetStudyDirectionsRequest(study_id=study_id))
            directions = _convert.directions_from_proto(reply.directions)
            self._directions[study_id] = directions
        return list(directions)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        reply = self._rpc("GetStudyUserAttributes", api_pb2.GetStudyUserAttributesRequest(study_id=study_id))
        return _convert.loads_attrs(reply.user_attributes, "study user attribute")

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        reply = self._rpc(
            "GetStudySystemAttributes", api_pb2.GetStudySystemAttributesRequest(study_id=study_id)
        )
        return _convert.loads_attrs(reply.system_attributes, "study system attribute")

    def get_all_studies(self) -> list[FrozenStudy]:
        reply = self._rpc("GetAllStudies", api_pb2.GetAllStudiesRequest())
        return [_convert.study_from_proto(s) for s in reply.studies]

    # ----------------------------------------------------------------------------------------
    # Trials: writes

    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        if template_trial is None:
            request = api_pb2.CreateNewTrialRequest(study_id=study_id, template_trial_is_none=True)
        else:
            request = api_pb2.CreateNewTrialRequest(
                study_id=study_id,
                template_trial=_convert.trial_to_proto(template_trial),
                template_trial_is_none=False,
            )
        reply = self._rpc("CreateNewTrial", request)
        trial_id = int(reply.trial_id)
        # A pyhpo server sends the new trial along; an Optuna server does not (fetched on first use).
        trial = _convert.trial_from_proto(reply.trial) if reply.HasField("trial") else None
        with self._lock:
            if trial is not None and trial.state.is_finished():
                self._cache.keep_finished(trial)
            elif template_trial is None or template_trial.state == TrialState.RUNNING:
                self._owned[trial_id] = trial  # ours: RUNNING trials belong to their creator
        return trial_id

    def _update_owned(self, trial_id: int, change: Callable[[FrozenTrial], FrozenTrial]) -> None:
        with self._lock:
            snapshot = self._owned.get(trial_id)
            if snapshot is not None:
                self._owned[trial_id] = change(snapshot)

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        check_param(param_name, param_value_internal, distribution)  # as the server does; saves a call
        request = api_pb2.SetTrialParameterRequest(
            trial_id=trial_id,
            param_name=param_name,
            param_value_internal=param_value_internal,
            distribution=_convert.distribution_json(distribution),
        )
        self._rpc("SetTrialParameter", request)

        def change(t: FrozenTrial) -> FrozenTrial:
            params = dict(t.params)
            params[param_name] = distribution.to_external_repr(param_value_internal)
            distributions = dict(t.distributions)
            distributions[param_name] = distribution
            return rebuild_trial(t, params=params, distributions=distributions)

        self._update_owned(trial_id, change)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._cache.lock:
            cache = self._cache.study(study_id)
            if cache is not None and trial_number in cache.id_by_number:
                return cache.id_by_number[trial_number]
        request = api_pb2.GetTrialIdFromStudyIdTrialNumberRequest(
            study_id=study_id, trial_number=trial_number
        )
        return int(self._rpc("GetTrialIdFromStudyIdTrialNumber", request).trial_id)

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        request = api_pb2.SetTrialStateValuesRequest(
            trial_id=trial_id, state=_convert.trial_state_to_proto(state), values=values
        )
        trial = None
        try:
            reply = self._rpc("SetTrialStateValues", request)
            updated = bool(reply.trial_updated)
            if reply.HasField("trial"):  # pyhpo servers send the updated trial along
                trial = _convert.trial_from_proto(reply.trial)
        except UpdateFinishedTrialError as e:
            # After a retry, the attempt that found the server going away may have landed already:
            # then the trial is in exactly the state we asked for, and that is success, not an error.
            retried = getattr(e, "_pyhpo_grpc_attempts", 1) > 1
            if not (retried and self._landed(trial_id, state, values)):
                raise
            updated = True
        with self._lock:
            if state.is_finished():
                self._owned.pop(trial_id, None)
                if trial is not None and trial.state.is_finished():
                    self._cache.keep_finished(trial)
            elif state == TrialState.RUNNING and updated:
                self._owned[trial_id] = trial  # claimed a WAITING trial: ours now
        return updated

    def _landed(self, trial_id: int, state: TrialState, values: Sequence[float] | None) -> bool:
        trial = self._fetch_trial(trial_id)
        expected = list(values) if values is not None else None
        return trial.state == state and trial.values == expected

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        request = api_pb2.SetTrialIntermediateValueRequest(
            trial_id=trial_id, step=step, intermediate_value=intermediate_value
        )
        self._rpc("SetTrialIntermediateValue", request)

        def change(t: FrozenTrial) -> FrozenTrial:
            values = dict(t.intermediate_values)
            values[step] = intermediate_value
            return rebuild_trial(t, intermediate_values=values)

        self._update_owned(trial_id, change)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        text = _convert.dumps(value)
        self._rpc(
            "SetTrialUserAttribute",
            api_pb2.SetTrialUserAttributeRequest(trial_id=trial_id, key=key, value=text),
        )
        copied = _convert.loads(text, "user attribute")
        self._update_owned(trial_id, lambda t: rebuild_trial(t, user_attrs={**t.user_attrs, key: copied}))

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        text = _convert.dumps(value)
        request = api_pb2.SetTrialSystemAttributeRequest(trial_id=trial_id, key=key, value=text)
        self._rpc("SetTrialSystemAttribute", request)
        copied = _convert.loads(text, "system attribute")
        self._update_owned(trial_id, lambda t: rebuild_trial(t, system_attrs={**t.system_attrs, key: copied}))

    # ----------------------------------------------------------------------------------------
    # Trials: reads

    def _fetch_trial(self, trial_id: int) -> FrozenTrial:
        reply = self._rpc("GetTrial", api_pb2.GetTrialRequest(trial_id=trial_id))
        trial = _convert.trial_from_proto(reply.trial)
        with self._lock:
            if trial.state.is_finished():
                self._cache.keep_finished(trial)
                self._owned.pop(trial_id, None)
            elif trial_id in self._owned and trial.state == TrialState.RUNNING:
                self._owned[trial_id] = trial
        return trial

    def get_trial(self, trial_id: int) -> FrozenTrial:
        trial = self._cache.finished_trial(trial_id)
        if trial is not None:
            return trial
        with self._lock:
            snapshot = self._owned.get(trial_id)
            if snapshot is not None:
                return copy.deepcopy(snapshot)
        trial = self._fetch_trial(trial_id)
        return copy.deepcopy(trial) if not trial.state.is_finished() else trial

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        if self._states_rpc and _only_unfinished(states):
            # Unfinished trials are never cached: ask for them alone (fresh objects, nobody else holds them).
            found = self._trials_in_states(study_id, cast("Collection[TrialState]", states))
            if found is not None:
                return found
        with self._lock:  # one poll at a time: each asks for what the previous one left unknown
            cache = self._poll(study_id)
            with self._cache.lock:
                trials = cache.select(states)
        return copy.deepcopy(trials) if deepcopy else trials

    def _trials_in_states(self, study_id: int, states: Collection[TrialState]) -> list[FrozenTrial] | None:
        """The study's trials in ``states`` through pyhpo's extension; None from a server without it."""
        request = api_pb2.GetTrialsInStatesRequest(
            study_id=study_id, states=[_convert.trial_state_to_proto(s) for s in states]
        )
        try:
            reply = self._call(self._ext_stub, "GetTrialsInStates", request)[0]
        except NotImplementedError:
            self._states_rpc = False  # an Optuna server, or an older pyhpo one: poll as Optuna's client does
            return None
        return [_convert.trial_from_proto(message) for message in reply.trials]

    def _poll(self, study_id: int) -> StudyTrials:
        """Bring one study's cache up to date with one GetTrials call (caller holds ``_lock``)."""
        with self._cache.lock:
            cache = self._cache.study(study_id)
            # Numbers are dense per study. A gap means a trial became visible after a higher id did
            # (concurrent database transactions): look at everything once more.
            after = -1 if cache is None or cache.has_gaps() else cache.last_id
            unfinished = sorted(cache.unfinished) if cache is not None else []
        request = api_pb2.GetTrialsRequest(
            study_id=study_id, included_trial_ids=unfinished, trial_id_greater_than=after
        )
        try:
            reply = self._rpc("GetTrials", request)
        except KeyError:
            self._cache.drop_study(study_id)
            raise
        fresh = []
        for message in reply.trials:
            known = self._cache.finished_trial(message.trial_id)
            fresh.append(known if known is not None else _convert.trial_from_proto(message))
        with self._cache.lock:
            return self._cache.absorb(study_id, fresh)

    # ----------------------------------------------------------------------------------------
    # Heartbeats (through pyhpo's extension service)

    def record_heartbeat(self, trial_id: int) -> None:
        self._call(self._ext_stub, "RecordHeartbeat", api_pb2.RecordHeartbeatRequest(trial_id=trial_id))

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        if self.get_heartbeat_interval() is None:
            return []
        reply = self._call(
            self._ext_stub, "GetStaleTrialIds", api_pb2.GetStaleTrialIdsRequest(study_id=study_id)
        )[0]
        return list(reply.trial_ids)

    def get_heartbeat_interval(self) -> int | None:
        info = self._server_info()
        if info is None or not info.heartbeat_enabled:
            return None
        interval = info.heartbeat_interval
        return int(interval) if float(interval).is_integer() else interval

    def get_heartbeat_stale_trial_callback(self) -> Callable[[Study, FrozenTrial], None] | None:
        return self._failed_trial_callback


def _only_unfinished(states: Container[TrialState] | None) -> bool:
    """Whether ``states`` is a non-empty collection of unfinished states only (the WAITING/RUNNING question)."""
    return (
        isinstance(states, (tuple, list, set, frozenset))
        and len(states) > 0
        and all(isinstance(s, TrialState) and not s.is_finished() for s in states)
    )
