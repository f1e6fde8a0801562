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
from collections.abc import Sequence
from typing import Any

__all__ = [
    "BaseDistribution",
    "CategoricalChoiceType",
    "CategoricalDistribution",
    "FloatDistribution",
    "IntDistribution",
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
        return hash((type(self),) + tuple(sorted((k, _hashable(v)) for k, v in self.__dict__.items())))

    def __repr__(self) -> str:
        # Attributes as stored (choices as a tuple), sorted by name: Optuna's repr, character for character.
        kwargs = ", ".join(f"{k}={v!r}" for k, v in sorted(self.__dict__.items()))
        return f"{type(self).__name__}({kwargs})"


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, (list, tuple)) else v


def _check_number(name: str, value: Any) -> None:
    # numbers.Real admits numpy scalars (np.float32, np.int64), which objectives often pass.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} of type {type(value).__name__}")
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN")


class FloatDistribution(BaseDistribution):
    """Floats in ``[low, high]``, optionally on a log scale or on a grid of ``step``.

    Args:
        low: Lower end, included. Must be > 0 when ``log`` is true.
        high: Upper end, included. With ``step``, it is moved down to the last grid point ``<= high``.
        log: Sample on a log scale.
        step: Grid spacing; cannot be combined with ``log``.
    """

    def __init__(self, low: float, high: float, log: bool = False, step: float | None = None) -> None:
        _check_number("low", low)
        _check_number("high", high)
        if not isinstance(log, bool):
            raise TypeError(f"log must be a bool, got {log!r}")
        if log and step is not None:
            raise ValueError("The parameter `step` is not supported when `log` is true.")
        if low > high:
            raise ValueError(f"`low <= high` must hold, but got low={low!r} and high={high!r}.")
        if log and low <= 0.0:
            raise ValueError(f"`low > 0` must hold for a log distribution, but got low={low!r}.")
        if step is not None:
            _check_number("step", step)
            if step <= 0:
                raise ValueError(f"`step > 0` must hold, but got step={step!r}.")
            high = _adjust_float_high(low, high, step)
        # Attribute order is the key order of Optuna's JSON form.
        self.step = None if step is None else float(step)
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
        try:
            value = float(param_value_in_external_repr)
        except (TypeError, ValueError) as e:
            raise ValueError(
                f"{param_value_in_external_repr!r} is not a valid float for {self!r}."
            ) from e
        if math.isnan(value):
            raise ValueError(f"NaN is not a valid value for {self!r}.")
        return value


