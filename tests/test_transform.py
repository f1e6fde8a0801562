"""pyhpo._transform: configurations <-> points of a box."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhpo._transform import SearchSpaceTransform as _SearchSpaceTransform
from pyhpo.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution


@st.composite
def _distribution(draw: st.DrawFn) -> BaseDistribution:
    kind = draw(st.sampled_from(["float", "float_log", "float_step", "int", "int_step", "int_log", "cat"]))
    if kind == "cat":
        return CategoricalDistribution(
            draw(st.lists(st.integers(0, 50), min_size=1, max_size=5, unique=True))
        )
    if kind.startswith("int"):
        low = draw(st.integers(1, 20))
        high = low + draw(st.integers(0, 40))
        if kind == "int_step":
            step = draw(st.integers(1, 5))
            return IntDistribution(low, low + step * ((high - low) // step), step=step)
        return IntDistribution(low, high, log=kind == "int_log")
    low = draw(st.floats(0.001, 10.0))
    high = low + draw(st.floats(0.0, 100.0))
    if kind == "float_step":
        step = draw(st.sampled_from([0.5, 0.25, 1.0]))
        with warnings.catch_warnings():
            # In decimal, low + k * step may still be a hair off the grid: high then moves (a no-op), with a warning.
            warnings.simplefilter("ignore", UserWarning)
            return FloatDistribution(low, low + step * math.floor((high - low) / step), step=step)
    return FloatDistribution(low, high, log=kind == "float_log")


def _value(dist: BaseDistribution, u: float) -> object:
    """A valid value of ``dist`` chosen by ``u`` in [0, 1]."""
    if isinstance(dist, CategoricalDistribution):
        return dist.choices[min(int(u * len(dist.choices)), len(dist.choices) - 1)]
    if isinstance(dist, IntDistribution):
        n = (dist.high - dist.low) // dist.step
        return dist.low + dist.step * min(int(u * (n + 1)), n)
    assert isinstance(dist, FloatDistribution)
    if dist.step is not None:
        n = round((dist.high - dist.low) / dist.step)
        return dist.low + dist.step * min(int(u * (n + 1)), n)
    return dist.low + u * (dist.high - dist.low)


_spaces = st.dictionaries(st.text("abcdef", min_size=1, max_size=3), _distribution(), min_size=1, max_size=5)


@settings(max_examples=100, deadline=None)
@given(_spaces, st.data(), st.booleans())
def test_transform_then_untransform_returns_the_configuration(space, data, zero_one: bool) -> None:  # type: ignore[no-untyped-def]
    params = {name: _value(d, data.draw(st.floats(0, 1))) for name, d in space.items()}
    transform = _SearchSpaceTransform(space, transform_0_1=zero_one)
    point = transform.transform(params)
    assert np.all(point >= transform.bounds[:, 0] - 1e-9) and np.all(point <= transform.bounds[:, 1] + 1e-9)
    back = transform.untransform(point)
    for name, value in params.items():
        assert back[name] == pytest.approx(value, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(_spaces, st.data())
def test_any_point_untransforms_to_a_valid_configuration(space, data) -> None:  # type: ignore[no-untyped-def]
    transform = _SearchSpaceTransform(space)
    n = len(transform.bounds)
    point = np.array(data.draw(st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n)))
    for name, value in transform.untransform(point).items():
        dist = space[name]
        assert dist._contains(dist.to_internal_repr(value)), (name, value, dist)


def test_bounds_widen_stepped_parameters_by_half_a_step() -> None:
    transform = _SearchSpaceTransform(
        {
            "i": IntDistribution(0, 10, step=2),
            "l": IntDistribution(1, 100, log=True),
            "f": FloatDistribution(1e-3, 1.0, log=True),
            "c": CategoricalDistribution(["a", "b"]),
        }
    )
    np.testing.assert_allclose(
        transform.bounds,
        [[-1, 11], [math.log(0.5), math.log(100.5)], [math.log(1e-3), 0.0], [0, 1], [0, 1]],
    )
    assert [list(c) for c in transform.column_to_encoded_columns] == [[0], [1], [2], [3, 4]]
    assert list(transform.encoded_column_to_column) == [0, 1, 2, 3, 3]
    assert transform.untransform(np.array([3.2, 0.0, -1.0, 0.2, 0.7])) == {
        "i": 4,
        "l": 1,
        "f": math.exp(-1.0),
        "c": "b",
    }


def test_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="empty search space"):
        _SearchSpaceTransform({})
    transform = _SearchSpaceTransform({"x": FloatDistribution(0, 1)})
    with pytest.raises(KeyError, match="no value for parameter 'x'"):
        transform.transform({})
    with pytest.raises(ValueError, match="shape \\(1,\\)"):
        transform.untransform(np.zeros(2))
