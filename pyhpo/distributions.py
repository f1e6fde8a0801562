"""Search-space distributions and their JSON form.

A distribution says which values a parameter may take. Storages keep a parameter as a float, its *internal
representation* (the value itself for numbers, the index of the choice for categoricals); the distribution turns it
back into what the objective sees (the *external representation*). The JSON form is Optuna's, byte for byte, so
journals and databases are shared with Optuna.
"""

from __future__ import annotations

import abc
import decimal
import json
import math
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = [  # noqa: RUF022 - plain sorted() order, which tests/test_exported_members.py holds
    "BaseDistribution",
    "CategoricalChoiceType",
    "CategoricalDistribution",
    "DISTRIBUTION_CLASSES",
    "DiscreteUniformDistribution",
    "FloatDistribution",
    "IntDistribution",
    "IntLogUniformDistribution",
    "IntUniformDistribution",
    "LogUniformDistribution",
    "UniformDistribution",
    "check_distribution_compatibility",
    "distribution_to_json",
    "json_to_distribution",
]

CategoricalChoiceType = None | bool | int | float | str


class BaseDistribution(abc.ABC):
    """A set of values one parameter may take; immutable once built."""

    @abc.abstractmethod
    def to_external_repr(self, param_value_in_internal_repr: float) -> Any:
        """Turn the stored float into the value the objective sees."""

    @abc.abstractmethod
    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        """Turn a value the objective sees into the float storages keep; raises ValueError if it does not fit."""

    @abc.abstractmethod
    def single(self) -> bool:
        """True when the distribution holds exactly one value (samplers then need not sample)."""

    @abc.abstractmethod
    def _contains(self, param_value_in_internal_repr: float) -> bool:
        """True when the internal value lies in the distribution."""

    def _asdict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseDistribution) or type(self) is not type(other):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *tuple(sorted((k, _hashable(v)) for k, v in self.__dict__.items()))))

    def __repr__(self) -> str:
        # The attributes of the JSON form (choices as a tuple), sorted by name, each as str(): Optuna's repr,
        # character for character.
        kwargs = ", ".join(f"{k}={v}" for k, v in sorted(self._asdict().items()))
        return f"{type(self).__name__}({kwargs})"


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, (list, tuple)) else v


def _warn_high_moved(low: Any, old_high: Any, step: Any, new_high: Any) -> None:
    """Optuna's warning (class, words and number formatting) for a ``high`` moved down onto the grid of ``step``."""
    warnings.warn(
        f"The distribution is specified by [{low}, {old_high}] and step={step!r}, but the range is not divisible "
        f"by `step`. It will be replaced with [{low}, {new_high}].",
        UserWarning,
        stacklevel=3,
    )


def _check_castable(value: Any) -> float:
    """``float(value)`` for ``to_internal_repr``, with Optuna's errors for what cannot be stored."""
    try:
        internal = float(value)
    except (TypeError, ValueError) as e:
        raise ValueError(f"'{value}' is not a valid type. float-castable value is expected.") from e
    if math.isnan(internal):
        raise ValueError(f"`{value}` is invalid value.")
    return internal


