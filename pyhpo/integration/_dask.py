"""``DaskStorage``: one storage, served from a Dask scheduler, shared by every worker of the cluster.

The real storage (in-memory by default, or any URL or storage object) lives on the scheduler, inside a scheduler
extension. A :class:`DaskStorage` is a thin client: each :class:`~pyhpo.storages.BaseStorage` method is sent to
the scheduler as one request (method name and pickled arguments), run there against the real storage, and its
result or exception sent back. Tasks that unpickle a ``DaskStorage`` on a worker reach the same storage through
the worker's client, so ``study.optimize`` on several workers shares one study.

Requests run on the scheduler's event loop one at a time, so the storage sees them serialized; keep the storage
fast (in-memory, or a database close to the scheduler).
"""

from __future__ import annotations

import asyncio
import copy
import pickle
import uuid
from typing import TYPE_CHECKING, Any

from pyhpo._experimental import experimental_class
from pyhpo.integration._framework import requires
from pyhpo.storages import BaseStorage, InMemoryStorage, get_storage
from pyhpo.study import copy_study

if TYPE_CHECKING:
    from collections.abc import Container, Generator, Sequence

    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import FrozenStudy, StudyDirection
    from pyhpo.trial import FrozenTrial, TrialState

__all__ = ["DaskStorage", "SchedulerStorages", "register_with_scheduler"]

_EXTENSION = "pyhpo"
_HANDLER = "pyhpo_storage_call"

# The BaseStorage methods a client may call on the scheduler's storage (nothing else is reachable).
_METHODS = frozenset(
    {
        "create_new_study",
        "delete_study",
        "set_study_user_attr",
        "set_study_system_attr",
        "get_study_id_from_name",
        "get_study_name_from_id",
        "get_study_directions",
        "get_study_user_attrs",
        "get_study_system_attrs",
        "get_all_studies",
        "create_new_trial",
        "set_trial_param",
        "get_trial_id_from_study_id_trial_number",
        "get_trial_number_from_id",
        "get_trial_param",
        "set_trial_state_values",
        "set_trial_intermediate_value",
        "set_trial_user_attr",
        "set_trial_system_attr",
        "get_trial",
        "get_all_trials",
        "get_n_trials",
        "get_best_trial",
        "get_trial_params",
        "get_trial_user_attrs",
        "get_trial_system_attrs",
    }
)
# Not a BaseStorage method: get_all_trials that sends only the trial ids of the finished trials the client has.
_TRIALS_EXCEPT_KNOWN = "get_all_trials_except_known"


class SchedulerStorages:
    """The scheduler extension: the real storages by name, and the one request handler that calls them."""

    def __init__(self, scheduler: Any) -> None:
        self.storages: dict[str, BaseStorage] = {}
        scheduler.handlers[_HANDLER] = self.call
        scheduler.extensions[_EXTENSION] = self

    def call(self, storage_name: str, method: str, payload: bytes) -> bytes:
        """Run ``method`` of storage ``storage_name`` with the pickled ``(args, kwargs)``; pickle the outcome.

        The outcome is ``(True, result)`` or ``(False, exception)``, so the caller re-raises the storage's own
        error (``KeyError``, ``DuplicatedStudyError``, ...) with its type.
        """
        try:
            if method not in _METHODS and method != _TRIALS_EXCEPT_KNOWN:
                raise AttributeError(f"{method!r} is not a storage method DaskStorage forwards")
            if storage_name not in self.storages:
                raise KeyError(f"no DaskStorage named {storage_name!r} is registered on this scheduler")
            args, kwargs = pickle.loads(payload)
            storage = self.storages[storage_name]
            if method == _TRIALS_EXCEPT_KNOWN:
                outcome: tuple[bool, Any] = (True, _trials_except_known(storage, *args))
            else:
                outcome = (True, getattr(storage, method)(*args, **kwargs))
        except Exception as error:  # noqa: BLE001 - every error goes back to the caller, who raises it
            outcome = (False, error)
        try:
            return pickle.dumps(outcome)
        except Exception as error:  # noqa: BLE001 - an unpicklable result or error still reaches the caller
            failure = RuntimeError(f"DaskStorage.{method} result could not be pickled: {error!r}")
            return pickle.dumps((False, failure))


