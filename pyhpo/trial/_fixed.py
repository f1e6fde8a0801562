"""A trial with fixed parameters, for running an objective outside any study (e.g. to re-train the best model)."""

from __future__ import annotations

import datetime
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
    from collections.abc import Sequence

__all__ = ["FixedTrial"]


class FixedTrial(BaseTrial):
    """Answers ``suggest_*`` with the values given in ``params``; ``report`` and ``should_prune`` do nothing.

    Args:
        params: The value each parameter name should take.
        number: The number the trial reports.

    Raises on suggest:
        ValueError: A suggested name is missing from ``params``, or was suggested before with another kind of
            distribution (Optuna's messages). A value outside the range is returned with a ``UserWarning``.
    """

    def __init__(self, params: dict[str, Any], number: int = 0) -> None:
        # Any mapping works, as in Optuna (e.g. a pandas Series of best params); nothing is checked here.
        self._params = params
        self._suggested_params: dict[str, Any] = {}
        self._distributions: dict[str, BaseDistribution] = {}
        self._user_attrs: dict[str, Any] = {}
        self._system_attrs: dict[str, Any] = {}
        self._datetime_start = datetime.datetime.now()
        self._number = number

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        # The given value itself, as in Optuna (an int stays an int).
        value: float = self._suggest(name, FloatDistribution(low, high, log=log, step=step))
        return value

    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1, log: bool = False) -> int:
        return int(self._suggest(name, IntDistribution(low, high, log=log, step=step)))

    def suggest_categorical(  # type: ignore[override]
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType:
        value: CategoricalChoiceType = self._suggest(name, CategoricalDistribution(choices))
        return value

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self._params:
            raise ValueError(
                f"The value of the parameter '{name}' is not found. Please set it at the construction of the "
                "FixedTrial object."
            )
        value = self._params[name]
        internal = distribution.to_internal_repr(value)
        if not distribution._contains(internal):
            # Optuna warns and goes on, so that best params re-run under a narrowed search space still work.
            warnings.warn(
                f"The value {value} of the parameter '{name}' is out of the range of the distribution "
                f"{distribution}.",
                UserWarning,
                stacklevel=3,
            )
        if name in self._distributions:
            check_distribution_compatibility(self._distributions[name], distribution)
        self._suggested_params[name] = value
        self._distributions[name] = distribution
        return value

    def report(self, value: float, step: int) -> None:
        """Does nothing: there is no study to record into."""

    def should_prune(self) -> bool:
        """Always False."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

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
    def params(self) -> dict[str, Any]:
        return self._suggested_params

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return self._distributions

    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._user_attrs

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._system_attrs

    @property
    def datetime_start(self) -> datetime.datetime | None:
        return self._datetime_start

    @property
    def number(self) -> int:
        return self._number
