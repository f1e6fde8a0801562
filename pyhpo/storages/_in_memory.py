"""The default storage: everything in this process's memory, guarded by one lock."""

from __future__ import annotations

import datetime
import threading
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from pyhpo._runtime import LockFreePickle
from pyhpo._values import FrozenStudy, FrozenTrial, StudyDirection, TrialState
from pyhpo.distributions import BaseDistribution, FloatDistribution, check_distribution_compatibility
from pyhpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from pyhpo.logging import get_logger
from pyhpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from pyhpo.storages._validation import check_param, check_state, check_template, check_values

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Sequence

__all__ = ["InMemoryStorage"]

_logger = get_logger(__name__)

_RUNNING = TrialState.RUNNING
_WAITING = TrialState.WAITING
_COMPLETE = TrialState.COMPLETE
_MAXIMIZE = StudyDirection.MAXIMIZE
# A tuple: iterating over it costs a fraction of iterating over the enum class.
_ALL_STATES = tuple(TrialState)
_FINISHED = frozenset(s for s in TrialState if s.is_finished())


class _Study:
    __slots__ = (
        "best_trial_id",
        "best_value",
        "by_state",
        "directions",
        "maximize",
        "name",
        "owned",
        "param_distribution",
        "system_attrs",
        "trials",
        "user_attrs",
    )

    def __init__(self, name: str, directions: list[StudyDirection]) -> None:
        self.name = name
        self.directions = directions
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.trials: list[FrozenTrial] = []
        self.param_distribution: dict[str, BaseDistribution] = {}
        self.best_trial_id: int | None = None
        # The best trial's value and the sense of the comparison, so that finishing a trial compares two floats.
        self.best_value = 0.0
        self.maximize = len(directions) == 1 and directions[0] == _MAXIMIZE
        # Trial ids per state, so "the WAITING trials" costs what there is, not the whole study.
        self.by_state: dict[TrialState, dict[int, FrozenTrial]] = {s: {} for s in TrialState}
        # RUNNING trials whose stored object is their owner's view (see _create_running_trial), by id.
        self.owned: dict[int, FrozenTrial] = {}


