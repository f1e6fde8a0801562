"""The trial an objective function receives from :meth:`Study.optimize` or :meth:`Study.ask`."""

from __future__ import annotations

import copy
import warnings
from typing import TYPE_CHECKING, Any

from pyhpo._values._base_trial import (
    BaseTrial,
    constraint_entry,
    constraints_from_system_attrs,
)
from pyhpo.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
)

if TYPE_CHECKING:
    import datetime
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study

__all__ = ["Trial"]

# Objectives build the same distributions trial after trial; validating them once saves most of a suggest call.
# Distributions are immutable, so sharing one object between trials and threads is safe. Each entry also says
# whether the distribution is a plain one to sample: not single-valued, and for floats the value a sampler
# returns is already the internal representation (no log scale, whose values must be checked to be > 0).
_DIST_CACHE: dict[tuple[Any, ...], tuple[Any, bool]] = {}
_DIST_CACHE_MAX = 4096
# The same entries for the commonest call, suggest_float(name, low, high) with float bounds, by (low, high):
# a shorter key to build and hash than the typed key above.
_LINEAR_FLOAT_CACHE: dict[tuple[float, float], tuple[Any, bool]] = {}


def _cached(kind: type[BaseDistribution], low: Any, high: Any, log: Any, step: Any) -> tuple[Any, bool]:
    key = (kind, type(low), low, type(high), high, type(log), log, type(step), step)
    try:
        return _DIST_CACHE[key]
    except KeyError:
        pass
    except TypeError:  # unhashable argument: let the constructor explain what is wrong with it
        return kind(low, high, log=log, step=step), False  # type: ignore[call-arg]
    dist = kind(low, high, log=log, step=step)  # type: ignore[call-arg]
    entry = (dist, type(dist) is FloatDistribution and not dist.log and not dist.single())
    # A distribution whose ``high`` was moved onto the grid warned when it was built; Optuna warns at every
    # suggest, so such a distribution is built anew each time rather than taken from the cache.
    if getattr(dist, "high", None) == high and len(_DIST_CACHE) < _DIST_CACHE_MAX:
        _DIST_CACHE[key] = entry
        if (
            kind is FloatDistribution
            and type(low) is float
            and type(high) is float
            and step is None
            and log is False
        ):
            _LINEAR_FLOAT_CACHE[low, high] = entry
    return entry


