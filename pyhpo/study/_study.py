"""The study: a named optimisation task, its trials in a storage, and the sampler and pruner that drive it."""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pyhpo._experimental import experimental_func
from pyhpo._values import StudyDirection
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.logging import get_logger
from pyhpo.storages import InMemoryStorage, get_storage
from pyhpo.storages._heartbeat import is_heartbeat_enabled
from pyhpo.study._dataframe import trials_dataframe
from pyhpo.study._heartbeat import _fail_stale_trials
from pyhpo.study._optimize import optimize
from pyhpo.study._tell import tell
from pyhpo.trial import FrozenTrial, Trial, TrialState, create_trial

if TYPE_CHECKING:
    import pandas as pd

    from pyhpo.distributions import BaseDistribution
    from pyhpo.pruners import BasePruner
    from pyhpo.samplers import BaseSampler
    from pyhpo.storages import BaseStorage

__all__ = ["Study"]

_logger = get_logger(__name__)
_METRIC_NAMES_KEY = "study:metric_names"
_UNREAD = object()


class _ThreadLocal(threading.local):
    in_optimize_loop: bool = False
    cached_all_trials: list[FrozenTrial] | None = None


class Study:
    """An optimisation task: a name, one or more objective directions, and its trials in a storage.

    Create one with :func:`pyhpo.create_study` or :func:`pyhpo.load_study` rather than directly.

    Args:
        study_name: The study's name in ``storage``.
        storage: Where the trials live (a storage object or a database URL).
        sampler: Chooses parameters; None picks :class:`~pyhpo.samplers.TPESampler` (for any number of
            objectives, as Optuna 5 does).
        pruner: Stops unpromising trials; None picks :class:`~pyhpo.pruners.MedianPruner`.
    """

    def __init__(
        self,
        study_name: str,
        storage: str | BaseStorage,
        sampler: BaseSampler | None = None,
        pruner: BasePruner | None = None,
    ) -> None:
        self.study_name = study_name
        self._storage = get_storage(storage)
        self._study_id = self._storage.get_study_id_from_name(study_name)
        self._directions = self._storage.get_study_directions(self._study_id)
        _check_sampler_and_pruner(sampler, pruner)
        self.sampler = sampler if sampler is not None else _default_sampler()
        self.pruner = pruner if pruner is not None else _default_pruner()
        self._thread_local = _ThreadLocal()
        self._stop_flag = False
        # Read once, on the first log line, so logging a trial costs no extra storage round trip.
        self._metric_names: Any = _UNREAD

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_thread_local"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._thread_local = _ThreadLocal()
        # The "not read yet" sentinel is an object of this process: an unpickled copy of another one would
        # pass for a list of names. Read them again here.
        self._metric_names = _UNREAD

    # Results ---------------------------------------------------------------------------------------------------

    @property
    def best_params(self) -> dict[str, Any]:
        """Parameters of the best trial (single objective)."""
        return self.best_trial.params

    @property
    def best_value(self) -> float:
        """Objective value of the best trial (single objective)."""
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial.

        Raises:
            RuntimeError: The study has several objectives; use :attr:`best_trials`.
            ValueError: No trial is complete yet.
        """
        if self._is_multi_objective():
            raise RuntimeError(
                "A single best trial cannot be retrieved from a multi-objective study. Consider using "
                "Study.best_trials to retrieve a list containing the best trials."
            )
        return self._get_best_trial(deepcopy=True)

    def _get_best_trial(self, deepcopy: bool) -> FrozenTrial:
        # No COMPLETE trial: the storage's ValueError, "No trials are completed yet." as in Optuna.
        best = self._storage.get_best_trial(self._study_id)
        if not any(c > 0.0 for c in best.constraints.values()):
            return best  # (a NaN constraint does not make the best trial infeasible here, as in Optuna)
        # The best value is infeasible (a constraint > 0): the best trial is the best feasible one, as in Optuna.
        feasible = [
            t
            for t in self.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if all(c <= 0.0 for c in t.constraints.values())
        ]
        if not feasible:
            raise ValueError("No feasible trials are completed yet.")
        pick = max if self._directions[0] == StudyDirection.MAXIMIZE else min
        return pick(feasible, key=lambda t: t.values[0] if t.values else 0.0)._copy()

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto-optimal COMPLETE trials (for one objective: the trials that tie for best)."""
        from pyhpo._multi_objective import get_pareto_front_trials  # numpy: see _check_sampler_and_pruner

        trials = self.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        # In constrained optimisation (any trial has constraints) only feasible trials can be on the front.
        constrained = any(t.constraints for t in self.get_trials(deepcopy=False))
        return [
            t._copy()
            for t in get_pareto_front_trials(trials, self.directions, consider_constraint=constrained)
        ]

    @property
    def direction(self) -> StudyDirection:
        """The direction of the single objective; RuntimeError for a multi-objective study."""
        if self._is_multi_objective():
            raise RuntimeError(
                "A single direction cannot be retrieved from a multi-objective study. Consider using "
                "Study.directions to retrieve a list containing all directions."
            )
        return self._directions[0]

    @property
    def directions(self) -> list[StudyDirection]:
        """The direction of each objective."""
        return list(self._directions)

    @property
    def trials(self) -> list[FrozenTrial]:
        """Copies of all trials, ordered by number."""
        return self.get_trials(deepcopy=True, states=None)

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Return the trials, ordered by number, optionally only those in ``states``.

        Args:
            deepcopy: False returns the storage's own objects: faster, but they must not be changed.
            states: Keep only trials in these states.
        """
        return self._get_trials(deepcopy, states, use_cache=False)

    def _get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None, use_cache: bool = False
    ) -> list[FrozenTrial]:
        if use_cache:
            cached = self._thread_local.cached_all_trials
            if cached is None:
                cached = self._storage.get_all_trials(self._study_id, deepcopy=False)
                self._thread_local.cached_all_trials = cached
            trials = cached if states is None else [t for t in cached if t.state in states]
            return [t._copy() for t in trials] if deepcopy else trials
        return self._storage.get_all_trials(self._study_id, deepcopy=deepcopy, states=states)

    @property
    def user_attrs(self) -> dict[str, Any]:
        """User attributes of the study."""
        return self._storage.get_study_user_attrs(self._study_id)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """System attributes of the study."""
        return self._storage.get_study_system_attrs(self._study_id)

    @property
    def metric_names(self) -> list[str] | None:
        """Names of the objectives, if :meth:`set_metric_names` was called."""
        names = self._storage.get_study_system_attrs(self._study_id).get(_METRIC_NAMES_KEY)
        return None if names is None else list(names)

    # Optuna names the method by its module path, ``optuna.study.study.Study.set_metric_names``; the warning
    # says the same with pyhpo's name so that filters on the text port over.
    @experimental_func("3.2.0", name="pyhpo.study.study.Study.set_metric_names")
    def set_metric_names(self, metric_names: list[str]) -> None:
        """Name each objective (shown in log lines and data frames); experimental, as in Optuna."""
        if len(metric_names) != len(self._directions):
            raise ValueError("The number of objectives must match the length of the metric names.")
        self._storage.set_study_system_attr(self._study_id, _METRIC_NAMES_KEY, list(metric_names))
        self._metric_names = list(metric_names)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the study."""
        if not isinstance(key, str):
            raise TypeError(f"key must be a str, got {key!r}")
        self._storage.set_study_user_attr(self._study_id, key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a value for pyhpo's own bookkeeping."""
        self._storage.set_study_system_attr(self._study_id, key, value)

    # Running ---------------------------------------------------------------------------------------------------

    def optimize(
        self,
        func: Callable[[Trial], float | Sequence[float]],
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[Exception]] | type[Exception] = (),
        callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
        processes: bool | str = False,
    ) -> None:
        """Run trials of ``func`` until ``n_trials`` have run, ``timeout`` seconds passed, or :meth:`stop`.

        Args:
            func: The objective: takes a :class:`~pyhpo.trial.Trial`, returns a float (or one per objective).
            n_trials: How many trials this call runs; None runs until ``timeout`` or :meth:`stop`.
            timeout: Seconds (measured with ``time.monotonic()``) after which no new trial starts.
            n_jobs: Threads running trials at once; -1 means one per CPU. Trial numbers stay unique and dense.
            catch: Exception classes that fail a trial without stopping the study.
            callbacks: Called with ``(study, frozen_trial)`` after each trial.
            gc_after_trial: Run ``gc.collect()`` after each trial.
            show_progress_bar: Draw a tqdm bar of trials (or of time, with only a timeout).
            processes: Run the ``n_jobs`` workers as processes instead of threads, so an objective in pure
                Python uses every core (pyhpo only; Optuna has threads). True starts them with ``fork`` where
                that is safe (Linux), else ``spawn``; a start method name (``"fork"``, ``"spawn"``,
                ``"forkserver"``) picks one, and all but ``fork`` pickle the objective. Callbacks and the
                progress bar run in this process; an in-memory study is served to the workers and holds every
                trial afterwards. Each worker's sampler is reseeded, as threads' are. See docs/parallel.md.

        Ctrl-C marks the trials still running FAIL and re-raises KeyboardInterrupt.
        """
        optimize(
            self,
            func,
            n_trials,
            timeout,
            n_jobs,
            catch,
            callbacks,
            gc_after_trial,
            show_progress_bar,
            processes,
        )

    def ask(self, fixed_distributions: dict[str, BaseDistribution] | None = None) -> Trial:
        """Start a trial (an enqueued WAITING one if there is any) and return it; finish it with :meth:`tell`.

        Args:
            fixed_distributions: Parameters to suggest at once, by name and distribution.
        """
        if fixed_distributions is not None and not isinstance(fixed_distributions, dict):
            raise TypeError(
                f"fixed_distributions must be a dict of parameter name to distribution, got {fixed_distributions!r}"
            )
        return self._ask(fixed_distributions, None)

    def _ask(
        self, fixed_distributions: dict[str, BaseDistribution] | None, before_hook: bool | None
    ) -> Trial:
        """:meth:`ask` once its argument is checked. ``before_hook``: whether the sampler has a ``before_trial``
        of its own, as :meth:`_has_before_hook` says (None: find out; ``optimize`` works it out once a run)."""
        local = self._thread_local
        storage = self._storage
        if not local.in_optimize_loop and is_heartbeat_enabled(storage):
            # Optuna's warning: the trial asked for here gets no heartbeat thread. pyhpo still fails the stale
            # trials of dead workers first, as optimize does.
            warnings.warn("Heartbeat of storage is supposed to be used with Study.optimize.", stacklevel=3)
            _fail_stale_trials(self)
        local.cached_all_trials = None
        # The in-memory storage creates the trial and hands it over in one call (while no trial is WAITING):
        # the stored object itself, the owner's view, which the storage keeps current. Not for a subclass of
        # it, which may override the contract's methods.
        frozen = storage._create_running_trial(self._study_id) if type(storage) is InMemoryStorage else None
        live = frozen is not None
        if frozen is None:
            trial_id = self._pop_waiting_trial_id()
            if trial_id is None:
                trial_id = storage.create_new_trial(self._study_id)
            frozen = storage.get_trial(trial_id)
        else:
            trial_id = frozen._trial_id
        if before_hook is None:
            before_hook = self._has_before_hook()
        if before_hook:
            # The sampler gets a copy, as from every other storage; it may change it.
            self.sampler.before_trial(self, frozen if not live else frozen._copy())
            # before_trial may have written system attributes (GridSampler's grid_id): the trial must see them.
            if not live:
                frozen = storage.get_trial(trial_id)
        trial = Trial(self, trial_id, _frozen=frozen, _live=live)
        if fixed_distributions:
            for name, dist in fixed_distributions.items():
                trial._suggest(name, dist)
        return trial

    def _pop_waiting_trial_id(self) -> int | None:
        for trial in self._storage.get_all_trials(
            self._study_id, deepcopy=False, states=(TrialState.WAITING,)
        ):
            try:
                claimed = self._storage.set_trial_state_values(trial._trial_id, state=TrialState.RUNNING)
            except UpdateFinishedTrialError:
                continue  # another worker claimed and finished it since our read
            if claimed:
                _logger.debug(f"Trial {trial.number} popped from the trial queue.")
                return trial._trial_id
        return None

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        state: TrialState | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial started with :meth:`ask` and return it frozen.

        Args:
            trial: The :class:`Trial` or its number.
            values: The objective value(s); needed unless ``state`` is PRUNED or FAIL.
            state: COMPLETE (the default with values), PRUNED or FAIL.
            skip_if_finished: Do nothing (instead of raising ValueError) if the trial is already finished.
        """
        frozen, reason = tell(self, trial, values, state, skip_if_finished)
        if reason is not None:
            # Optuna warns (UserWarning, with just the reason) rather than logs when told values cannot be recorded.
            warnings.warn(reason, stacklevel=2)
        return frozen

    def stop(self) -> None:
        """Let the trials in flight finish, then return from :meth:`optimize`.

        Raises:
            RuntimeError: Called outside an objective or callback of a running :meth:`optimize`, as in Optuna
                (the flag would otherwise be lost when the next optimize starts).
        """
        if not self._thread_local.in_optimize_loop:
            raise RuntimeError(
                "`Study.stop` is supposed to be invoked inside an objective function or a callback."
            )
        self._stop_flag = True

    def enqueue_trial(
        self, params: dict[str, Any], user_attrs: dict[str, Any] | None = None, skip_if_exists: bool = False
    ) -> None:
        """Queue a trial whose parameters are fixed to ``params`` (the next :meth:`ask` picks it up).

        Args:
            params: Parameter values by name; parameters not named here are sampled as usual.
            user_attrs: User attributes of the queued trial.
            skip_if_exists: Do nothing when a trial with the same params is already queued, running or done.
        """
        if not isinstance(params, dict):
            raise TypeError("params must be a dictionary.")
        if user_attrs is not None and not isinstance(user_attrs, Mapping):
            # Optuna's persistent storages fail on this with AttributeError ('int' object has no attribute
            # 'items'): the same class, said clearly, and for every storage.
            raise AttributeError(
                f"user_attrs must be a dict of attribute values, but got {user_attrs!r} of type "
                f"{type(user_attrs).__name__}."
            )
        if skip_if_exists:
            for t in self._storage.get_all_trials(self._study_id, deepcopy=False):
                fixed = t.system_attrs.get("fixed_params")
                if _same_params(params, fixed if fixed is not None else t.params):
                    _logger.info(f"Trial with params {params} already exists. Skipping enqueue.")
                    return
        self.add_trial(
            create_trial(
                state=TrialState.WAITING, system_attrs={"fixed_params": params}, user_attrs=user_attrs
            )
        )

    def add_trial(self, trial: FrozenTrial) -> None:
        """Add a finished (or WAITING) trial made elsewhere, e.g. with :func:`pyhpo.trial.create_trial`."""
        if not isinstance(trial, FrozenTrial):
            raise TypeError(f"trial must be a FrozenTrial (see pyhpo.trial.create_trial), got {trial!r}")
        trial._validate()
        if trial.values is not None and len(trial.values) != len(self._directions):
            raise ValueError(
                f"The added trial has {len(trial.values)} values, which is different from the number of "
                f"objectives {len(self._directions)} in the study (determined by Study.directions)."
            )
        self._storage.create_new_trial(self._study_id, template_trial=trial)
        self._thread_local.cached_all_trials = None

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        """Add several trials (see :meth:`add_trial`)."""
        for trial in trials:
            self.add_trial(trial)

    def trials_dataframe(
        self,
        attrs: tuple[str, ...] = (
            "number",
            "value",
            "datetime_start",
            "datetime_complete",
            "duration",
            "params",
            "user_attrs",
            "system_attrs",
            "state",
        ),
        multi_index: bool = False,
    ) -> pd.DataFrame:
        """The trials as a pandas DataFrame (pandas must be installed)."""
        return trials_dataframe(self, attrs, multi_index)

    # Internals -------------------------------------------------------------------------------------------------

    def _has_before_hook(self) -> bool:
        """Whether the sampler's ``before_trial`` is its own, not BaseSampler's (which does nothing)."""
        hook = getattr(self.sampler.before_trial, "__func__", None)
        return hook is not (_base_hooks or _load_base_hooks())[0]

    def _hooks_after_trial(self) -> bool:
        """Whether finishing a trial calls something: False when the sampler's ``after_trial`` and the
        pruner's ``filter_study`` are BaseSampler's and BasePruner's (which do nothing), so that ``tell`` can
        skip building the snapshot they would be given."""
        hooks = _base_hooks or _load_base_hooks()
        # Read from the bound methods, so that a hook replaced on the instance (a mock, say) counts as one.
        return (
            getattr(self.sampler.after_trial, "__func__", None) is not hooks[1]
            or getattr(self.pruner.filter_study, "__func__", None) is not hooks[2]
        )

    def _is_multi_objective(self) -> bool:
        return len(self._directions) > 1

    def _log_completed_trial(self, trial: FrozenTrial) -> None:
        if not _logger.isEnabledFor(20):
            return
        values = trial.values
        assert values is not None
        if self._metric_names is _UNREAD:
            self._metric_names = self.metric_names
        names = self._metric_names
        if len(values) > 1:
            shown: Any = values if names is None else dict(zip(names, values))
            _logger.info(
                f"Trial {trial.number} finished with values: {shown} and parameters: {trial.params}."
            )
            return
        shown = values[0] if names is None else {names[0]: values[0]}
        message = f"Trial {trial.number} finished with value: {shown} and parameters: {trial.params}."
        try:
            # The best feasible trial, as best_trial gives it: no "Best is" part while none is feasible.
            best = self._get_best_trial(deepcopy=False)
            message += f" Best is trial {best.number} with value: {best.value}."
        except ValueError:
            pass
        _logger.info(message)


def _same_params(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Whether enqueuing ``new`` would repeat ``old`` (Optuna's rule for ``skip_if_exists``).

    Same names; each value of the same type as the old one; numbers equal up to a relative 1e-5 (NaN equals
    NaN), anything else equal.
    """
    if new.keys() != old.keys():
        return False
    for name, value in new.items():
        existing = old[name]
        if not isinstance(value, type(existing)):
            return False
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            a, b = float(value), float(existing)
            if not (
                math.isclose(a, b, rel_tol=0.0, abs_tol=1e-5 * abs(b)) or (math.isnan(a) and math.isnan(b))
            ):
                return False
        elif value != existing:
            return False
    return True


