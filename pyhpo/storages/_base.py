"""The storage contract: every backend stores the same operations and answers the same questions.

This is the one page a backend author reads. The study and trial layers talk only to these methods, so a sampler
never knows where trials live.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

from pyhpo._values import FrozenStudy, FrozenTrial, StudyDirection, TrialState
from pyhpo.exceptions import UpdateFinishedTrialError

if TYPE_CHECKING:
    from collections.abc import Container, Sequence

    from pyhpo.distributions import BaseDistribution

__all__ = ["DEFAULT_STUDY_NAME_PREFIX", "BaseStorage"]

DEFAULT_STUDY_NAME_PREFIX = "no-name-"


class BaseStorage(abc.ABC):
    """Where studies and trials live; same method names and signatures as Optuna's ``BaseStorage``.

    Thread safety: every method may be called from several threads at once; a backend guards its own state.
    Several processes (and, for server backends, several machines) may share one storage: what one writes, the
    others see on their next read.

    Ownership of running trials: a RUNNING trial belongs to the worker that created it (or popped it from
    WAITING). Only its owner changes it. Once a trial is finished (COMPLETE, PRUNED, FAIL) it never changes
    again: every setter raises :class:`~pyhpo.exceptions.UpdateFinishedTrialError` for it, so caches may keep
    finished trials forever.

    Copy on read: what a getter returns is the caller's to change; changing it never changes the storage.
    ``get_all_trials(deepcopy=False)`` relaxes this for speed: the caller promises not to change what it gets.

    Trial numbers are unique and dense within a study (0, 1, 2, ... in creation order) under any concurrency.

    IDs: study and trial ids are ints unique within the storage; trial ids are never reused.

    Errors: an unknown study or trial id raises KeyError; a duplicate study name raises
    :class:`~pyhpo.exceptions.DuplicatedStudyError`; a distribution that contradicts an earlier one of the same
    parameter name raises ValueError.
    """

    # Studies ---------------------------------------------------------------------------------------------------

    @abc.abstractmethod
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        """Create a study and return its id.

        Args:
            directions: One direction per objective.
            study_name: A unique name; None makes one (``no-name-<uuid>``).

        Raises:
            DuplicatedStudyError: A study with ``study_name`` exists.
        """

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Delete a study and all its trials. Raises KeyError for an unknown id."""

    @abc.abstractmethod
    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable user attribute of a study. Raises KeyError for an unknown id."""

    @abc.abstractmethod
    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable system attribute of a study. Raises KeyError for an unknown id."""

    @abc.abstractmethod
    def get_study_id_from_name(self, study_name: str) -> int:
        """Return the id of the study named ``study_name``. Raises KeyError if there is none."""

    @abc.abstractmethod
    def get_study_name_from_id(self, study_id: int) -> str:
        """Return the name of a study. Raises KeyError for an unknown id."""

    @abc.abstractmethod
    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        """Return the directions of a study's objectives. Raises KeyError for an unknown id."""

    @abc.abstractmethod
    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        """Return a copy of a study's user attributes. Raises KeyError for an unknown id."""

    @abc.abstractmethod
    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        """Return a copy of a study's system attributes. Raises KeyError for an unknown id."""

    @abc.abstractmethod
    def get_all_studies(self) -> list[FrozenStudy]:
        """Return every study of the storage."""

    # Trials ----------------------------------------------------------------------------------------------------

    @abc.abstractmethod
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        """Create a trial in a study and return its id.

        Without a template the trial is RUNNING, started now, with nothing else set. With one, the new trial
        copies the template's state, values, times, params, attributes and intermediate values (its number and
        id are the storage's), written as one operation.

        Raises:
            KeyError: Unknown study id.
        """

    @abc.abstractmethod
    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        """Set a parameter of a trial, in its internal representation.

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
            ValueError: ``distribution`` is incompatible with the one this parameter name already has in the
                study.
        """

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        """Return the id of trial ``trial_number`` of a study. Raises KeyError if there is none."""
        for trial in self.get_all_trials(study_id, deepcopy=False):
            if trial.number == trial_number:
                return trial._trial_id
        raise KeyError(f"No trial with trial number {trial_number} exists in study with study_id {study_id}.")

    def get_trial_number_from_id(self, trial_id: int) -> int:
        """Return the number of a trial. Raises KeyError for an unknown id."""
        return self.get_trial(trial_id).number

    def get_trial_param(self, trial_id: int, param_name: str) -> float:
        """Return one parameter of a trial in its internal representation. Raises KeyError if absent."""
        trial = self.get_trial(trial_id)
        return trial.distributions[param_name].to_internal_repr(trial.params[param_name])

    @abc.abstractmethod
    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        """Change a trial's state, and its values when it completes.

        Setting RUNNING claims a WAITING trial: it returns False, changing nothing, when the trial is no longer
        WAITING (another worker claimed it first), so exactly one worker runs each enqueued trial. Every other
        change returns True. Setting RUNNING records the start time; setting a finished state records the
        completion time.

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
        """

    @abc.abstractmethod
    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        """Record the value reported at ``step`` (replacing an earlier one at that step).

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
        """

    @abc.abstractmethod
    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable user attribute of a trial.

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
        """

    @abc.abstractmethod
    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable system attribute of a trial.

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
        """

    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial:
        """Return a copy of a trial. Raises KeyError for an unknown id."""

    @abc.abstractmethod
    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Return the trials of a study ordered by number, optionally only those in ``states``.

        Args:
            study_id: The study.
            deepcopy: False lets the storage return objects it keeps; the caller must not change them.
            states: Keep only trials in these states; None keeps all.

        Raises:
            KeyError: Unknown study id.
        """

    # Derived helpers: a backend may override them with something faster -----------------------------------

    def get_n_trials(self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None) -> int:
        """Count the trials of a study, optionally only those in ``state``."""
        if isinstance(state, TrialState):
            state = (state,)
        return len(self.get_all_trials(study_id, deepcopy=False, states=state))

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        """Return the best COMPLETE trial of a single-objective study (the lowest number among ties).

        Raises:
            ValueError: No trial is complete yet.
            RuntimeError: The study has several objectives (use the Pareto front instead).
        """
        directions = self.get_study_directions(study_id)
        if len(directions) > 1:
            raise RuntimeError("Best trial can be obtained only for single-objective optimization.")
        trials = self.get_all_trials(study_id, deepcopy=False, states=(TrialState.COMPLETE,))
        if not trials:
            raise ValueError("No trials are completed yet.")
        maximize = directions[0] == StudyDirection.MAXIMIZE
        best = trials[0]
        for t in trials[1:]:
            assert t.value is not None and best.value is not None
            if (t.value > best.value) if maximize else (t.value < best.value):
                best = t
        return best._copy()

    def get_trial_params(self, trial_id: int) -> dict[str, Any]:
        """Return a trial's parameters in their external representation."""
        return self.get_trial(trial_id).params

    def get_trial_user_attrs(self, trial_id: int) -> dict[str, Any]:
        """Return a trial's user attributes."""
        return self.get_trial(trial_id).user_attrs

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        """Return a trial's system attributes."""
        return self.get_trial(trial_id).system_attrs

    def remove_session(self) -> None:
        """Release per-thread resources (database sessions); a no-op where there are none."""

    def check_trial_is_updatable(self, trial_id: int, trial_state: TrialState) -> None:
        """Raise UpdateFinishedTrialError when ``trial_state`` is finished."""
        if trial_state.is_finished():
            trial = self.get_trial(trial_id)
            raise UpdateFinishedTrialError(
                f"Trial#{trial.number} has already finished and can not be updated."
            )