class Trial(BaseTrial):
    """A running trial: suggests parameters, reports intermediate values, asks the pruner.

    Created by the study; an objective only uses it. The trial keeps a local copy of what it has written, so
    reading ``params`` or suggesting a parameter twice costs no storage round trip. With the in-memory storage
    that copy is the stored trial itself (``_live``), which the storage's writes update, so the trial does not
    write it again.

    Args:
        study: The study the trial belongs to.
        trial_id: The storage's id of the trial.
    """

    def __init__(
        self, study: Study, trial_id: int, _frozen: FrozenTrial | None = None, _live: bool = False
    ) -> None:
        self.study = study
        self._trial_id = trial_id
        self.storage = study._storage
        self._cached_frozen_trial = _frozen if _frozen is not None else self.storage.get_trial(trial_id)
        self._live = _live and _frozen is not None
        self._relative_params: dict[str, Any] | None = None
        self._sampling_study_cache: Study | None = None
        self._relative_search_space: dict[str, BaseDistribution] = {}
        fixed = self._cached_frozen_trial._system_attrs.get("fixed_params")
        self._fixed_params: dict[str, Any] = fixed if isinstance(fixed, dict) else {}
        self._plain: bool | None = None

    # Suggest ---------------------------------------------------------------------------------------------------

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """Suggest a float in ``[low, high]`` (on a log scale with ``log=True``, on a grid with ``step``).

        A name suggested before returns its first value; a different range for it warns (RuntimeWarning).

        Raises:
            ValueError: ``low > high``, ``log`` with ``low <= 0``, ``step`` with ``log``, ``step <= 0``, or
                ``name`` was used with another kind of distribution or log flag before (Optuna's messages).
        """
        entry = (
            _LINEAR_FLOAT_CACHE.get((low, high))
            if type(low) is float and type(high) is float and step is None and log is False
            else None
        )
        distribution, plain = entry or _cached(FloatDistribution, low, high, log, step)
        trial = self._cached_frozen_trial
        if (
            plain
            and name not in trial._distributions  # (the field: a property call costs as much as the test)
            and (self._plain if self._plain is not None else self._is_plain())
        ):
            # _suggest for the usual case: a new name, a linear FloatDistribution, nothing fixed by
            # enqueue_trial and nothing sampled jointly (``_plain``). The sampler's float is stored as it is,
            # once it proves not to be NaN; anything else gets to_internal_repr's checks (and errors).
            study = self._sampling_study_cache or self._sampling_study()
            value: float = study.sampler.sample_independent(study, trial, name, distribution)
            self.storage.set_trial_param(
                self._trial_id,
                name,
                value if type(value) is float and value == value else distribution.to_internal_repr(value),
                distribution,
            )
            if not self._live:  # (a live view holds what the storage just wrote)
                trial._distributions[name] = distribution
                trial._params[name] = value
            return value
        value = self._suggest(name, distribution)
        if self._cached_frozen_trial.distributions[name] is not distribution:
            self._warn_if_inconsistent(name, distribution)
        return value

    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1, log: bool = False) -> int:
        """Suggest an int in ``[low, high]`` on a grid of ``step`` (on a log scale with ``log=True``).

        Raises:
            ValueError: As :meth:`suggest_float`, with ``low >= 1`` for ``log`` and ``step == 1`` with ``log``.
        """
        distribution = _cached(IntDistribution, low, high, log, step)[0]
        value = int(self._suggest(name, distribution))
        if self._cached_frozen_trial.distributions[name] is not distribution:
            self._warn_if_inconsistent(name, distribution)
        return value

    def suggest_categorical(  # type: ignore[override]
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType:
        """Suggest one of ``choices`` (None, bool, int, float or str values).

        Raises:
            ValueError: ``choices`` is empty, or ``name`` was suggested before with other choices.
        """
        value: CategoricalChoiceType = self._suggest(name, CategoricalDistribution(choices))
        return value

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        trial = self._cached_frozen_trial
        if name in trial.distributions:
            check_distribution_compatibility(trial.distributions[name], distribution)
            return trial.params[name]
        # The membership tests spare the usual case (nothing fixed, nothing sampled jointly) two calls.
        if name in self._fixed_params and self._is_fixed_param(name, distribution):
            value = self._fixed_params[name]
        elif distribution.single():
            # The one value the distribution allows: its only choice, or its low bound (== high).
            if isinstance(distribution, CategoricalDistribution):
                value = distribution.choices[0]
            else:
                assert isinstance(distribution, (FloatDistribution, IntDistribution))
                value = distribution.low
        elif name in self.relative_params and self._is_relative_param(name, distribution):
            value = self.relative_params[name]
        else:
            study = self._sampling_study()
            value = study.sampler.sample_independent(study, trial, name, distribution)
        # The value is checked here: a NaN or a value of the wrong type raises ValueError.
        internal = distribution.to_internal_repr(value)
        self.storage.set_trial_param(self._trial_id, name, internal, distribution)
        if self._live:
            stored = trial.params[name]
            if stored is value or (type(stored) is type(value) and stored == value):
                return value
            # The storage keeps the external form of the value (2.0 for an enqueued 2 of a float parameter);
            # the trial shows the value as suggested, as Optuna's does, so from now on it keeps a copy of its own.
            trial = self._cached_frozen_trial = trial._copy()
            self._live = False
        trial.distributions[name] = distribution
        trial.params[name] = value
        return value

    def _is_plain(self) -> bool:
        """Nothing fixed by ``enqueue_trial`` and nothing sampled jointly: every new name is sampled alone.

        Worked out at the first suggest that needs it, when ``_suggest`` would first ask for the relative
        parameters too, and kept for the trial.
        """
        self._plain = not self._fixed_params and not self.relative_params
        return self._plain

    def _is_fixed_param(self, name: str, distribution: BaseDistribution) -> bool:
        """Whether ``name`` was fixed by ``enqueue_trial``; a fixed value outside the range is used, with a warning."""
        if name not in self._fixed_params:
            return False
        value = self._fixed_params[name]
        if not distribution._contains(distribution.to_internal_repr(value)):
            warnings.warn(
                f"Fixed parameter {name} with value {value} is out of range for distribution {distribution}.",
                UserWarning,
                stacklevel=4,
            )
        return True

    def _warn_if_inconsistent(self, name: str, distribution: BaseDistribution) -> None:
        """A second suggest of ``name`` with another range is allowed, but the first wins: say so, as Optuna."""
        old = self._cached_frozen_trial.distributions.get(name, distribution)
        if old is not distribution and old != distribution:
            warnings.warn(
                f'Inconsistent parameter values for distribution with name "{name}"! This might be a '
                "configuration mistake. Optuna allows to call the same distribution with the same name more "
                "than once in a trial. When the parameter values are inconsistent pyhpo only uses the values "
                f"of the first call and ignores all following. Using these values: {old._asdict()}",
                RuntimeWarning,
                stacklevel=3,
            )

    @property
    def relative_params(self) -> dict[str, Any]:
        """Parameters the sampler chose jointly for this trial (computed on first use)."""
        if self._relative_params is None:
            frozen = self._cached_frozen_trial
            study = self._sampling_study()
            self._relative_search_space = study.sampler.infer_relative_search_space(study, frozen)
            self._relative_params = study.sampler.sample_relative(study, frozen, self._relative_search_space)
        return self._relative_params

    def _sampling_study(self) -> Study:
        """The study as the sampler sees it for this trial, worked out once per trial."""
        study = self._sampling_study_cache
        if study is None:
            # With Hyperband, only the trials of this trial's bracket.
            study = self._sampling_study_cache = self.study.pruner.filter_study(
                self.study, self._cached_frozen_trial
            )
        return study

    def _is_relative_param(self, name: str, distribution: BaseDistribution) -> bool:
        params = self.relative_params
        if name not in params:
            return False
        if name not in self._relative_search_space:
            raise ValueError(
                f"The parameter {name} was sampled by `sample_relative` method but it is not contained in the "
                "relative search space."
            )
        check_distribution_compatibility(self._relative_search_space[name], distribution)
        return distribution._contains(distribution.to_internal_repr(params[name]))

    # Report and prune ------------------------------------------------------------------------------------------

    def report(self, value: float, step: int) -> None:
        """Report an intermediate objective value at ``step`` (>= 0), for pruners and dashboards.

        A second report at the same step is ignored with a warning, as in Optuna.
        """
        if self.study._is_multi_objective():
            raise NotImplementedError("Trial.report is not supported for multi-objective optimization.")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"The `value` argument is of type '{type(value)}' but supposed to be a float."
            ) from None
        try:
            step = int(step)  # as in Optuna: 2.0 and np.int64(2) are fine, 2.5 is truncated
        except (TypeError, ValueError):
            raise TypeError(
                f"The `step` argument is of type '{type(step)}' but supposed to be an int."
            ) from None
        if step < 0:
            raise ValueError(f"`step={step}` must be non-negative.")
        intermediate = self._cached_frozen_trial.intermediate_values
        if step in intermediate:
            warnings.warn(
                f"The reported value is ignored because this `step={step}` is already reported.", stacklevel=2
            )
            return
        self.storage.set_trial_intermediate_value(self._trial_id, step, value)
        intermediate[step] = value

    def should_prune(self) -> bool:
        """Ask the study's pruner whether to stop now; raise :class:`pyhpo.TrialPruned` if it says so."""
        if self.study._is_multi_objective():
            raise NotImplementedError("Trial.should_prune is not supported for multi-objective optimization.")
        return bool(self.study.pruner.prune(self.study, self._cached_frozen_trial))

    # Attributes ------------------------------------------------------------------------------------------------

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the trial."""
        self.storage.set_trial_user_attr(self._trial_id, key, value)
        self._cached_frozen_trial.user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Attach a value for samplers and pruners."""
        self.storage.set_trial_system_attr(self._trial_id, key, value)
        self._cached_frozen_trial.system_attrs[key] = value

    @property
    def constraints(self) -> dict[str, float]:
        """Constraint values by name; the trial is feasible when all are ``<= 0``."""
        return constraints_from_system_attrs(self._cached_frozen_trial.system_attrs)

    def set_constraint(self, key: str, value: float) -> None:
        """Record a constraint value for constrained samplers (a second value for a key is ignored, warning)."""
        entry = constraint_entry(self._cached_frozen_trial.system_attrs, key, value)
        if entry is not None:
            self.set_system_attr(*entry)

    @property
    def number(self) -> int:
        return self._cached_frozen_trial.number

    # Deep copies, as in Optuna: changing what these return (a list in a user attribute, say) changes nothing.

    @property
    def params(self) -> dict[str, Any]:
        return copy.deepcopy(self._cached_frozen_trial.params)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return copy.deepcopy(self._cached_frozen_trial.distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        return copy.deepcopy(self._cached_frozen_trial.user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return dict(self._cached_frozen_trial.system_attrs)

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._cached_frozen_trial.datetime_start

    def _get_latest_trial(self) -> FrozenTrial:
        return self._cached_frozen_trial

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, trial_id={self._trial_id})"