class InMemoryStorage(LockFreePickle, BaseStorage):
    """Keeps studies in memory: the fastest backend, for one process (threads included).

    Trials are gone when the process ends; use a journal file or a database to keep them or to share them
    between processes. Thread-safe: every method holds one lock for the few microseconds it needs.

    ``get_all_trials(deepcopy=False)`` hands out the stored objects themselves, without copying. Finished trials
    never change, so sharing them is safe. An unfinished trial handed out that way is never changed in place
    afterwards: its next update replaces the stored object with a fresh one (copy on write), so what a caller
    read stays what it read, as with every other backend, and a trial that nobody read costs no copy.

    A trial started by :meth:`pyhpo.study.Study.ask` is *owned*: the stored object is the view its
    :class:`~pyhpo.trial.Trial` reads, so that its writes land once and are seen at once, without a copy. Such
    a trial is changed in place until it finishes, so readers get a snapshot of it instead (still a copy only
    of what is unfinished).
    """

    _transient_: ClassVar[dict[str, Callable[[], Any]]] = {"_lock": threading.RLock}

    def __init__(self) -> None:
        self._studies: dict[int, _Study] = {}
        self._name_to_id: dict[str, int] = {}
        # The study of each trial (the object: a write looks it up once, not through its id).
        self._trial_study: dict[int, _Study] = {}
        self._trials: dict[int, FrozenTrial] = {}
        self._max_study_id = -1
        self._max_trial_id = -1
        # Ids of unfinished trials whose stored object was handed out by reference: copied before next update.
        self._lent: set[int] = set()
        self._lock = threading.RLock()

    # Studies ---------------------------------------------------------------------------------------------------

    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        with self._lock:
            if study_name is None:
                study_name = DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
            if study_name in self._name_to_id:
                raise DuplicatedStudyError(f"Another study with name '{study_name}' already exists.")
            self._max_study_id += 1
            study_id = self._max_study_id
            self._studies[study_id] = _Study(study_name, list(directions))
            self._name_to_id[study_name] = study_id
        _logger.info(f"A new study created in memory with name: {study_name}")
        return study_id

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            study = self._study(study_id)
            for trial in study.trials:
                del self._trials[trial._trial_id]
                del self._trial_study[trial._trial_id]
            del self._name_to_id[study.name]
            del self._studies[study_id]

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._study(study_id).user_attrs[key] = value

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._study(study_id).system_attrs[key] = value

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            if study_name not in self._name_to_id:
                raise KeyError(f"No such study {study_name}.")
            return self._name_to_id[study_name]

    def get_study_name_from_id(self, study_id: int) -> str:
        with self._lock:
            return self._study(study_id).name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:
            return list(self._study(study_id).directions)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return dict(self._study(study_id).user_attrs)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return dict(self._study(study_id).system_attrs)

    def get_all_studies(self) -> list[FrozenStudy]:
        with self._lock:
            return [
                FrozenStudy(
                    study_name=s.name,
                    direction=None,
                    directions=list(s.directions),
                    user_attrs=dict(s.user_attrs),
                    system_attrs=dict(s.system_attrs),
                    study_id=study_id,
                )
                for study_id, s in self._studies.items()
            ]

    # Trials ----------------------------------------------------------------------------------------------------

    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        with self._lock:
            study = self._study(study_id)
            if template_trial is not None:
                check_template(template_trial, len(study.directions))
                # Check every distribution before changing anything, so a refused template leaves no trace.
                for name, dist in template_trial.distributions.items():
                    known = study.param_distribution.get(name)
                    if known is not None:
                        check_distribution_compatibility(known, dist)
            self._max_trial_id += 1
            trial_id = self._max_trial_id
            number = len(study.trials)
            if template_trial is None:
                trial = FrozenTrial(
                    number, _RUNNING, None, datetime.datetime.now(), None, {}, {}, {}, {}, {}, trial_id
                )
            else:
                trial = template_trial._copy()
                trial.number = number
                trial._trial_id = trial_id
                for name, dist in trial.distributions.items():
                    study.param_distribution.setdefault(name, dist)
            study.trials.append(trial)
            study.by_state[trial.state][trial_id] = trial
            self._trials[trial_id] = trial
            self._trial_study[trial_id] = study
            if trial.state == _COMPLETE:
                self._update_best(study, trial)
            return trial_id

    def _create_running_trial(self, study_id: int) -> FrozenTrial | None:
        """``create_new_trial`` and ``get_trial`` in one lock: a new RUNNING trial, whose stored object is
        returned to its owner as its view (see the class docstring).

        For :meth:`pyhpo.study.Study.ask`. The owner reads the object and never writes to it: every change goes
        through the storage's methods, which make it in place until the trial finishes. None, with nothing
        created, while the study has WAITING trials: ``ask`` claims those first.
        """
        with self._lock:
            study = self._studies.get(study_id) or self._study(study_id)  # (the latter raises KeyError)
            if study.by_state[_WAITING]:
                return None
            self._max_trial_id += 1
            trial_id = self._max_trial_id
            number = len(study.trials)
            trial = FrozenTrial(
                number, _RUNNING, None, datetime.datetime.now(), None, {}, {}, {}, {}, {}, trial_id
            )
            study.trials.append(trial)
            study.by_state[_RUNNING][trial_id] = trial
            study.owned[trial_id] = trial
            self._trials[trial_id] = trial
            self._trial_study[trial_id] = study
        return trial

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        # Every float fits a FloatDistribution, and is its own external form: the usual case needs no check.
        plain = type(param_value_internal) is float and type(distribution) is FloatDistribution
        if not plain:
            check_param(param_name, param_value_internal, distribution)
        with self._lock:
            trial = self._trials.get(trial_id)
            if trial is None or trial.state is not _RUNNING or trial_id in self._lent:
                trial = self._updatable_trial(trial_id)
            study = self._trial_study[trial_id]
            if study.param_distribution.get(param_name) is not distribution:
                self._check_and_register_distribution(study, param_name, distribution)
            # The fields themselves, not the properties: the storage's own objects, on the hot path.
            trial._params[param_name] = (
                param_value_internal if plain else distribution.to_external_repr(param_value_internal)
            )
            trial._distributions[param_name] = distribution

    @staticmethod
    def _check_and_register_distribution(study: _Study, name: str, distribution: BaseDistribution) -> None:
        known = study.param_distribution.get(name)
        if known is None:
            study.param_distribution[name] = distribution
        elif known is not distribution:
            try:
                check_distribution_compatibility(known, distribution)
            except ValueError as e:
                raise ValueError(f"Parameter {name!r}: {e}") from None

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._lock:
            trials = self._study(study_id).trials
            if not 0 <= trial_number < len(trials):
                raise KeyError(
                    f"No trial with trial number {trial_number} exists in study with study_id {study_id}."
                )
            return trials[trial_number]._trial_id

    def get_trial_number_from_id(self, trial_id: int) -> int:
        with self._lock:
            return self._trial(trial_id).number

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        check_state(state)
        with self._lock:
            return self._set_state_values(trial_id, state, values) is not None

    def _finish_trial(self, trial_id: int, state: TrialState, values: Sequence[float] | None) -> FrozenTrial:
        """``set_trial_state_values`` to a finished ``state``, returning the stored trial itself.

        For ``tell`` in :mod:`pyhpo.study`, the owner of the trial: one lock instead of a write and a read, and
        no copy, since a finished trial never changes again. ``tell`` has checked what the contract's method
        would: ``state`` is COMPLETE, PRUNED or FAIL, and ``values`` holds one float per objective, none NaN.
        Raises as ``set_trial_state_values`` for an unknown or finished trial.
        """
        assert state in _FINISHED
        with self._lock:
            trial = self._trials.get(trial_id)
            if trial is None or trial.state is not _RUNNING or trial_id in self._lent:
                trial = self._updatable_trial(trial_id)
            study = self._trial_study[trial_id]
            del study.by_state[trial.state][trial_id]
            trial.state = state
            study.by_state[state][trial_id] = trial
            study.owned.pop(trial_id, None)
            if values is not None:
                trial._values = list(values)  # (the values setter's copy, without the property call)
            trial.datetime_complete = datetime.datetime.now()
            if state is _COMPLETE:
                self._update_best(study, trial)
        return trial

    def _set_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None
    ) -> FrozenTrial | None:
        """The body of ``set_trial_state_values`` (lock held): the updated trial, or None if nothing changed."""
        trial = self._updatable_trial(trial_id)
        study = self._trial_study[trial_id]
        check_values(values, len(study.directions))
        old = trial.state
        if state is _RUNNING and old is not _WAITING:
            return None
        del study.by_state[old][trial_id]
        trial.state = state
        study.by_state[state][trial_id] = trial
        if values is not None:
            trial.values = values
        if state is _RUNNING:
            trial.datetime_start = datetime.datetime.now()
        elif state in _FINISHED:
            study.owned.pop(trial_id, None)
            trial.datetime_complete = datetime.datetime.now()
            if state is _COMPLETE:
                self._update_best(study, trial)
        return trial

    @staticmethod
    def _update_best(study: _Study, trial: FrozenTrial) -> None:
        values = trial._values
        if values is None or len(study.directions) != 1:
            return
        value = values[0]
        if study.best_trial_id is None or (
            value > study.best_value if study.maximize else value < study.best_value
        ):
            study.best_trial_id = trial._trial_id
            study.best_value = value

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        with self._lock:
            self._updatable_trial(trial_id).intermediate_values[step] = intermediate_value

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._updatable_trial(trial_id).user_attrs[key] = value

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._updatable_trial(trial_id).system_attrs[key] = value

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            return self._trial(trial_id)._copy()

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        with self._lock:
            study = self._study(study_id)
            if states is None:
                trials = list(study.trials)
                lends = True
            elif type(states) is tuple and len(states) == 1 and not study.by_state.get(states[0]):
                return []  # the usual answer to "any WAITING trials?", asked at every ask()
            else:
                wanted = [s for s in _ALL_STATES if s in states]
                n = sum(len(study.by_state[s]) for s in wanted)
                if n == 0:
                    return []
                if n * 4 < len(study.trials):
                    trials = sorted((t for s in wanted for t in study.by_state[s].values()), key=_number)
                else:
                    trials = [t for t in study.trials if t.state in wanted]
                lends = _RUNNING in wanted or _WAITING in wanted
            if deepcopy:
                return [t._copy() for t in trials]
            if lends:
                # Over-marking costs at most one spare copy; the unfinished trials are few next to the rest.
                owned = study.owned
                self._lent.update(
                    study.by_state[_RUNNING] if not owned else study.by_state[_RUNNING].keys() - owned
                )
                self._lent.update(study.by_state[_WAITING])
                if owned:
                    # An owned trial changes in place: a snapshot of it, never the object.
                    if states is None:  # (then a trial's index is its number)
                        for trial in owned.values():
                            trials[trial.number] = trial._copy()
                    else:
                        trials = [t._copy() if t._trial_id in owned else t for t in trials]
            return trials

    def get_n_trials(self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None) -> int:
        with self._lock:
            study = self._study(study_id)
            if state is None:
                return len(study.trials)
            if isinstance(state, TrialState):
                state = (state,)
            return sum(len(study.by_state[s]) for s in state)

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        with self._lock:
            study = self._study(study_id)
            if len(study.directions) > 1:
                raise RuntimeError("Best trial can be obtained only for single-objective optimization.")
            if study.best_trial_id is None:
                raise ValueError("No trials are completed yet.")
            return self._trials[study.best_trial_id]._copy()

    # Lookups ---------------------------------------------------------------------------------------------------

    def _study(self, study_id: int) -> _Study:
        try:
            return self._studies[study_id]
        except KeyError:
            raise KeyError(f"No study with study_id {study_id} exists.") from None

    def _trial(self, trial_id: int) -> FrozenTrial:
        try:
            return self._trials[trial_id]
        except KeyError:
            raise KeyError(f"No trial with trial_id {trial_id} exists.") from None

    def _updatable_trial(self, trial_id: int) -> FrozenTrial:
        """The stored trial, ready to be changed in place: a private copy if it was handed out by reference."""
        trial = self._trial(trial_id)
        if trial.state in _FINISHED:
            raise UpdateFinishedTrialError(
                f"Trial#{trial.number} has already finished and can not be updated."
            )
        if trial_id in self._lent:
            self._lent.discard(trial_id)
            trial = _detached(trial)
            study = self._trial_study[trial_id]
            study.trials[trial.number] = trial
            study.by_state[trial.state][trial_id] = trial
            self._trials[trial_id] = trial
        return trial


def _detached(t: FrozenTrial) -> FrozenTrial:
    """A copy with its own containers; the values in them are shared (updates replace values, never mutate)."""
    return FrozenTrial(
        t.number,
        t.state,
        None,
        t.datetime_start,
        t.datetime_complete,
        dict(t.params),
        dict(t.distributions),
        dict(t.user_attrs),
        dict(t.system_attrs),
        dict(t.intermediate_values),
        t._trial_id,
        values=t.values,
    )


def _number(t: FrozenTrial) -> int:
    return t.number
