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

    Thread safety: every method may be called from several threads of a process at once (``n_jobs``), and a
    backend guards its own state; a caller needs no lock of its own. Several processes (and, for database and
    server backends, several machines) may share one storage: what one writes, the others see on their next
    read. A storage object passed to another process is pickled; the copy opens its own connections, files and
    locks, and a forked child drops the parent's (``pyhpo._runtime.after_fork``).

    Ownership of running trials: a RUNNING trial belongs to the worker that created it (or claimed it from
    WAITING with ``set_trial_state_values(..., RUNNING)``). Only its owner writes to it, so a backend may answer
    the owner's reads of it from what the owner wrote, without a round trip. Another worker only reads it, or
    fails it when its heartbeat went stale. Once a trial is finished (COMPLETE, PRUNED, FAIL) it never changes
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

        Returns:
            The new study's id.

        Raises:
            DuplicatedStudyError: A study with ``study_name`` exists.
        """

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Delete a study, its attributes and all its trials.

        Args:
            study_id: The study.

        Raises:
            KeyError: No study has ``study_id``.
        """

    @abc.abstractmethod
    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set (or replace) a user attribute of a study.

        Args:
            study_id: The study.
            key: The attribute's name.
            value: Any JSON-serialisable value.

        Raises:
            KeyError: No study has ``study_id``.
        """

    @abc.abstractmethod
    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set (or replace) a system attribute of a study (pyhpo's own bookkeeping, not the user's).

        Args:
            study_id: The study.
            key: The attribute's name.
            value: Any JSON-serialisable value.

        Raises:
            KeyError: No study has ``study_id``.
        """

    @abc.abstractmethod
    def get_study_id_from_name(self, study_name: str) -> int:
        """Look a study up by name.

        Args:
            study_name: The study's name.

        Returns:
            The study's id.

        Raises:
            KeyError: No study is named ``study_name``.
        """

    @abc.abstractmethod
    def get_study_name_from_id(self, study_id: int) -> str:
        """Look a study's name up by id.

        Args:
            study_id: The study.

        Returns:
            The study's name.

        Raises:
            KeyError: No study has ``study_id``.
        """

    @abc.abstractmethod
    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        """Read the directions of a study's objectives.

        Args:
            study_id: The study.

        Returns:
            One direction per objective, in objective order.

        Raises:
            KeyError: No study has ``study_id``.
        """

    @abc.abstractmethod
    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        """Read a study's user attributes.

        Args:
            study_id: The study.

        Returns:
            A new dictionary of attribute name to value; changing it does not change the study.

        Raises:
            KeyError: No study has ``study_id``.
        """

    @abc.abstractmethod
    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        """Read a study's system attributes.

        Args:
            study_id: The study.

        Returns:
            A new dictionary of attribute name to value; changing it does not change the study.

        Raises:
            KeyError: No study has ``study_id``.
        """

    @abc.abstractmethod
    def get_all_studies(self) -> list[FrozenStudy]:
        """Read a summary of every study of the storage.

        Returns:
            One :class:`~pyhpo.study.FrozenStudy` per study (name, id, directions, attributes), in id order.
            Never raises for an empty storage: the list is empty.
        """

    # Trials ----------------------------------------------------------------------------------------------------

    @abc.abstractmethod
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        """Create a trial in a study and return its id.

        Without a template the trial is RUNNING, started now, with nothing else set. With one, the new trial
        copies the template's state, values, times, params, attributes and intermediate values (its number and
        id are the storage's), written as one operation.

        Args:
            study_id: The study.
            template_trial: A trial to copy, or None.

        Returns:
            The new trial's id.

        Raises:
            KeyError: Unknown study id.
        """

    @abc.abstractmethod
    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        """Set a parameter of a trial, in its internal representation.

        Args:
            trial_id: The trial.
            param_name: The parameter's name.
            param_value_internal: The value in the internal representation of ``distribution``.
            distribution: The distribution the value was drawn from.

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
            ValueError: ``distribution`` is incompatible with the one this parameter name already has in the
                study.
        """

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        """Look a trial's id up by its number within a study.

        Args:
            study_id: The study.
            trial_number: The trial's number (0 for the study's first trial).

        Returns:
            The trial's id.

        Raises:
            KeyError: The study has no trial with that number (or there is no such study).
        """
        for trial in self.get_all_trials(study_id, deepcopy=False):
            if trial.number == trial_number:
                return trial._trial_id
        raise KeyError(f"No trial with trial number {trial_number} exists in study with study_id {study_id}.")

    def get_trial_number_from_id(self, trial_id: int) -> int:
        """Look a trial's number up by its id.

        Args:
            trial_id: The trial.

        Returns:
            The trial's number within its study.

        Raises:
            KeyError: No trial has ``trial_id``.
        """
        return self.get_trial(trial_id).number

    def get_trial_param(self, trial_id: int, param_name: str) -> float:
        """Read one parameter of a trial.

        Args:
            trial_id: The trial.
            param_name: The parameter's name.

        Returns:
            The value in its internal representation (a float; a categorical choice's index).

        Raises:
            KeyError: No trial has ``trial_id``, or the trial has no parameter ``param_name``.
        """
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

        Args:
            trial_id: The trial.
            state: The new state.
            values: The objective values (one per objective) when completing; None otherwise.

        Returns:
            Whether the trial changed (False only when claiming a trial that is no longer WAITING).

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
        """

    @abc.abstractmethod
    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        """Record the value reported at ``step`` (replacing an earlier one at that step).

        Args:
            trial_id: The trial.
            step: The step.
            intermediate_value: The value; NaN and infinities are kept as they are.

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
        """

    @abc.abstractmethod
    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set (or replace) a user attribute of a trial.

        Args:
            trial_id: The trial.
            key: The attribute's name.
            value: Any JSON-serialisable value.

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
        """

    @abc.abstractmethod
    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set (or replace) a system attribute of a trial.

        Args:
            trial_id: The trial.
            key: The attribute's name.
            value: Any JSON-serialisable value.

        Raises:
            KeyError: Unknown trial id.
            UpdateFinishedTrialError: The trial is finished.
        """

    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial:
        """Read a trial.

        Args:
            trial_id: The trial.

        Returns:
            A :class:`~pyhpo.trial.FrozenTrial` that is the caller's to change.

        Raises:
            KeyError: No trial has ``trial_id``.
        """

    @abc.abstractmethod
    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Return the trials of a study ordered by number, optionally only those in ``states``.

        Args:
            study_id: The study.
            deepcopy: False lets the storage return objects it keeps; the caller must not change them.
            states: Keep only trials in these states; None keeps all.

        Returns:
            The trials, each the caller's to change unless ``deepcopy`` is False.

        Raises:
            KeyError: Unknown study id.
        """

    # Derived helpers: a backend may override them with something faster -----------------------------------

    def get_n_trials(self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None) -> int:
        """Count the trials of a study.

        Args:
            study_id: The study.
            state: Count only trials in this state (or in one of these states); None counts all.

        Returns:
            The number of matching trials.

        Raises:
            KeyError: No study has ``study_id``.
        """
        if isinstance(state, TrialState):
            state = (state,)
        return len(self.get_all_trials(study_id, deepcopy=False, states=state))

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        """Return the best COMPLETE trial of a single-objective study (the lowest number among ties).

        Args:
            study_id: The study.

        Returns:
            A copy of the best trial.

        Raises:
            KeyError: No study has ``study_id``.
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
        """Read a trial's parameters.

        Args:
            trial_id: The trial.

        Returns:
            Parameter name to value, in the external representation (what ``suggest_*`` returned).

        Raises:
            KeyError: No trial has ``trial_id``.
        """
        return self.get_trial(trial_id).params

    def get_trial_user_attrs(self, trial_id: int) -> dict[str, Any]:
        """Read a trial's user attributes.

        Args:
            trial_id: The trial.

        Returns:
            Attribute name to value.

        Raises:
            KeyError: No trial has ``trial_id``.
        """
        return self.get_trial(trial_id).user_attrs

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        """Read a trial's system attributes.

        Args:
            trial_id: The trial.

        Returns:
            Attribute name to value.

        Raises:
            KeyError: No trial has ``trial_id``.
        """
        return self.get_trial(trial_id).system_attrs

    def remove_session(self) -> None:
        """Release what the calling thread holds of the storage (a database session); a no-op where nothing is
        held. Never raises; the storage stays usable."""

    def check_trial_is_updatable(self, trial_id: int, trial_state: TrialState) -> None:
        """Refuse a change to a finished trial, before it is attempted.

        Args:
            trial_id: The trial, named in the error.
            trial_state: The state the caller knows the trial to be in.

        Raises:
            UpdateFinishedTrialError: ``trial_state`` is finished (COMPLETE, PRUNED or FAIL).
            KeyError: ``trial_state`` is finished and no trial has ``trial_id``.
        """
        if trial_state.is_finished():
            trial = self.get_trial(trial_id)
            raise UpdateFinishedTrialError(
                f"Trial#{trial.number} has already finished and can not be updated."
            )