def _trials_except_known(
    storage: BaseStorage, study_id: int, states: Container[TrialState] | None, known: frozenset[int]
) -> list[FrozenTrial | int]:
    # A finished trial never changes, so one the client already holds travels as its id alone.
    trials = storage.get_all_trials(study_id, deepcopy=False, states=states)
    return [t._trial_id if t._trial_id in known else t for t in trials]


def register_with_scheduler(dask_scheduler: Any, storage: str | BaseStorage | None, name: str) -> None:
    """Run on the scheduler (``client.run_on_scheduler``): install the extension and the storage ``name``."""
    extension = dask_scheduler.extensions.get(_EXTENSION)
    if extension is None:
        extension = SchedulerStorages(dask_scheduler)
    if name not in extension.storages:
        extension.storages[name] = get_storage(storage)


def _base_storage_on_scheduler(dask_scheduler: Any, name: str) -> BaseStorage:
    storage: BaseStorage = dask_scheduler.extensions[_EXTENSION].storages[name]
    if isinstance(storage, InMemoryStorage):
        return storage
    copy = InMemoryStorage()
    for study in storage.get_all_studies():
        copy_study(
            from_study_name=study.study_name,
            from_storage=storage,
            to_storage=copy,
            to_study_name=study.study_name,
        )
    return copy