class FloatDistribution(BaseDistribution):
    """Floats in ``[low, high]``, optionally on a log scale or on a grid of ``step``.

    The arguments are checked in Optuna's order and with its messages, and are not type-checked beyond what
    the comparisons need, so that any code Optuna accepts builds the same distribution here.

    Args:
        low: Lower end, included. Must be > 0 when ``log`` is true.
        high: Upper end, included. With ``step``, when ``high - low`` is not a whole number of steps, it is
            moved down to the last grid point below it, with a ``UserWarning`` (as in Optuna).
        log: Sample on a log scale.
        step: Grid spacing; cannot be combined with ``log``.

    Raises:
        ValueError: ``step`` with ``log``, ``low > high``, ``low <= 0`` with ``log``, or ``step <= 0``.
    """

    def __init__(self, low: float, high: float, log: bool = False, step: float | None = None) -> None:
        if log and step is not None:
            raise ValueError("The parameter `step` is not supported when `log` is true.")
        if low > high:
            raise ValueError(f"`low <= high` must hold, but got (low={low!r}, high={high!r}).")
        if log and low <= 0.0:
            raise ValueError(f"`low > 0` must hold for `log=True`, but got (low={low!r}, high={high!r}).")
        if step is not None and step <= 0:
            raise ValueError(f"`step > 0` must hold, but got step={step!r}.")
        # Attribute order is the key order of Optuna's JSON form.
        self.step: float | None = None
        if step is not None:
            grid_high = _float_grid_high(low, high, step)
            if grid_high is not None:
                _warn_high_moved(low, high, step, grid_high)
                high = grid_high
            self.step = float(step)
        self.low = float(low)
        self.high = float(high)
        self.log = log

    def single(self) -> bool:
        if self.step is None:
            return self.low == self.high
        if self.low == self.high:
            return True
        high = decimal.Decimal(str(self.high))
        low = decimal.Decimal(str(self.low))
        step = decimal.Decimal(str(self.step))
        return (high - low) < step

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        if self.step is None:
            return self.low <= value <= self.high
        k = (value - self.low) / self.step
        return self.low <= value <= self.high and abs(k - round(k)) < 1.0e-8

    def to_external_repr(self, param_value_in_internal_repr: float) -> float:
        return float(param_value_in_internal_repr)

    def to_internal_repr(self, param_value_in_external_repr: float) -> float:
        """The value as a float; ValueError (Optuna's words) if it is not castable, NaN, or <= 0 with ``log``."""
        internal = _check_castable(param_value_in_external_repr)
        if self.log and internal <= 0.0:
            raise ValueError(f"`{param_value_in_external_repr}` is invalid value for the case log=True.")
        return internal


class IntDistribution(BaseDistribution):
    """Integers in ``[low, high]`` on a grid of ``step``, optionally on a log scale.

    As in Optuna, ``low``, ``high`` and ``step`` are passed through ``int()`` after the checks (so ``0.5``
    becomes ``0``), and a ``high`` that is not on the grid is moved down onto it with a ``UserWarning``.

    Args:
        low: Lower end, included. Must be >= 1 when ``log`` is true.
        high: Upper end, included; moved down to the last grid point ``<= high``.
        log: Sample on a log scale; only with ``step=1``.
        step: Grid spacing, a positive int.

    Raises:
        ValueError: ``step != 1`` with ``log``, ``low > high``, ``low < 1`` with ``log``, or ``step <= 0``.
    """

    def __init__(self, low: int, high: int, log: bool = False, step: int = 1) -> None:
        if log and step != 1:
            raise ValueError(
                "Samplers and other components in Optuna only accept step is 1 when `log` argument is True."
            )
        if low > high:
            raise ValueError(f"`low <= high` must hold, but got (low={low!r}, high={high!r}).")
        if log and low < 1:
            raise ValueError(f"`low >= 1` must hold for `log=True`, but got (low={low!r}, high={high!r}).")
        if step <= 0:
            raise ValueError(f"`step > 0` must hold, but got step={step!r}.")
        self.log = log
        self.step = int(step)
        self.low = int(low)
        int_high = int(high)
        grid_high = int_high
        if (
            int_high - self.low
        ) % self.step != 0:  # a step int() made 0 raises ZeroDivisionError, as in Optuna
            grid_high = self.low + (int_high - self.low) // self.step * self.step
            _warn_high_moved(self.low, int_high, self.step, grid_high)
        self.high = grid_high

    def to_external_repr(self, param_value_in_internal_repr: float) -> int:
        return int(param_value_in_internal_repr)

    def to_internal_repr(self, param_value_in_external_repr: int) -> float:
        """The value as a float; ValueError (Optuna's words) if it is not castable, NaN, or <= 0 with ``log``."""
        internal = _check_castable(param_value_in_external_repr)
        if self.log and internal <= 0.0:
            raise ValueError(f"`{param_value_in_external_repr}` is invalid value for the case log=True.")
        return internal

    def single(self) -> bool:
        if self.log:
            return self.low == self.high
        return (self.high - self.low) < self.step

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        return self.low <= value <= self.high and (value - self.low) % self.step == 0


