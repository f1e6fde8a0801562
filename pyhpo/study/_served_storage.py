"""An in-memory study served to worker processes over a pipe: the parent's storage stays the only copy.

``optimize(processes=True)`` on an :class:`~pyhpo.storages.InMemoryStorage` cannot hand the storage to the
workers (each process would get its own copy and the parent would see none of their trials). Instead the parent
keeps answering storage calls: a worker holds a :class:`ServedStorage`, whose every method is one request over
its pipe, and the parent's :class:`StorageServer` runs it on the real storage. The parent's ``study`` is then
current at every moment: callbacks, the progress bar and ``study.trials`` afterwards see every trial, with the
same numbers, ids, states, params, values, attributes and intermediate values the workers wrote.

Finished trials never change, so the client keeps them: ``get_all_trials`` (what a sampler reads before every
trial) sends only the trials that finished since this worker last asked, plus the unfinished ones. A worker
therefore receives each finished trial once, and a request costs what changed, not the size of the study.

Measured against the other way (a temporary journal file that every worker replays, copied back into memory
afterwards), this keeps one copy of the study, costs no disk writes, and needs no copy-back step that would
have to keep trial ids and numbers; see docs/parallel.md for the figures.
"""

from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING, Any

from pyhpo.storages import BaseStorage
from pyhpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Sequence

    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import FrozenStudy, StudyDirection

__all__ = ["SERVED_METHODS", "ServedStorage", "StorageServer"]

#: The storage methods a worker may call through the pipe (the BaseStorage contract, nothing else).
SERVED_METHODS = frozenset(
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
        "set_trial_state_values",
        "set_trial_intermediate_value",
        "set_trial_user_attr",
        "set_trial_system_attr",
        "get_trial",
        "get_n_trials",
        "get_best_trial",
    }
)