@experimental_class("3.1.0")
class DaskStorage(BaseStorage):
    """A storage that lives on a Dask cluster's scheduler, so that tasks on every worker share one study.

    Create it where the client is, pass it to ``create_study(storage=...)``, and submit tasks that call
    ``pyhpo.load_study(study_name=..., storage=dask_storage).optimize(...)``: the storage pickles by name.

    Args:
        storage: What to keep on the scheduler: None for an in-memory storage, a database URL
            (``sqlite:///example.db``), or a storage object (pickled to the scheduler).
        name: The storage's name on the scheduler; a random one by default.
        client: The Dask client; by default the current one (``distributed.get_client()``).
        register: Install the storage on the scheduler (False when it is there already, as when unpickled).
    """

    def __init__(
        self,
        storage: str | BaseStorage | None = None,
        name: str | None = None,
        client: Any | None = None,
        register: bool = True,
    ) -> None:
        with requires("dask", "DaskStorage"):
            import distributed  # noqa: F401 - fails early, naming the extra, if missing
        self.name = name or f"dask-storage-{uuid.uuid4().hex}"
        self._client = client
        # Finished trials never change (the BaseStorage contract): each is kept the first time it is read.
        self._finished: dict[int, FrozenTrial] = {}
        if register:
            if self.client.asynchronous or _on_event_loop_thread():
                self._started = asyncio.ensure_future(self._register_async(storage))
            else:
                self.client.run_on_scheduler(register_with_scheduler, storage=storage, name=self.name)

    async def _register_async(self, storage: str | BaseStorage | None) -> DaskStorage:
        await self.client.run_on_scheduler(register_with_scheduler, storage=storage, name=self.name)
        return self

    @property
    def client(self) -> Any:
        """The Dask client this storage talks through (found with ``get_client()`` when not given)."""
        if self._client is None:
            from distributed import get_client

            self._client = get_client()
        return self._client

    def __await__(self) -> Generator[Any, None, DaskStorage]:
        if hasattr(self, "_started"):
            return self._started.__await__()

        async def ready() -> DaskStorage:
            return self

        return ready().__await__()

    def __reduce__(self) -> tuple[Any, ...]:
        # The storage is on the scheduler already: a copy only needs the name, and finds its client where it lands.
        return (DaskStorage, (None, self.name, None, False))

    def get_base_storage(self) -> BaseStorage:
        """The storage on the scheduler, brought here (as an in-memory copy unless it is in-memory already)."""
        return self.client.run_on_scheduler(_base_storage_on_scheduler, name=self.name)  # type: ignore[no-any-return]

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        reply = self.client.sync(
            getattr(self.client.scheduler, _HANDLER),
            storage_name=self.name,
            method=method,
            payload=pickle.dumps((args, kwargs)),
        )
        ok, value = pickle.loads(reply)
        if not ok:
            raise value
        return value

    # Studies ---------------------------------------------------------------------------------------------------

    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        return self._call("create_new_study", list(directions), study_name)  # type: ignore[no-any-return]

    def delete_study(self, study_id: int) -> None:
        self._call("delete_study", study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_user_attr", study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_system_attr", study_id, key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        return self._call("get_study_id_from_name", study_name)  # type: ignore[no-any-return]

    def get_study_name_from_id(self, study_id: int) -> str:
        return self._call("get_study_name_from_id", study_id)  # type: ignore[no-any-return]

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        return self._call("get_study_directions", study_id)  # type: ignore[no-any-return]

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._call("get_study_user_attrs", study_id)  # type: ignore[no-any-return]

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._call("get_study_system_attrs", study_id)  # type: ignore[no-any-return]

    def get_all_studies(self) -> list[FrozenStudy]:
        return self._call("get_all_studies")  # type: ignore[no-any-return]

    # Trials ----------------------------------------------------------------------------------------------------

    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        return self._call("create_new_trial", study_id, template_trial)  # type: ignore[no-any-return]

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        self._call("set_trial_param", trial_id, param_name, param_value_internal, distribution)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        return self._call("get_trial_id_from_study_id_trial_number", study_id, trial_number)  # type: ignore[no-any-return]

    def get_trial_number_from_id(self, trial_id: int) -> int:
        return self._call("get_trial_number_from_id", trial_id)  # type: ignore[no-any-return]

    def get_trial_param(self, trial_id: int, param_name: str) -> float:
        return self._call("get_trial_param", trial_id, param_name)  # type: ignore[no-any-return]

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        return self._call("set_trial_state_values", trial_id, state, None if values is None else list(values))  # type: ignore[no-any-return]

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        self._call("set_trial_intermediate_value", trial_id, step, intermediate_value)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._call("set_trial_user_attr", trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._call("set_trial_system_attr", trial_id, key, value)

    def _keep(self, trial: FrozenTrial) -> FrozenTrial:
        if trial.state.is_finished():
            return self._finished.setdefault(trial._trial_id, trial)
        return trial

    def get_trial(self, trial_id: int) -> FrozenTrial:
        cached = self._finished.get(trial_id)
        if cached is not None:
            return copy.deepcopy(cached)
        return copy.deepcopy(self._keep(self._call("get_trial", trial_id)))

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        # Finished trials this client has read come back as ids only; the rest as trials (unpickled here, so
        # the scheduler's storage need not copy them). Kept trials are copied on read.
        known = frozenset(self._finished.copy())  # copy(): atomic while other threads add trials
        reply = self._call(_TRIALS_EXCEPT_KNOWN, study_id, states, known)
        trials = [self._finished[t] if isinstance(t, int) else self._keep(t) for t in reply]
        return copy.deepcopy(trials) if deepcopy else trials

    def get_n_trials(self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None) -> int:
        return self._call("get_n_trials", study_id, state)  # type: ignore[no-any-return]

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        return copy.deepcopy(self._keep(self._call("get_best_trial", study_id)))


def _on_event_loop_thread() -> bool:
    import distributed.utils

    return bool(getattr(getattr(distributed.utils, "thread_state", None), "on_event_loop_thread", False))