# BaseSampler.before_trial, BaseSampler.after_trial and BasePruner.filter_study: the no-op hooks. A trial
# whose sampler and pruner keep them spares a storage read (before_trial may write to the trial) and a
# snapshot of the finished trial (for after_trial).
_base_hooks: list[Any] = []


def _load_base_hooks() -> list[Any]:
    """Fill ``_base_hooks`` (once: the import runs at the first trial, not at every one)."""
    from pyhpo.pruners import BasePruner  # see _check_sampler_and_pruner
    from pyhpo.samplers import BaseSampler

    _base_hooks[:] = [BaseSampler.before_trial, BaseSampler.after_trial, BasePruner.filter_study]
    return _base_hooks


def _check_sampler_and_pruner(sampler: object, pruner: object) -> None:
    # Samplers, pruners and the multi-objective helpers (floor 3) are imported when a study is created rather
    # than when this module loads: they load numpy, and `import pyhpo` stays light (about 50 ms, no numpy).
    # tests/test_layers.py lists these lazy imports with that reason.
    from pyhpo.pruners import BasePruner
    from pyhpo.samplers import BaseSampler

    if sampler is not None and not isinstance(sampler, BaseSampler):
        raise TypeError(
            f"sampler must be a pyhpo.samplers.BaseSampler such as TPESampler(), got {sampler!r} of type "
            f"{type(sampler).__name__}"
        )
    if pruner is not None and not isinstance(pruner, BasePruner):
        raise TypeError(
            f"pruner must be a pyhpo.pruners.BasePruner such as MedianPruner(), got {pruner!r} of type "
            f"{type(pruner).__name__}"
        )


def _default_sampler() -> BaseSampler:
    """TPE, for one objective or several: what Optuna 5 picks when no sampler is given."""
    from pyhpo import (
        samplers,  # see _check_sampler_and_pruner; TPESampler itself loads lazily from the package
    )

    sampler: BaseSampler = samplers.TPESampler()
    return sampler


def _default_pruner() -> BasePruner:
    from pyhpo import pruners  # see _check_sampler_and_pruner

    return pruners.MedianPruner()