# Optuna 2's classes -----------------------------------------------------------------------------------------------


def _warn_deprecated_class(name: str, replacement: str) -> None:
    """Optuna's FutureWarning for its Optuna 2 distribution classes (deprecated in v3.0.0, removed in v6.0.0)."""
    warnings.warn(
        f"{name} has been deprecated in v3.0.0. This feature will be removed in v6.0.0. See "
        f"https://github.com/optuna/optuna/releases/tag/v3.0.0. Use :class:`~pyhpo.distributions.{replacement}` "
        "instead.",
        FutureWarning,
        stacklevel=3,
    )


class UniformDistribution(FloatDistribution):
    """Optuna 2's floats in ``[low, high]``; deprecated (FutureWarning): use ``FloatDistribution(low, high)``.

    Kept so that Optuna 2 code that builds it (e.g. for :func:`~pyhpo.trial.create_trial`) runs unchanged;
    trials convert it to the :class:`FloatDistribution` it stands for, as Optuna does.
    """

    def __init__(self, low: float, high: float) -> None:
        _warn_deprecated_class("UniformDistribution", "FloatDistribution")
        super().__init__(low=low, high=high, log=False, step=None)

    def _asdict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("log", "step")}


class LogUniformDistribution(FloatDistribution):
    """Optuna 2's floats on a log scale; deprecated (FutureWarning): use ``FloatDistribution(low, high, log=True)``."""

    def __init__(self, low: float, high: float) -> None:
        _warn_deprecated_class("LogUniformDistribution", "FloatDistribution")
        super().__init__(low=low, high=high, log=True, step=None)

    def _asdict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("log", "step")}


class DiscreteUniformDistribution(FloatDistribution):
    """Optuna 2's floats on a grid of ``q``; deprecated (FutureWarning): use ``FloatDistribution(low, high, step=q)``.

    Its JSON form names the step ``q``, as Optuna 2 wrote it.
    """

    def __init__(self, low: float, high: float, q: float) -> None:
        _warn_deprecated_class("DiscreteUniformDistribution", "FloatDistribution")
        super().__init__(low=low, high=high, step=q)

    def _asdict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k not in ("log", "step")}
        d["q"] = self.step
        return d

    @property
    def q(self) -> float:
        """The grid step (the ``step`` attribute under Optuna 2's name)."""
        assert self.step is not None
        return self.step

    @q.setter
    def q(self, v: float) -> None:
        self.step = v


class IntUniformDistribution(IntDistribution):
    """Optuna 2's integers on a grid of ``step``; deprecated (FutureWarning): use ``IntDistribution``."""

    def __init__(self, low: int, high: int, step: int = 1) -> None:
        _warn_deprecated_class("IntUniformDistribution", "IntDistribution")
        super().__init__(low=low, high=high, log=False, step=step)

    def _asdict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "log"}


class IntLogUniformDistribution(IntDistribution):
    """Optuna 2's integers on a log scale; deprecated (FutureWarning): use ``IntDistribution(..., log=True)``."""

    def __init__(self, low: int, high: int, step: int = 1) -> None:
        _warn_deprecated_class("IntLogUniformDistribution", "IntDistribution")
        super().__init__(low=low, high=high, log=True, step=step)

    def _asdict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "log"}


