"""A snapshot of a trial: what storages return and what samplers, pruners and users read."""

from __future__ import annotations

import datetime
import math
import warnings
from typing import TYPE_CHECKING, Any

from pyhpo._values._base_trial import (
    BaseTrial,
    constraint_entry,
    constraints_from_system_attrs,
)
from pyhpo._values._trial_state import TrialState
from pyhpo.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    _convert_old_distribution_to_new_distribution,
    check_distribution_compatibility,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["FrozenTrial", "create_trial"]


class FrozenTrial(BaseTrial):
    """The state of one trial at the moment it was read.

    Same constructor and attributes as Optuna's ``FrozenTrial``. Changing a FrozenTrial never changes the storage;
    use :class:`~pyhpo.trial.Trial` or the storage for that.

    Args:
        number: Number of the trial within its study, from 0.
        state: Its :class:`TrialState`.
        value: The single objective value; give ``values`` instead for several objectives.
        datetime_start: When it started (None for WAITING trials).
        datetime_complete: When it finished (None while not finished).
        params: Parameters in their external representation.
        distributions: Distribution of each parameter.
        user_attrs: User attributes.
        system_attrs: System attributes (samplers', pruners' and pyhpo's own bookkeeping).
        intermediate_values: Reported ``{step: value}``.
        trial_id: The storage's id of the trial.
        values: The objective values, for one or several objectives.
    """

    def __init__(
        self,
        number: int,
        state: TrialState,
        value: float | None,
        datetime_start: datetime.datetime | None,
        datetime_complete: datetime.datetime | None,
        params: dict[str, Any],
        distributions: dict[str, BaseDistribution],
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        intermediate_values: dict[int, float],
        trial_id: int,
        *,
        values: Sequence[float] | None = None,
    ) -> None:
        self._number = number
        self.state = state
        if value is not None and values is not None:
            raise ValueError("Specify only one of `value` and `values`.")
        self._values: list[float] | None = (
            [value] if value is not None else (list(values) if values is not None else None)
        )
        self._datetime_start = datetime_start
        self.datetime_complete = datetime_complete
        self._params = params
        self._distributions = distributions
        self._user_attrs = user_attrs
        self._system_attrs = system_attrs
        self.intermediate_values = intermediate_values
        self._trial_id = trial_id

    # Comparison, hashing and printing -------------------------------------------------------------------------

    def _key(self) -> tuple[Any, ...]:
        return (
            self._number,
            self.state,
            self._values,
            self._datetime_start,
            self.datetime_complete,
            self._params,
            self._distributions,
            self._user_attrs,
            self._system_attrs,
            self.intermediate_values,
            self._trial_id,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self._number < other._number

    def __le__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self._number <= other._number

    def __hash__(self) -> int:
        return hash((self._trial_id, self._number))

    def __repr__(self) -> str:
        return (
            f"FrozenTrial(number={self._number}, state={self.state!r}, values={self._values!r}, "
            f"datetime_start={self._datetime_start!r}, datetime_complete={self.datetime_complete!r}, "
            f"params={self._params!r}, user_attrs={self._user_attrs!r}, system_attrs={self._system_attrs!r}, "
            f"intermediate_values={self.intermediate_values!r}, distributions={self._distributions!r}, "
            f"trial_id={self._trial_id!r}, value=None)"
        )

    def _copy(self) -> FrozenTrial:
        """A copy whose containers are independent of this one (values inside are copied when mutable)."""
        # Filled in directly rather than through __init__: every storage read of a trial comes here, and the
        # fields of an existing trial need none of the constructor's checks.
        new = object.__new__(FrozenTrial)
        d = new.__dict__
        d["_number"] = self._number
        d["state"] = self.state
        d["_values"] = None if self._values is None else list(self._values)
        d["_datetime_start"] = self._datetime_start
        d["datetime_complete"] = self.datetime_complete
        d["_params"] = dict(self._params)
        d["_distributions"] = dict(self._distributions)
        d["_user_attrs"] = _copy_attrs(self._user_attrs)
        d["_system_attrs"] = _copy_attrs(self._system_attrs)
        d["intermediate_values"] = dict(self.intermediate_values)
        d["_trial_id"] = self._trial_id
        return new

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenTrial:
        return self._copy()

    # BaseTrial: a finished trial answers with the parameters it already has ----------------------------------

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        """The trial's value of ``name``, as Optuna's FrozenTrial gives it.

        A value outside ``distribution`` is returned with a warning; the distribution then replaces the stored
        one (Optuna does the same), unless it is of another kind, which raises ValueError.
        """
        if name not in self._params:
            raise ValueError(
                f"The value of the parameter '{name}' is not found. Please set it at the construction of the "
                "FrozenTrial object."
            )
        value = self._params[name]
        if not distribution._contains(distribution.to_internal_repr(value)):
            warnings.warn(
                f"The value {value} of the parameter '{name}' is out of the range of the distribution "
                f"{distribution}.",
                UserWarning,
                stacklevel=3,
            )
        if name in self._distributions:
            check_distribution_compatibility(self._distributions[name], distribution)
        self._distributions[name] = distribution
        return value

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        value: float = self._suggest(name, FloatDistribution(low, high, log=log, step=step))
        return value

    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1, log: bool = False) -> int:
        return int(self._suggest(name, IntDistribution(low, high, log=log, step=step)))

    def suggest_categorical(  # type: ignore[override]
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType:
        return self._suggest(name, CategoricalDistribution(choices))  # type: ignore[no-any-return]

    def report(self, value: float, step: int) -> None:
        """Does nothing: a frozen trial keeps the intermediate values it has."""

    def should_prune(self) -> bool:
        """Always False: a frozen trial is not being run."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

    # Attributes ------------------------------------------------------------------------------------------------

    @property
    def number(self) -> int:
        return self._number

    @number.setter
    def number(self, value: int) -> None:
        self._number = value

    @property
    def value(self) -> float | None:
        """The single objective value, or None; raises RuntimeError for a multi-objective trial."""
        if self._values is None:
            return None
        if len(self._values) > 1:
            raise RuntimeError("This attribute is not available during multi-objective optimization.")
        return self._values[0]

    @value.setter
    def value(self, v: float | None) -> None:
        if self._values is not None and len(self._values) > 1:
            raise RuntimeError("This attribute is not available during multi-objective optimization.")
        self._values = None if v is None else [v]

    @property
    def values(self) -> list[float] | None:
        return self._values

    @values.setter
    def values(self, v: Sequence[float] | None) -> None:
        self._values = None if v is None else list(v)

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._datetime_start

    @datetime_start.setter
    def datetime_start(self, v: datetime.datetime | None) -> None:
        self._datetime_start = v

    @property
    def params(self) -> dict[str, Any]:
        return self._params

    @params.setter
    def params(self, params: dict[str, Any]) -> None:
        self._params = params

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return self._distributions

    @distributions.setter
    def distributions(self, value: dict[str, BaseDistribution]) -> None:
        self._distributions = value

    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._user_attrs

    @user_attrs.setter
    def user_attrs(self, value: dict[str, Any]) -> None:
        self._user_attrs = value

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._system_attrs

    @system_attrs.setter
    def system_attrs(self, value: dict[str, Any]) -> None:
        self._system_attrs = value

    @property
    def constraints(self) -> dict[str, float]:
        """Constraint values by name; the trial is feasible when all are ``<= 0``."""
        return constraints_from_system_attrs(self._system_attrs)

    def set_constraint(self, key: str, value: float) -> None:
        """Record a constraint value (a second value for the same key is ignored with a warning)."""
        entry = constraint_entry(self._system_attrs, key, value)
        if entry is not None:
            self._system_attrs[entry[0]] = entry[1]

    @property
    def last_step(self) -> int | None:
        """The largest step reported, or None."""
        return max(self.intermediate_values) if self.intermediate_values else None

    @property
    def duration(self) -> datetime.timedelta | None:
        """How long the trial ran, once it finished."""
        if self._datetime_start is not None and self.datetime_complete is not None:
            return self.datetime_complete - self._datetime_start
        return None

    def _validate(self) -> None:
        """Raise ValueError, with Optuna's messages, when the fields contradict each other.

        Used by :func:`create_trial` and :meth:`Study.add_trial`.
        """
        if self.state != TrialState.WAITING and self._datetime_start is None:
            raise ValueError("`datetime_start` is supposed to be set when the trial state is not waiting.")
        if self.state.is_finished():
            if self.datetime_complete is None:
                raise ValueError("`datetime_complete` is supposed to be set for a finished trial.")
        elif self.datetime_complete is not None:
            raise ValueError("`datetime_complete` is supposed to be None for an unfinished trial.")
        if self.state == TrialState.FAIL and self._values is not None:
            raise ValueError(f"values should be None for a failed trial, but got {self._values}.")
        if self.state == TrialState.COMPLETE:
            if self._values is None:
                raise ValueError("values should be set for a complete trial.")
            if any(math.isnan(v) for v in self._values):
                raise ValueError("values should not contain NaN.")
        if set(self._params) != set(self._distributions):
            raise ValueError(
                f"Inconsistent parameters {set(self._params)} and distributions {set(self._distributions)}."
            )
        for name, value in self._params.items():
            dist = self._distributions[name]
            if not dist._contains(dist.to_internal_repr(value)):
                raise ValueError(
                    f"The value {value} of parameter '{name}' isn't contained in the distribution {dist}."
                )


def _copy_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    if not attrs:
        return {}
    out = dict(attrs)
    for k, v in out.items():
        if isinstance(v, (list, dict)):
            out[k] = _deep(v)
    return out


def _deep(v: Any) -> Any:
    if isinstance(v, list):
        return [_deep(x) for x in v]
    if isinstance(v, dict):
        return {k: _deep(x) for k, x in v.items()}
    return v


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: dict[str, Any] | None = None,
    distributions: dict[str, BaseDistribution] | None = None,
    user_attrs: dict[str, Any] | None = None,
    system_attrs: dict[str, Any] | None = None,
    intermediate_values: dict[int, float] | None = None,
    constraints: dict[str, float] | None = None,
) -> FrozenTrial:
    """Build a valid :class:`FrozenTrial`, e.g. to pass to :meth:`Study.add_trial`.

    Raises:
        ValueError: The fields contradict each other (a COMPLETE trial without a value, a param outside its
            distribution, ...).
    """
    if not isinstance(state, TrialState):
        # Optuna fails here with AttributeError (``state.is_finished``): the same class, with a clearer message.
        raise AttributeError(f"state must be a TrialState such as TrialState.COMPLETE, got {state!r}")  # noqa: TRY004
    now = datetime.datetime.now()
    start = None if state == TrialState.WAITING else now
    complete = now if state.is_finished() else None
    trial = FrozenTrial(
        number=-1,
        state=state,
        value=value,
        values=values,
        datetime_start=start,
        datetime_complete=complete,
        params=dict(params or {}),
        # Optuna 2's distribution classes become today's, with Optuna's FutureWarning.
        distributions={
            k: _convert_old_distribution_to_new_distribution(d) for k, d in (distributions or {}).items()
        },
        user_attrs=dict(user_attrs or {}),
        system_attrs=dict(system_attrs or {}),
        intermediate_values=dict(intermediate_values or {}),
        trial_id=-1,
    )
    for key, constraint in (constraints or {}).items():
        trial.set_constraint(key, constraint)
    trial._validate()
    if trial.values is not None:
        # numpy scalars pass validation (as in Optuna) but are stored as Python floats, which every storage
        # can serialise.
        trial.values = [float(v) for v in trial.values]
    return trial
