"""The interface an objective function sees: suggest parameters, report progress, keep attributes."""

from __future__ import annotations

import abc
import math
import warnings
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import datetime
    from collections.abc import Sequence

    from pyhpo.distributions import BaseDistribution, CategoricalChoiceType

__all__ = ["BaseTrial", "constraint_entry", "constraints_from_system_attrs"]


class BaseTrial(abc.ABC):
    """What :class:`Trial`, :class:`FixedTrial` and :class:`FrozenTrial` have in common."""

    @abc.abstractmethod
    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """Suggest a float in ``[low, high]``."""

    @abc.abstractmethod
    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1, log: bool = False) -> int:
        """Suggest an int in ``[low, high]``."""

    @overload
    @abc.abstractmethod
    def suggest_categorical(self, name: str, choices: Sequence[None]) -> None: ...

    @overload
    @abc.abstractmethod
    def suggest_categorical(self, name: str, choices: Sequence[bool]) -> bool: ...

    @overload
    @abc.abstractmethod
    def suggest_categorical(self, name: str, choices: Sequence[int]) -> int: ...

    @overload
    @abc.abstractmethod
    def suggest_categorical(self, name: str, choices: Sequence[float]) -> float: ...

    @overload
    @abc.abstractmethod
    def suggest_categorical(self, name: str, choices: Sequence[str]) -> str: ...

    @overload
    @abc.abstractmethod
    def suggest_categorical(
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType: ...

    @abc.abstractmethod
    def suggest_categorical(
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType:
        """Suggest one of ``choices``."""

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Optuna 2's name for ``suggest_float(name, low, high)``; warns (FutureWarning) as Optuna does."""
        _warn_deprecated_suggest("suggest_uniform", "")
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Optuna 2's name for ``suggest_float(name, low, high, log=True)``; warns (FutureWarning) as Optuna does."""
        _warn_deprecated_suggest("suggest_loguniform", "(..., log=True)")
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Optuna 2's name for ``suggest_float(name, low, high, step=q)``; warns (FutureWarning) as Optuna does."""
        _warn_deprecated_suggest("suggest_discrete_uniform", "(..., step=...)")
        return self.suggest_float(name, low, high, step=q)

    @abc.abstractmethod
    def report(self, value: float, step: int) -> None:
        """Report an intermediate objective value at ``step``."""

    @abc.abstractmethod
    def should_prune(self) -> bool:
        """Ask the pruner whether the trial should stop now."""

    @abc.abstractmethod
    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the trial."""

    @property
    @abc.abstractmethod
    def params(self) -> dict[str, Any]:
        """Parameters suggested so far, in their external representation."""

    @property
    @abc.abstractmethod
    def distributions(self) -> dict[str, BaseDistribution]:
        """Distributions of the parameters suggested so far."""

    @property
    @abc.abstractmethod
    def user_attrs(self) -> dict[str, Any]:
        """User attributes."""

    @property
    @abc.abstractmethod
    def datetime_start(self) -> datetime.datetime | None:
        """When the trial started."""

    # As in Optuna: ``number`` and ``constraints`` have no abstract marker (a subclass may leave them out), while
    # ``set_constraint`` must be given. ``set_system_attr`` and ``system_attrs``, which Optuna 5 no longer has on
    # its trials, are offered by pyhpo's own trial classes only.

    @property
    def number(self) -> int:
        """The trial's number, unique and dense within its study (0, 1, 2, ...)."""
        raise NotImplementedError

    @property
    def constraints(self) -> dict[str, float]:
        """Constraint values by name; the trial is feasible when all are ``<= 0``."""
        raise NotImplementedError

    @abc.abstractmethod
    def set_constraint(self, key: str, value: float) -> None:
        """Record a constraint value for constrained samplers."""


def _warn_deprecated_suggest(method: str, args: str) -> None:
    """Optuna's FutureWarning for its Optuna 2 suggest methods (deprecated in v3.0.0, removed in v6.0.0)."""
    warnings.warn(
        f"{method} has been deprecated in v3.0.0. This feature will be removed in v6.0.0. "
        f"See https://github.com/optuna/optuna/releases/tag/v3.0.0. Use suggest_float{args} instead.",
        FutureWarning,
        stacklevel=3,
    )


_CONSTRAINTS_KEY = "constraints"


def constraints_from_system_attrs(system_attrs: dict[str, Any]) -> dict[str, float]:
    """Constraint values by name, read from both of Optuna's layouts.

    Older Optuna stored a list under ``"constraints"`` (named ``"0"``, ``"1"``, ...); newer Optuna stores one
    value per ``"constraints:<name>"`` key (it wins over the list, with Optuna's warning). Values are returned as
    stored. A trial is feasible when every value is ``<= 0``.
    """
    out: dict[str, float] = {}
    legacy = system_attrs.get(_CONSTRAINTS_KEY)
    if legacy is not None:
        out.update((str(i), c) for i, c in enumerate(legacy))
    prefix = _CONSTRAINTS_KEY + ":"
    for k, v in system_attrs.items():
        if k.startswith(prefix):
            if k[len(prefix) :] in out:
                warnings.warn("Overwrite an old format constraint.", UserWarning, stacklevel=3)
            out[k[len(prefix) :]] = v
    return out


def constraint_entry(system_attrs: dict[str, Any], key: str, value: Any) -> tuple[str, float] | None:
    """Validate a constraint and return its system-attribute key and value; None (with a warning) if already set."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"The `value` argument is of type '{type(value)}' but supposed to be a float."
        ) from None
    if math.isnan(number):
        raise ValueError(f"Attempted to set a constraint for {key!r}, but NaN is not allowed.")
    attr = f"{_CONSTRAINTS_KEY}:{key}"
    if attr in system_attrs:
        warnings.warn(
            f"The constraint value is ignored because this constraint `key={key!r}` is already set.",
            stacklevel=3,
        )
        return None
    return attr, number