def _convert_old_distribution_to_new_distribution(
    distribution: BaseDistribution, suppress_warning: bool = False
) -> BaseDistribution:
    """The FloatDistribution or IntDistribution an Optuna 2 distribution stands for (others are returned as
    they are), with Optuna's FutureWarning unless ``suppress_warning``."""
    new: BaseDistribution = distribution
    if isinstance(distribution, (UniformDistribution, LogUniformDistribution, DiscreteUniformDistribution)):
        new = FloatDistribution(
            distribution.low, distribution.high, log=distribution.log, step=distribution.step
        )
    elif isinstance(distribution, (IntUniformDistribution, IntLogUniformDistribution)):
        new = IntDistribution(
            distribution.low, distribution.high, log=distribution.log, step=distribution.step
        )
    if new != distribution and not suppress_warning:
        warnings.warn(
            f"{distribution} is deprecated and internally converted to {new}. See "
            "https://github.com/optuna/optuna/issues/2941.",
            FutureWarning,
            stacklevel=3,
        )
    return new


def _is_nan(value: object) -> bool:
    # numbers.Real covers numpy scalars (np.float32("nan")) as well as float.
    return isinstance(value, numbers.Real) and math.isnan(float(value))


def _choice_equal(a: CategoricalChoiceType, b: CategoricalChoiceType) -> bool:
    """Optuna's rule: equal values are equal whatever their types (1 == 1.0 == np.int64(1)); NaN equals NaN."""
    return bool(a == b) or (_is_nan(a) and _is_nan(b))


def _choice_hash(choice: object) -> int:
    if _is_nan(choice):
        return hash("nan")  # every NaN is equal to every other here, so they must hash alike
    try:
        return hash(choice)
    except TypeError:  # an unhashable choice (allowed in memory, with a warning)
        return hash(repr(choice))


class CategoricalDistribution(BaseDistribution):
    """One of a fixed sequence of choices (None, bool, int, float or str); stored as the index of the choice.

    Any sized iterable is taken, as in Optuna (a string gives its characters). Choices of other types work in
    memory but cannot be stored persistently; they are accepted with Optuna's ``UserWarning``.

    Raises:
        ValueError: ``choices`` is empty.
        TypeError: ``choices`` has no length.
    """

    def __init__(self, choices: Sequence[CategoricalChoiceType]) -> None:
        if len(choices) == 0:
            raise ValueError("The `choices` must contain one or more elements.")
        for choice in choices:
            if choice is not None and not isinstance(choice, (bool, int, float, str)):
                warnings.warn(
                    "Choices for a categorical distribution should be a tuple of None, bool, int, float and "
                    f"str for persistent storage but contains {choice} which is of type "
                    f"{type(choice).__name__}.",
                    UserWarning,
                    stacklevel=2,
                )
        self.choices = tuple(choices)

    def to_external_repr(self, param_value_in_internal_repr: float) -> CategoricalChoiceType:
        return self.choices[int(param_value_in_internal_repr)]

    def to_internal_repr(self, param_value_in_external_repr: CategoricalChoiceType) -> float:
        try:
            return float(self.choices.index(param_value_in_external_repr))
        except ValueError:
            pass
        for index, choice in enumerate(self.choices):
            if _choice_equal(param_value_in_external_repr, choice):
                return float(index)
        raise ValueError(f"'{param_value_in_external_repr}' not in {self.choices}.")

    def single(self) -> bool:
        return len(self.choices) == 1

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        index = int(param_value_in_internal_repr)
        return 0 <= index < len(self.choices)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CategoricalDistribution):
            return NotImplemented
        if len(self.choices) != len(other.choices):
            return False
        return all(_choice_equal(a, b) for a, b in zip(self.choices, other.choices))

    def __hash__(self) -> int:
        return hash((CategoricalDistribution, tuple(_choice_hash(c) for c in self.choices)))


# Every distribution class, today's and Optuna 2's, in Optuna's order.
DISTRIBUTION_CLASSES = (
    IntDistribution,
    IntLogUniformDistribution,
    IntUniformDistribution,
    FloatDistribution,
    UniformDistribution,
    LogUniformDistribution,
    DiscreteUniformDistribution,
    CategoricalDistribution,
)


