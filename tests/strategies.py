"""Hypothesis strategies for pyhpo's value types, shared by the property tests."""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import strategies as st

from pyhpo.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution

# Finite floats of moderate size: the JSON form and the grid arithmetic are exact in this range.
finite_floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive_floats = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def float_distribution_kwargs(draw: st.DrawFn) -> dict[str, Any]:
    """Constructor arguments of a FloatDistribution, as a user would write them."""
    kind = draw(st.sampled_from(["plain", "log", "step"]))
    if kind == "log":
        low, high = sorted((draw(positive_floats), draw(positive_floats)))
        return {"low": low, "high": high, "log": True}
    low, high = sorted((draw(finite_floats), draw(finite_floats)))
    if kind == "step":
        # Steps with few decimal digits, as users write them (0.1, 0.25, 2.0 ...).
        step = draw(st.integers(min_value=1, max_value=1000)) / draw(st.sampled_from([1, 4, 10, 100]))
        return {"low": low, "high": high, "step": step}
    return {"low": low, "high": high}


@st.composite
def int_distribution_kwargs(draw: st.DrawFn) -> dict[str, Any]:
    """Constructor arguments of an IntDistribution."""
    if draw(st.booleans()):
        low = draw(st.integers(min_value=1, max_value=10**6))
        high = draw(st.integers(min_value=low, max_value=low + 10**6))
        return {"low": low, "high": high, "log": True}
    low = draw(st.integers(min_value=-(10**6), max_value=10**6))
    high = draw(st.integers(min_value=low, max_value=low + 10**6))
    return {"low": low, "high": high, "step": draw(st.integers(min_value=1, max_value=50))}


categorical_choices = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    finite_floats,
    st.text(max_size=8),
)

categorical_distribution_kwargs = st.lists(
    categorical_choices, min_size=1, max_size=6, unique_by=lambda c: (type(c), c)
).map(lambda choices: {"choices": choices})

# (class name, constructor keyword arguments): the same spec builds a pyhpo or an Optuna distribution.
distribution_specs: st.SearchStrategy[tuple[str, dict[str, Any]]] = st.one_of(
    float_distribution_kwargs().map(lambda kw: ("FloatDistribution", kw)),
    int_distribution_kwargs().map(lambda kw: ("IntDistribution", kw)),
    categorical_distribution_kwargs.map(lambda kw: ("CategoricalDistribution", kw)),
)

_CLASSES = {
    "FloatDistribution": FloatDistribution,
    "IntDistribution": IntDistribution,
    "CategoricalDistribution": CategoricalDistribution,
}


def build(spec: tuple[str, dict[str, Any]]) -> BaseDistribution:
    """The pyhpo distribution of a spec; a ``high`` moved onto the grid warns (as in Optuna), not wanted here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _CLASSES[spec[0]](**spec[1])  # type: ignore[no-any-return]


distributions: st.SearchStrategy[BaseDistribution] = distribution_specs.map(build)


@st.composite
def distribution_and_value(draw: st.DrawFn) -> tuple[BaseDistribution, object]:
    """A distribution and an external value inside it."""
    dist = draw(distributions)
    if isinstance(dist, CategoricalDistribution):
        return dist, draw(st.sampled_from(dist.choices))
    if isinstance(dist, IntDistribution):
        k = draw(st.integers(min_value=0, max_value=(dist.high - dist.low) // dist.step))
        return dist, dist.low + k * dist.step
    assert isinstance(dist, FloatDistribution)
    if dist.step is not None:
        n = round((dist.high - dist.low) / dist.step)
        k = draw(st.integers(min_value=0, max_value=n))
        return dist, min(dist.low + k * dist.step, dist.high)
    if dist.low == dist.high:
        return dist, dist.low
    return dist, draw(st.floats(min_value=dist.low, max_value=dist.high))