class StorageServer:
    """The parent's side: runs the calls of each worker on ``storage`` and remembers what each was sent."""

    def __init__(self, storage: BaseStorage) -> None:
        self._storage = storage
        # Per worker and study: how many leading trials (by number) it holds, all finished, and the ids of
        # the finished trials after those that it holds too. A request scans only past the leading ones.
        self._sent: dict[tuple[int, int], tuple[int, set[int]]] = {}
        # Per worker: ids of the trials it created or claimed (to fail them if it dies mid-trial).
        self._owned: dict[int, set[int]] = {}

    def call(self, worker: int, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run ``storage.<name>(*args, **kwargs)`` for ``worker``; raise what the storage raises."""
        if name == "new_trials":
            return self.new_trials(worker, *args)
        if name == "create_new_trial_and_get":
            trial_id = self.call(worker, "create_new_trial", args, kwargs)
            return trial_id, self._storage.get_trial(trial_id)
        if name == "set_trial_state_values_and_get":
            changed = self.call(worker, "set_trial_state_values", args, kwargs)
            finished = changed and TrialState(_state_arg(args, kwargs)).is_finished()
            return changed, self._storage.get_trial(args[0]) if finished else None
        if name not in SERVED_METHODS:
            raise AttributeError(f"a worker asked for storage method {name!r}, which is not served")
        result = getattr(self._storage, name)(*args, **kwargs)
        if name == "create_new_trial":
            self._owned.setdefault(worker, set()).add(result)
        elif name == "set_trial_state_values" and result and _state_arg(args, kwargs) == TrialState.RUNNING:
            self._owned.setdefault(worker, set()).add(args[0])
        return result

    def owned(self, worker: int) -> set[int]:
        """Ids of the trials ``worker`` created or claimed (finished ones included)."""
        return set(self._owned.get(worker, ()))

    def forget(self, worker: int) -> None:
        """Drop what was kept for a worker that has ended."""
        for key in [k for k in self._sent if k[0] == worker]:
            del self._sent[key]
        self._owned.pop(worker, None)

    def prepare_trial(
        self, worker: int, study_id: int
    ) -> tuple[tuple[list[FrozenTrial], list[FrozenTrial]], tuple[int, FrozenTrial] | None]:
        """What a worker's next ``ask`` needs, sent with the go-ahead: the study's news and, when no trial is
        WAITING (the worker would create one), a new RUNNING trial created for it now."""
        news = self.new_trials(worker, study_id)
        if any(t.state == TrialState.WAITING for t in news[1]):
            return news, None
        return news, self.call(worker, "create_new_trial_and_get", (study_id, None), {})

    def new_trials(self, worker: int, study_id: int) -> tuple[list[FrozenTrial], list[FrozenTrial]]:
        """The finished trials of a study that ``worker`` has not been sent yet, and the unfinished ones."""
        leading, sent = self._sent.get((worker, study_id), (0, set()))
        fresh: list[FrozenTrial] = []
        unfinished: list[FrozenTrial] = []
        trials = self._storage.get_all_trials(study_id, deepcopy=False)
        for trial in trials[leading:]:
            if not trial.state.is_finished():
                unfinished.append(trial)
            elif trial._trial_id not in sent:
                fresh.append(trial)
                sent.add(trial._trial_id)
        while leading < len(trials) and trials[leading]._trial_id in sent:
            sent.discard(trials[leading]._trial_id)
            leading += 1
        self._sent[(worker, study_id)] = (leading, sent)
        return fresh, unfinished


def _state_arg(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return args[1] if len(args) > 1 else kwargs.get("state")


class ServedStorage(BaseStorage):
    """A worker's view of the parent's storage: each call is one request over the worker's pipe.

    ``request`` sends ``(method name, args, kwargs)`` to the parent and returns the result (or raises the
    storage's exception). Thread-safe as long as ``request`` is (the worker's channel holds a lock per round
    trip). Not picklable: it is bound to one pipe.
    """

    def __init__(self, request: Callable[[str, tuple[Any, ...], dict[str, Any]], Any]) -> None:
        self._request = request
        self._finished: dict[int, dict[int, FrozenTrial]] = {}  # study id -> trial id -> finished trial
        self._finished_by_id: dict[int, FrozenTrial] = {}
        # A trial this worker just created, as the parent stored it, for the get_trial that ask() does next
        # (a RUNNING trial changes only through its owner, so it stays true until this worker writes to it).
        self._created: dict[int, FrozenTrial] = {}
        # What the parent sent with its "go" for the next trial: the answer to the next get_all_trials, and
        # the trial it created for the next create_new_trial without a template.
        self._prefetched: dict[int, tuple[list[FrozenTrial], list[FrozenTrial]]] = {}
        self._reserved: dict[int, tuple[int, FrozenTrial]] = {}
        self._lock = threading.Lock()

    def __reduce__(self) -> Any:
        raise TypeError("a ServedStorage is bound to one worker's pipe and cannot be pickled")

    def prefetched(
        self,
        study_id: int,
        answer: tuple[list[FrozenTrial], list[FrozenTrial]],
        reserved: tuple[int, FrozenTrial] | None,
    ) -> None:
        """Keep what :meth:`StorageServer.prepare_trial` sent for the next ``ask`` on the study.

        ``answer`` is the next :meth:`get_all_trials` (ask's look for a WAITING trial), no staler than a read
        made a moment earlier; ``reserved`` is the trial the next :meth:`create_new_trial` without a template
        returns, created in the same instant (the parent reserves one only when ``answer`` holds no WAITING
        trial, so ask creates one). Two round trips less per trial.
        """
        with self._lock:
            self._prefetched[study_id] = answer
            if reserved is not None:
                self._reserved[study_id] = reserved

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._request(name, args, kwargs)

    def _write(self, name: str, trial_id: int, *args: Any) -> Any:
        with self._lock:
            self._created.pop(trial_id, None)
        return self._request(name, (trial_id, *args), {})

    # Studies ---------------------------------------------------------------------------------------------------

    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        return int(self._call("create_new_study", list(directions), study_name))

    def delete_study(self, study_id: int) -> None:
        self._call("delete_study", study_id)
        with self._lock:
            for trial_id in self._finished.pop(study_id, {}):
                self._finished_by_id.pop(trial_id, None)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_user_attr", study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_system_attr", study_id, key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        return int(self._call("get_study_id_from_name", study_name))

    def get_study_name_from_id(self, study_id: int) -> str:
        return str(self._call("get_study_name_from_id", study_id))

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        return list(self._call("get_study_directions", study_id))

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return dict(self._call("get_study_user_attrs", study_id))

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return dict(self._call("get_study_system_attrs", study_id))

    def get_all_studies(self) -> list[FrozenStudy]:
        return list(self._call("get_all_studies"))

    # Trials ----------------------------------------------------------------------------------------------------

    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        with self._lock:
            reserved = self._reserved.pop(study_id, None) if template_trial is None else None
        if reserved is None:
            reserved = self._call("create_new_trial_and_get", study_id, template_trial)
        trial_id, trial = reserved
        with self._lock:
            self._created[trial_id] = trial
        return int(trial_id)

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        self._write("set_trial_param", trial_id, param_name, param_value_internal, distribution)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        return int(self._call("get_trial_id_from_study_id_trial_number", study_id, trial_number))

    def get_trial_number_from_id(self, trial_id: int) -> int:
        return int(self._call("get_trial_number_from_id", trial_id))

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        # A finished trial comes back with the answer (tell reads it next) and is kept: it never changes.
        changed, finished = self._write(
            "set_trial_state_values_and_get", trial_id, state, None if values is None else list(values)
        )
        if finished is not None:
            with self._lock:
                self._finished_by_id[trial_id] = finished
        return bool(changed)

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        self._write("set_trial_intermediate_value", trial_id, step, intermediate_value)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._write("set_trial_user_attr", trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._write("set_trial_system_attr", trial_id, key, value)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            created = self._created.pop(trial_id, None)
            if created is not None:
                return created  # handed out once: the caller owns it
            kept = self._finished_by_id.get(trial_id)
            if kept is not None:
                return copy.deepcopy(kept)
        trial = self._call("get_trial", trial_id)
        assert isinstance(trial, FrozenTrial)
        return trial

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        with self._lock:
            answer = self._prefetched.pop(study_id, None)
        fresh, unfinished = self._call("new_trials", study_id) if answer is None else answer
        with self._lock:
            kept = self._finished.setdefault(study_id, {})
            for trial in fresh:
                kept[trial._trial_id] = trial
                self._finished_by_id[trial._trial_id] = trial
            trials = sorted([*kept.values(), *unfinished], key=lambda t: t.number)
        if states is not None:
            trials = [t for t in trials if t.state in states]
        # The unfinished trials are this call's own copies; the finished ones are shared with later calls.
        return copy.deepcopy(trials) if deepcopy else trials

    def get_n_trials(self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None) -> int:
        return int(self._call("get_n_trials", study_id, state))

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        trial = self._call("get_best_trial", study_id)
        assert isinstance(trial, FrozenTrial)
        return trial