def _float_grid_high(low: Any, high: Any, step: Any) -> float | None:
    """The last point of the grid ``low + k * step`` below ``high``, or None when ``high`` is on the grid.

    Decimal arithmetic on the shortest decimal form of each number, as Optuna does, so that ``[0, 1]`` with
    ``step=0.1`` is whole and ``[0, 1]`` with ``step=0.3`` ends at ``0.9``, the same float as Optuna's.
    """
    d_low = decimal.Decimal(str(low))
    d_range = decimal.Decimal(str(high)) - d_low
    d_step = decimal.Decimal(str(step))
    if d_range % d_step == 0:
        return None
    return float((d_range // d_step) * d_step + d_low)


def _float_from_storage(
    build: Callable[[Any], FloatDistribution], low: Any, high: Any, log: Any, step: Any
) -> FloatDistribution:
    """A stored stepped float distribution as it was written; ``build(high)`` makes one with that ``high``.

    A distribution's ``high`` was moved onto the grid when it was built; that grid point is a float, and
    building again from it can find ``high - low`` a hair short of a whole number of steps and move it down one
    more step (Optuna does, with a warning). A stored ``high`` that is on the grid up to float rounding is
    kept as it is, without a warning; anything else is built as usual.
    """
    numbers_given = all(isinstance(v, (int, float)) for v in (low, high, step))
    if numbers_given and not log and step > 0 and low <= high and math.isfinite(high - low):
        steps = (high - low) / step
        if abs(steps - round(steps)) < 1e-8:
            dist = build(low)  # on the grid by construction: no adjustment
            dist.high = float(high)
            return dist
    return build(high)


# Optuna 2's class names, read from JSON as the distributions of today they stand for (see json_to_distribution).
_LEGACY: dict[str, tuple[type[BaseDistribution], dict[str, Any]]] = {
    "UniformDistribution": (FloatDistribution, {"log": False}),
    "LogUniformDistribution": (FloatDistribution, {"log": True}),
    "IntUniformDistribution": (IntDistribution, {}),
    "IntLogUniformDistribution": (IntDistribution, {"log": True}),
}


def _from_attributes(name: str, attrs: dict[str, Any]) -> BaseDistribution:
    """Build the distribution a JSON ``name`` and ``attributes`` describe, with Optuna's errors."""
    called_here = name in ("FloatDistribution", "DiscreteUniformDistribution") or name in _LEGACY
    if called_here and not isinstance(attrs, Mapping):
        # What ``FloatDistribution(**attrs)`` says; the other classes are called that way and say it themselves.
        raise TypeError(
            f"{__name__}.{name}() argument after ** must be a mapping, not {type(attrs).__name__}"
        )
    if name == "CategoricalDistribution":
        return CategoricalDistribution(**attrs)
    if name == "IntDistribution":
        return IntDistribution(**attrs)
    if name == "FloatDistribution":
        _check_keywords(name, attrs, ("low", "high", "log", "step"))
        low, log, step = attrs["low"], attrs.get("log", False), attrs.get("step")
        return _float_from_storage(
            lambda high: FloatDistribution(low, high, log=log, step=step), low, attrs["high"], log, step
        )
    if name == "DiscreteUniformDistribution":
        _check_keywords(name, attrs, ("low", "high", "q"), required=3)
        low, q = attrs["low"], attrs["q"]
        return _float_from_storage(
            lambda high: FloatDistribution(low, high, step=q), low, attrs["high"], False, q
        )
    if name in _LEGACY:
        kind, fixed = _LEGACY[name]
        _check_keywords(
            name, attrs, ("low", "high") if kind is FloatDistribution else ("low", "high", "step")
        )
        return kind(**attrs, **fixed)
    raise ValueError(f"Unknown distribution class: {name}")


def _check_keywords(name: str, attrs: dict[str, Any], allowed: tuple[str, ...], required: int = 2) -> None:
    """Python's own TypeErrors for a call ``name(**attrs)`` to a signature with the parameters ``allowed``."""
    for key in attrs:
        if key not in allowed:
            raise TypeError(f"{name}.__init__() got an unexpected keyword argument '{key}'")
    missing = [k for k in allowed[:required] if k not in attrs]
    if missing:
        shown = " and ".join(repr(k) for k in missing)
        plural = "s" if len(missing) > 1 else ""
        raise TypeError(
            f"{name}.__init__() missing {len(missing)} required positional argument{plural}: {shown}"
        )


def json_to_distribution(json_str: str) -> BaseDistribution:
    """Parse a distribution from JSON: Optuna's stored form, its abbreviated form, or Optuna 2's class names.

    The stored form is ``{"name": "FloatDistribution", "attributes": {...}}``; the abbreviated form (Optuna's
    CLI) is ``{"type": "float", "low": 0, "high": 1, "step": ..., "log": ...}`` with type ``float``, ``int``
    or ``categorical`` (``"choices": [...]``). Optuna 2's ``UniformDistribution``, ``LogUniformDistribution``,
    ``DiscreteUniformDistribution``, ``IntUniformDistribution`` and ``IntLogUniformDistribution`` are read as
    the :class:`FloatDistribution` or :class:`IntDistribution` they stand for, silently (Optuna returns an
    instance of the deprecated class, with a FutureWarning, and converts it later; storages and the schema
    migration here rely on getting today's classes).

    Raises:
        json.JSONDecodeError: The text is not JSON.
        KeyError: A field the form needs is missing.
        TypeError: An attribute the distribution does not take, or one it needs is missing.
        ValueError: An unknown class name or type, or attributes the distribution rejects.
    """
    obj = json.loads(json_str)
    if "name" in obj:
        attrs = obj["attributes"]
        if obj["name"] == "CategoricalDistribution":
            attrs["choices"] = tuple(attrs["choices"])
        return _from_attributes(obj["name"], attrs)
    kind = obj["type"]
    if kind == "categorical":
        return CategoricalDistribution(obj["choices"])
    if kind in ("float", "int"):
        low, high, step, log = obj["low"], obj["high"], obj.get("step"), obj.get("log", False)
        if kind == "float":
            return FloatDistribution(low, high, log=log, step=step)
        return IntDistribution(low=low, high=high, log=log, step=1 if step is None else step)
    raise ValueError(f"Unknown distribution type: {kind}")


def distribution_to_json(dist: BaseDistribution) -> str:
    """Serialise a distribution in Optuna's JSON form (``{"name": ..., "attributes": {...}}``).

    Raises:
        TypeError: A categorical choice cannot be written as JSON (``json``'s own message, as in Optuna).
    """
    return json.dumps({"name": type(dist).__name__, "attributes": dist._asdict()})


def check_distribution_compatibility(dist_old: BaseDistribution, dist_new: BaseDistribution) -> None:
    """Raise ValueError (Optuna's messages) when one parameter name is used with incompatible distributions.

    Numeric ranges may change between trials (the search space can move); the kind of distribution, the log flag
    and categorical choices may not.
    """
    if type(dist_old) is not type(dist_new):
        raise ValueError("Cannot set different distribution kind to the same parameter name.")
    if isinstance(dist_old, (FloatDistribution, IntDistribution)):
        assert isinstance(dist_new, (FloatDistribution, IntDistribution))
        if dist_old.log != dist_new.log:
            raise ValueError("Cannot set different log configuration to the same parameter name.")
        return
    if isinstance(dist_old, CategoricalDistribution) and dist_old != dist_new:
        raise ValueError("CategoricalDistribution does not support dynamic value space.")


def _get_single_value(distribution: BaseDistribution) -> int | float | CategoricalChoiceType:
    assert distribution.single()
    if isinstance(distribution, (FloatDistribution, IntDistribution)):
        return distribution.low
    assert isinstance(distribution, CategoricalDistribution)
    return distribution.choices[0]
