"""Distributions: validation, representations, single(), and Optuna's JSON form byte for byte."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import pytest
from hypothesis import given, settings

import pyhpo.distributions
from pyhpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
    distribution_to_json,
    json_to_distribution,
)
from tests.strategies import distribution_and_value, distribution_specs, distributions

with warnings.catch_warnings():
    warnings.simplefilter(
        "ignore", UserWarning
    )  # step=0.3 and step=3 move `high` onto the grid, with a warning
    EXAMPLES: list[BaseDistribution] = [
        FloatDistribution(0, 1),
        FloatDistribution(-3.5, 2.25),
        FloatDistribution(1e-5, 1.0, log=True),
        FloatDistribution(0.0, 1.0, step=0.1),
        FloatDistribution(0.0, 1.0, step=0.3),
        FloatDistribution(2.0, 2.0),
        IntDistribution(0, 10),
        IntDistribution(1, 100, log=True),
        IntDistribution(0, 10, step=3),
        IntDistribution(-5, -5),
        CategoricalDistribution([None, True, 1, 2.5, "a"]),
        CategoricalDistribution(("x",)),
        CategoricalDistribution([0, False, "0"]),
    ]
    # Ranges that hold one grid point once `high` is moved down onto the grid.
    EXAMPLES_OFF_GRID = [FloatDistribution(0, 0.05, step=0.1), IntDistribution(3, 4, step=2)]


# Validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "fragment"),
    [
        (lambda: FloatDistribution(1, 0), ValueError, r"\(low=1, high=0\)"),
        (lambda: FloatDistribution(0, 1, log=True), ValueError, r"`low > 0` must hold for `log=True`"),
        (lambda: FloatDistribution(-1, 1, log=True), ValueError, "low=-1"),
        (lambda: FloatDistribution(1e-3, 1, log=True, step=0.1), ValueError, "step"),
        (lambda: FloatDistribution(0, 1, step=0), ValueError, "step=0"),
        (lambda: FloatDistribution(0, 1, step=-0.5), ValueError, "step=-0.5"),
        (lambda: FloatDistribution("0", 1), TypeError, "'str' and 'int'"),
        (lambda: IntDistribution(5, 1), ValueError, "low=5"),
        (lambda: IntDistribution(0, 10, log=True), ValueError, r"`low >= 1` must hold for `log=True`"),
        (lambda: IntDistribution(0.5, 10, log=True), ValueError, "low=0.5"),
        (lambda: IntDistribution(1, 10, log=True, step=2), ValueError, "only accept step is 1"),
        (lambda: IntDistribution(0, 10, step=0), ValueError, "step=0"),
        (lambda: IntDistribution(0, 10, step=-2), ValueError, "step=-2"),
        (lambda: IntDistribution(0, "10"), TypeError, "'int' and 'str'"),
        (lambda: CategoricalDistribution([]), ValueError, "one or more"),
        (lambda: CategoricalDistribution(5), TypeError, "has no len"),
    ],
)
def test_bad_arguments_raise_errors_naming_the_bad_value(build: object, error: type, fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        build()  # type: ignore[operator]


def test_a_high_off_the_grid_is_moved_down_to_the_last_grid_point_with_optunas_warning() -> None:
    with pytest.warns(
        UserWarning,
        match=r"^The distribution is specified by \[0, 1\] and step=0.3, but the range "
        r"is not divisible by `step`. It will be replaced with \[0, 0.9\].$",
    ):
        assert FloatDistribution(0, 1, step=0.3).high == 0.9
    with pytest.warns(UserWarning, match=r"specified by \[0, 10\] and step=3, .* replaced with \[0, 9\]\.$"):
        assert IntDistribution(0, 10, step=3).high == 9
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a range the step divides: no warning
        assert FloatDistribution(0, 1, step=0.25).high == 1.0
        assert FloatDistribution(0, 1, step=0.1).high == 1.0
        assert IntDistribution(0, 9, step=3).high == 9


def test_int_bounds_go_through_int_as_in_optuna() -> None:
    dist = IntDistribution(0.0, 4.0)  # type: ignore[arg-type]
    assert (dist.low, dist.high) == (0, 4) and isinstance(dist.low, int)
    assert IntDistribution(0.5, 10.7, step=1.9) == IntDistribution(0, 10)  # type: ignore[arg-type]


# Representations ----------------------------------------------------------------------------------------------


def test_float_representations_round_trip() -> None:
    dist = FloatDistribution(0, 1)
    assert dist.to_internal_repr(0.25) == 0.25
    assert dist.to_external_repr(0.25) == 0.25
    with pytest.raises(ValueError, match="'a'"):
        dist.to_internal_repr("a")
    with pytest.raises(ValueError, match="^`nan` is invalid value.$"):
        dist.to_internal_repr(math.nan)
    with pytest.raises(ValueError, match="^`-1` is invalid value for the case log=True.$"):
        FloatDistribution(0.1, 1, log=True).to_internal_repr(-1)


def test_int_representations_round_trip_with_types() -> None:
    dist = IntDistribution(0, 10)
    assert dist.to_internal_repr(3) == 3.0
    out = dist.to_external_repr(3.0)
    assert out == 3 and isinstance(out, int)
    with pytest.raises(ValueError, match="'x'"):
        dist.to_internal_repr("x")


def test_categorical_internal_repr_is_the_index_and_keeps_types_apart() -> None:
    dist = CategoricalDistribution([None, True, 1, 2.5, "a"])
    assert [dist.to_internal_repr(c) for c in (None, True, 1, 2.5, "a")] == [0, 1, 1, 3, 4]
    assert dist.to_external_repr(4.0) == "a"
    assert dist.to_external_repr(0) is None
    with pytest.raises(ValueError, match="'zzz'"):
        dist.to_internal_repr("zzz")


def test_nan_is_a_valid_categorical_choice() -> None:
    dist = CategoricalDistribution([1.0, math.nan])
    assert dist.to_internal_repr(math.nan) == 1.0
    assert dist == CategoricalDistribution([1.0, math.nan])


def test_contains_checks_range_and_grid() -> None:
    assert FloatDistribution(0, 1)._contains(0.0) and FloatDistribution(0, 1)._contains(1.0)
    assert not FloatDistribution(0, 1)._contains(1.0000001)
    stepped = FloatDistribution(0, 1, step=0.25)
    assert stepped._contains(0.75) and not stepped._contains(0.7)
    assert IntDistribution(0, 10, step=2)._contains(4) and not IntDistribution(0, 10, step=2)._contains(5)
    assert not IntDistribution(0, 10)._contains(11)
    cat = CategoricalDistribution(["a", "b"])
    assert cat._contains(1) and not cat._contains(2) and not cat._contains(-1)


@pytest.mark.parametrize(
    ("dist", "single"),
    [
        (FloatDistribution(1, 1), True),
        (FloatDistribution(0, 1), False),
        (EXAMPLES_OFF_GRID[0], True),
        (FloatDistribution(0, 0.1, step=0.1), False),
        (IntDistribution(3, 3), True),
        (EXAMPLES_OFF_GRID[1], True),
        (IntDistribution(3, 5, step=2), False),
        (IntDistribution(1, 1, log=True), True),
        (CategoricalDistribution(["a"]), True),
        (CategoricalDistribution(["a", "b"]), False),
    ],
)
def test_single_is_true_exactly_when_one_value_is_possible(dist: BaseDistribution, single: bool) -> None:
    assert dist.single() is single


def test_equal_distributions_hash_equally_and_kinds_differ() -> None:
    assert FloatDistribution(0, 1) == FloatDistribution(0.0, 1.0)
    assert hash(FloatDistribution(0, 1)) == hash(FloatDistribution(0.0, 1.0))
    assert FloatDistribution(0, 1) != IntDistribution(0, 1)
    assert CategoricalDistribution(["a"]) != CategoricalDistribution(["b"])
    assert CategoricalDistribution(["a"]) != CategoricalDistribution(["a", "b"])
    assert CategoricalDistribution(["a", "b"]) == CategoricalDistribution(("a", "b"))


def test_compatibility_allows_new_ranges_but_not_new_kinds_logs_or_choices() -> None:
    check_distribution_compatibility(FloatDistribution(0, 1), FloatDistribution(-5, 5))
    check_distribution_compatibility(IntDistribution(0, 1), IntDistribution(0, 9, step=3))
    with pytest.raises(ValueError, match="kind"):
        check_distribution_compatibility(FloatDistribution(0, 1), IntDistribution(0, 1))
    with pytest.raises(ValueError, match="log"):
        check_distribution_compatibility(FloatDistribution(0.1, 1), FloatDistribution(0.1, 1, log=True))
    with pytest.raises(ValueError, match="dynamic value space"):
        check_distribution_compatibility(CategoricalDistribution(["a"]), CategoricalDistribution(["a", "b"]))


# JSON ---------------------------------------------------------------------------------------------------------


def _optuna_equivalent(dist: BaseDistribution) -> object:
    od = pytest.importorskip("optuna.distributions")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna warns when it moves `high` onto the grid; we do it silently
        if isinstance(dist, FloatDistribution):
            return od.FloatDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
        if isinstance(dist, IntDistribution):
            return od.IntDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
        assert isinstance(dist, CategoricalDistribution)
        return od.CategoricalDistribution(dist.choices)


@pytest.mark.parametrize("dist", EXAMPLES, ids=repr)
def test_json_is_byte_for_byte_what_optuna_writes(dist: BaseDistribution) -> None:
    od = pytest.importorskip("optuna.distributions")
    assert distribution_to_json(dist) == od.distribution_to_json(_optuna_equivalent(dist))


@pytest.mark.parametrize("dist", EXAMPLES, ids=repr)
def test_json_written_by_optuna_reads_back_equal(dist: BaseDistribution) -> None:
    od = pytest.importorskip("optuna.distributions")
    assert json_to_distribution(od.distribution_to_json(_optuna_equivalent(dist))) == dist


def test_repr_matches_optunas() -> None:
    for dist in EXAMPLES:
        assert repr(dist) == repr(_optuna_equivalent(dist))


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ('{"name": "UniformDistribution", "attributes": {"low": 0, "high": 1}}', FloatDistribution(0, 1)),
        (
            '{"name": "LogUniformDistribution", "attributes": {"low": 0.1, "high": 9}}',
            FloatDistribution(0.1, 9, log=True),
        ),
        (
            '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0, "high": 0.9, "q": 0.3}}',
            FloatDistribution(0, 0.9, step=0.3),
        ),
        (
            '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 8, "step": 2}}',
            IntDistribution(0, 8, step=2),
        ),
        ('{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 9}}', IntDistribution(0, 9)),
        (
            '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 9, "step": 1}}',
            IntDistribution(1, 9, log=True),
        ),
        (
            '{"name": "CategoricalDistribution", "attributes": {"choices": ["a", null]}}',
            CategoricalDistribution(["a", None]),
        ),
    ],
)
def test_legacy_json_names_are_read_as_todays_distributions(legacy: str, expected: BaseDistribution) -> None:
    assert json_to_distribution(legacy) == expected


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("not json", json.JSONDecodeError, "Expecting value"),
        ("{}", KeyError, "'type'"),
        (
            '{"name": "GaussianDistribution", "attributes": {}}',
            ValueError,
            "Unknown distribution class: Gaussian",
        ),
        ('{"type": "gaussian"}', ValueError, "Unknown distribution type: gaussian"),
        ('{"name": "FloatDistribution", "attributes": {"low": 0}}', TypeError, "missing 1 required"),
        ("[1, 2]", TypeError, "list indices"),
    ],
)
def test_bad_json_raises_optunas_errors(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        json_to_distribution(text)


def test_json_is_valid_json_with_optunas_shape() -> None:
    obj = json.loads(distribution_to_json(FloatDistribution(0, 1, step=0.5)))
    assert obj == {
        "name": "FloatDistribution",
        "attributes": {"step": 0.5, "low": 0.0, "high": 1.0, "log": False},
    }


@settings(max_examples=100, deadline=None)
@given(distributions)
def test_any_distribution_survives_a_json_round_trip(dist: BaseDistribution) -> None:
    assert json_to_distribution(distribution_to_json(dist)) == dist


@settings(max_examples=100, deadline=None)
@given(distribution_specs)
def test_any_distribution_has_the_same_json_as_in_optuna(spec: tuple[str, dict[str, Any]]) -> None:
    od = pytest.importorskip("optuna.distributions")
    name, kwargs = spec
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        ours = getattr(pyhpo.distributions, name)(**kwargs)
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        theirs = getattr(od, name)(**kwargs)
    # A `high` moved onto the grid warns in both, with the same words and numbers.
    assert [(w.category, str(w.message)) for w in ours_warned] == [
        (w.category, str(w.message)) for w in theirs_warned
    ]
    assert distribution_to_json(ours) == od.distribution_to_json(theirs)
    assert ours.single() == theirs.single()


@settings(max_examples=100, deadline=None)
@given(distribution_and_value())
def test_any_value_in_a_distribution_round_trips_through_its_internal_repr(
    pair: tuple[BaseDistribution, object],
) -> None:
    dist, value = pair
    internal = dist.to_internal_repr(value)
    assert isinstance(internal, float)
    assert dist._contains(internal)
    back = dist.to_external_repr(internal)
    assert (back == value and type(back) is type(value)) or (
        isinstance(dist, FloatDistribution) and back == pytest.approx(value)
    )


def test_a_stored_grid_high_reads_back_unchanged_and_silently_even_when_rebuilding_would_move_it() -> None:
    """Found by hypothesis: rebuilding from an adjusted ``high`` moved it down one more step (Optuna still does)."""
    with pytest.warns(UserWarning, match="replaced with"):
        dist = FloatDistribution(1.3638292744290084, 262144.5, step=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading back what was written does not warn again
        assert json_to_distribution(distribution_to_json(dist)) == dist
    # A stored high that is really off the grid is still moved onto it, with the warning.
    off = '{"name": "FloatDistribution", "attributes": {"step": 0.5, "low": 0.0, "high": 1.2, "log": false}}'
    with pytest.warns(UserWarning, match=r"specified by \[0.0, 1.2\] and step=0.5"):
        assert json_to_distribution(off).high == 1.0


def test_categorical_choices_compare_by_value_as_in_optuna() -> None:
    """Choices read back from storage are Python floats; the objective may pass numpy floats: same distribution."""
    np = pytest.importorskip("numpy")
    stored = CategoricalDistribution([0.001, 0.01, 0.1])
    from_numpy = CategoricalDistribution(list(np.logspace(-3, -1, 3)))
    assert stored == from_numpy and hash(stored) == hash(from_numpy)
    check_distribution_compatibility(stored, from_numpy)
    assert CategoricalDistribution([1, 2]) == CategoricalDistribution([1.0, 2.0])
    nan_a, nan_b = CategoricalDistribution([math.nan]), CategoricalDistribution([float("nan")])
    assert nan_a == nan_b and hash(nan_a) == hash(nan_b)


def test_choices_of_other_types_work_in_memory_with_a_warning_but_cannot_be_stored() -> None:
    with pytest.warns(UserWarning, match="persistent storage"):
        dist = CategoricalDistribution([len, (1, 2)])
    assert dist.to_internal_repr((1, 2)) == 1.0 and dist.to_external_repr(0) is len
    assert hash(dist) == hash(dist)
    with pytest.raises(TypeError, match="is not JSON serializable"):
        distribution_to_json(dist)


def _outcome(build: Any) -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dist = build()
        return f"ok high={dist.high!r} single={dist.single()}"
    except (ValueError, TypeError):
        return "error"


@pytest.mark.parametrize("low", [-1.0, 0.0, 1e-3, 1.0])
@pytest.mark.parametrize("high", [-0.5, 0.0, 1.0, 2.5])
@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("step", [None, -0.5, 0.0, 0.3, 1.0])
def test_float_distribution_accepts_and_rejects_what_optuna_does(
    low: float, high: float, log: bool, step: Any
) -> None:
    od = pytest.importorskip("optuna.distributions")
    ours = _outcome(lambda: FloatDistribution(low, high, log=log, step=step))
    assert ours == _outcome(lambda: od.FloatDistribution(low, high, log=log, step=step))


@pytest.mark.parametrize("low", [-2, 0, 1, 3])
@pytest.mark.parametrize("high", [-1, 0, 3, 10])
@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("step", [-1, 0, 1, 3])
def test_int_distribution_accepts_and_rejects_what_optuna_does(
    low: int, high: int, log: bool, step: int
) -> None:
    od = pytest.importorskip("optuna.distributions")
    ours = _outcome(lambda: IntDistribution(low, high, log=log, step=step))
    assert ours == _outcome(lambda: od.IntDistribution(low, high, log=log, step=step))


def test_a_numpy_array_of_choices_is_accepted_as_in_optuna() -> None:
    np = pytest.importorskip("numpy")
    dist = CategoricalDistribution(np.array([0.5, 1.5]))
    assert dist == CategoricalDistribution([0.5, 1.5])
    assert json_to_distribution(distribution_to_json(dist)) == dist
    with pytest.raises(TypeError, match="has no len"):
        CategoricalDistribution(3)  # type: ignore[arg-type]


def test_numpy_scalars_are_accepted_as_bounds_and_stored_as_python_numbers() -> None:
    np = pytest.importorskip("numpy")
    dist = IntDistribution(np.int64(1), np.int64(9), step=np.int64(2))
    assert (dist.low, dist.high, dist.step) == (1, 9, 2) and type(dist.low) is int
    fdist = FloatDistribution(np.float32(0.5), np.int64(3))
    assert type(fdist.low) is float and fdist.high == 3.0
    assert distribution_to_json(dist) == distribution_to_json(IntDistribution(1, 9, step=2))