class IntDistribution(BaseDistribution):
    """Integers in ``[low, high]`` on a grid of ``step``, optionally on a log scale.

    Args:
        low: Lower end, included. Must be >= 1 when ``log`` is true.
        high: Upper end, included; moved down to the last grid point ``<= high``.
        log: Sample on a log scale; only with ``step=1``.
        step: Grid spacing, a positive int.
    """

    def __init__(self, low: int, high: int, log: bool = False, step: int = 1) -> None:
        for name, v in (("low", low), ("high", high), ("step", step)):
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                if isinstance(v, numbers.Real) and float(v).is_integer():
                    continue
                raise TypeError(f"{name} must be an int, got {v!r} of type {type(v).__name__}")
        if not isinstance(log, bool):
            raise TypeError(f"log must be a bool, got {log!r}")
        if log and step != 1:
            raise ValueError("Samplers and other components in pyhpo only accept step 1 when `log` is true.")
        if low > high:
            raise ValueError(f"`low <= high` must hold, but got low={low!r} and high={high!r}.")
        if log and low < 1:
            raise ValueError(f"`low >= 1` must hold for a log distribution, but got low={low!r}.")
        if step <= 0:
            raise ValueError(f"`step > 0` must hold, but got step={step!r}.")
        self.log = log
        self.step = int(step)
        self.low = int(low)
        self.high = int(low) + (int(high) - int(low)) // int(step) * int(step)

    def to_external_repr(self, param_value_in_internal_repr: float) -> int:
        return int(param_value_in_internal_repr)

    def to_internal_repr(self, param_value_in_external_repr: int) -> float:
        try:
            value = float(param_value_in_external_repr)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{param_value_in_external_repr!r} is not a valid int for {self!r}.") from e
        if math.isnan(value):
            raise ValueError(f"NaN is not a valid value for {self!r}.")
        return value

    def single(self) -> bool:
        if self.log:
            return self.low == self.high
        return (self.high - self.low) < self.step

    def _contains(self, param_value_in_internal_repr: float) -> bool:
        value = param_value_in_internal_repr
        return self.low <= value <= self.high and (value - self.low) % self.step == 0


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
    """One of a fixed sequence of choices (None, bool, int, float or str); stored as the index of the choice."""

    def __init__(self, choices: Sequence[CategoricalChoiceType]) -> None:
        # Any finite iterable but a string, as in Optuna: numpy arrays of choices are common.
        if isinstance(choices, (str, bytes)) or not hasattr(choices, "__iter__") or not hasattr(choices, "__len__"):
            raise TypeError(f"choices must be a sequence such as a list or tuple, got {choices!r}")
        choices = list(choices)
        if len(choices) == 0:
            raise ValueError("The `choices` must contain one or more elements.")
        for choice in choices:
            if choice is not None and not isinstance(choice, (bool, int, float, str)):
                # Optuna allows any object (it works in memory) but warns: only these types can be stored.
                warnings.warn(
                    f"Choices for a categorical distribution should be a tuple of None, bool, int, float and "
                    f"str for persistent storage but contains {choice!r} which is of type "
                    f"{type(choice).__name__}.",
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
        raise ValueError(f"{param_value_in_external_repr!r} is not one of the choices {self.choices!r}.")

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

    def _asdict(self) -> dict[str, Any]:
        return {"choices": list(self.choices)}


def _adjust_float_high(low: float, high: float, step: float) -> float:
    d_high = decimal.Decimal(str(high))
    d_low = decimal.Decimal(str(low))
    d_step = decimal.Decimal(str(step))
    d_r = d_high - d_low
    if d_r % d_step != decimal.Decimal(0):
        high = float((d_r // d_step) * d_step + d_low)
    return high


_LEGACY_FLOAT = {"UniformDistribution": False, "LogUniformDistribution": True}


def _keep_stored_high(dist: FloatDistribution, stored_high: Any) -> FloatDistribution:
    """Undo a second adjustment of ``high`` when reading back a distribution that was already adjusted.

    ``high`` is moved down onto the grid when a distribution is built. The grid point is a float, so building
    again from it can find ``high - low`` a hair short of a whole number of steps and move ``high`` down one more
    step: a stored distribution would then read back different from what was written. A stored ``high`` that is
    on the grid up to float rounding is kept as it is.
    """
    if dist.step is None or dist.high == stored_high:
        return dist
    steps = (float(stored_high) - dist.low) / dist.step
    if float(stored_high) > dist.high and abs(steps - round(steps)) < 1e-8:
        dist.high = float(stored_high)
    return dist


def json_to_distribution(json_str: str) -> BaseDistribution:
    """Parse Optuna's JSON form of a distribution, including the legacy class names of Optuna 2.

    Raises:
        ValueError: The text is not JSON of a known distribution; the message quotes it.
    """
    try:
        obj = json.loads(json_str)
        name = obj["name"]
        attrs = obj["attributes"]
    except (TypeError, ValueError, KeyError) as e:
        raise ValueError(f"not the JSON of a distribution: {json_str!r}") from e
    if name == "FloatDistribution":
        dist = FloatDistribution(attrs["low"], attrs["high"], log=attrs.get("log", False), step=attrs.get("step"))
        return _keep_stored_high(dist, attrs["high"])
    if name == "IntDistribution":
        return IntDistribution(attrs["low"], attrs["high"], log=attrs.get("log", False), step=attrs.get("step", 1))
    if name == "CategoricalDistribution":
        return CategoricalDistribution(choices=attrs["choices"])
    if name in _LEGACY_FLOAT:
        return FloatDistribution(attrs["low"], attrs["high"], log=_LEGACY_FLOAT[name])
    if name == "DiscreteUniformDistribution":
        return _keep_stored_high(FloatDistribution(attrs["low"], attrs["high"], step=attrs["q"]), attrs["high"])
    if name == "IntUniformDistribution":
        return IntDistribution(attrs["low"], attrs["high"], step=attrs.get("step", 1))
    if name == "IntLogUniformDistribution":
        return IntDistribution(attrs["low"], attrs["high"], log=True)
    raise ValueError(f"unknown distribution {name!r} in {json_str!r}")


def distribution_to_json(dist: BaseDistribution) -> str:
    """Serialise a distribution in Optuna's JSON form (``{"name": ..., "attributes": {...}}``).

    Raises:
        TypeError: A categorical choice is not None, bool, int, float or str, so it cannot be stored.
    """
    try:
        return json.dumps({"name": type(dist).__name__, "attributes": dist._asdict()})
    except TypeError as e:
        raise TypeError(f"{dist!r} cannot be stored: {e}. Use choices of None, bool, int, float or str.") from None


def check_distribution_compatibility(dist_old: BaseDistribution, dist_new: BaseDistribution) -> None:
    """Raise ValueError when one parameter name is used with two incompatible distributions.

    Numeric ranges may change between trials (the search space can move); the kind of distribution, the log flag
    and categorical choices may not.
    """
    if type(dist_old) is not type(dist_new):
        raise ValueError(
            f"Cannot set different distribution kind to the same parameter name: {dist_old!r} then {dist_new!r}."
        )
    if isinstance(dist_old, (FloatDistribution, IntDistribution)):
        assert isinstance(dist_new, (FloatDistribution, IntDistribution))
        if dist_old.log != dist_new.log:
            raise ValueError(
                f"Cannot set different log configuration to the same parameter name: {dist_old!r} then {dist_new!r}."
            )
        return
    if isinstance(dist_old, CategoricalDistribution) and dist_old != dist_new:
        raise ValueError(
            "CategoricalDistribution does not support dynamic value space: "
            f"{dist_old!r} then {dist_new!r}."
        )


def _get_single_value(distribution: BaseDistribution) -> int | float | CategoricalChoiceType:
    assert distribution.single()
    if isinstance(distribution, (FloatDistribution, IntDistribution)):
        return distribution.low
    assert isinstance(distribution, CategoricalDistribution)
    return distribution.choices[0]
