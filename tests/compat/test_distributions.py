"""Distributions next to Optuna's: constructors, representations, containment, JSON and compatibility.

Each case runs through ``optuna.distributions`` and ``pyhpo.distributions`` (see ``_diff.py``) and must give the
same result, the same exception (class and message) and the same warnings. Kept differences have their own
tests at the end, with the reason.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

import pyhpo
from tests.compat._diff import assert_same, observe, optuna
from tests.compat._same import same

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

inf, nan = math.inf, math.nan

# (class, args, kwargs)
SPECS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("FloatDistribution", (0, 1), {}),
    ("FloatDistribution", (-3.5, 2.25), {}),
    ("FloatDistribution", (1e-5, 1.0), {"log": True}),
    ("FloatDistribution", (0.0, 1.0), {"step": 0.1}),
    ("FloatDistribution", (0, 1), {"step": 0.3}),
    ("FloatDistribution", (0.1, 1), {"step": 0.2}),
    ("FloatDistribution", (0, 10), {"step": 3}),
    ("FloatDistribution", (-1.05, 1.1), {"step": 0.05}),
    ("FloatDistribution", (0.0001, 0.0007), {"step": 0.0002}),
    ("FloatDistribution", (1.3638292744290084, 262144.5), {"step": 1.0}),
    ("FloatDistribution", (2.0, 2.0), {}),
    ("FloatDistribution", (0, 0.05), {"step": 0.1}),
    ("FloatDistribution", (np.float64(0.5), np.float32(1.5)), {}),
    ("FloatDistribution", (0, 1), {"step": np.float64(0.25)}),
    ("FloatDistribution", (0, inf), {}),
    ("FloatDistribution", (-inf, 0), {}),
    ("FloatDistribution", (nan, 1), {}),
    ("FloatDistribution", (0.1, 1), {"log": 1}),
    ("FloatDistribution", (0, 1), {"log": "yes"}),
    ("FloatDistribution", (0, 1), {"log": ""}),
    ("FloatDistribution", (2, 1), {}),
    ("FloatDistribution", (0, 1), {"log": True}),
    ("FloatDistribution", (-1, 1), {"log": True}),
    ("FloatDistribution", (0.1, 1), {"log": True, "step": 0.1}),
    ("FloatDistribution", (0, 1), {"step": 0}),
    ("FloatDistribution", (0, 1), {"step": -0.5}),
    ("FloatDistribution", (0, 1), {"step": "x"}),
    ("FloatDistribution", (0, inf), {"step": 1}),
    ("FloatDistribution", ("a", 1), {}),
    ("FloatDistribution", (0, None), {}),
    ("FloatDistribution", (0,), {}),
    ("FloatDistribution", (0, 1), {"q": 0.1}),
    ("IntDistribution", (0, 10), {}),
    ("IntDistribution", (0, 10), {"step": 3}),
    ("IntDistribution", (-7, 7), {"step": 4}),
    ("IntDistribution", (1, 100), {"log": True}),
    ("IntDistribution", (3, 3), {}),
    ("IntDistribution", (3, 4), {"step": 2}),
    ("IntDistribution", (0.5, 10), {}),
    ("IntDistribution", (0, 10.5), {}),
    ("IntDistribution", (0, 10), {"step": 1.5}),
    ("IntDistribution", (0.0, 4.0), {}),
    ("IntDistribution", (True, 5), {}),
    ("IntDistribution", (np.int64(1), np.int64(9)), {"step": np.int64(2)}),
    ("IntDistribution", (10, 1), {}),
    ("IntDistribution", (0, 10), {"log": True}),
    ("IntDistribution", (0.5, 10), {"log": True}),
    ("IntDistribution", (1, 10), {"log": True, "step": 2}),
    ("IntDistribution", (0, 10), {"step": 0}),
    ("IntDistribution", (0, 10), {"step": -2}),
    ("IntDistribution", (0, 10), {"step": 0.5}),
    ("IntDistribution", (0, inf), {}),
    ("IntDistribution", (0, nan), {}),
    ("IntDistribution", ("a", 1), {}),
    ("IntDistribution", (0, "10"), {}),
    ("IntDistribution", (0, 10), {"step": None}),
    ("CategoricalDistribution", ([1, 2, 3],), {}),
    ("CategoricalDistribution", (("a", "b"),), {}),
    ("CategoricalDistribution", ([None, True, 1, 2.5, "a"],), {}),
    ("CategoricalDistribution", ([0, False, "0"],), {}),
    ("CategoricalDistribution", ([1.0, nan],), {}),
    ("CategoricalDistribution", (np.array([0.5, 1.5]),), {}),
    ("CategoricalDistribution", ([[1], (2, 3), {"a": 1}],), {}),
    ("CategoricalDistribution", ({1: "a", 2: "b"},), {}),
    ("CategoricalDistribution", ("ab",), {}),
    ("CategoricalDistribution", (range(3),), {}),
    ("CategoricalDistribution", ([],), {}),
    ("CategoricalDistribution", ((),), {}),
    ("CategoricalDistribution", (5,), {}),
    ("CategoricalDistribution", (None,), {}),
    ("CategoricalDistribution", ((x for x in [1]),), {}),
]


def _spec_id(spec: tuple[str, tuple[Any, ...], dict[str, Any]]) -> str:
    name, args, kwargs = spec
    return f"{name}{args!r}{kwargs or ''}"


def _build(lib: ModuleType, spec: tuple[str, tuple[Any, ...], dict[str, Any]]) -> Any:
    name, args, kwargs = spec
    return getattr(lib.distributions, name)(*args, **kwargs)


def _view(lib: ModuleType, dist: Any) -> tuple[Any, ...]:
    """What a user sees of a distribution: repr, attributes with their types, single(), JSON."""
    attrs = {k: (v, type(v).__name__) for k, v in sorted(vars(dist).items())}
    try:
        text = lib.distributions.distribution_to_json(dist)
    except TypeError as e:
        text = f"TypeError: {e}"
    return repr(dist), attrs, dist.single(), text


@pytest.mark.parametrize("spec", SPECS, ids=_spec_id)
def test_constructor(spec: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
    assert_same(lambda lib: _view(lib, _build(lib, spec)))


# Distributions that build in both (warnings aside), for the tests below.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    VALID = [s for s in SPECS if observe(optuna, lambda lib, s=s: _build(lib, s)).error is None]

VALUES: list[Any] = [
    0,
    1,
    0.5,
    0.9,
    0.3,
    3,
    9,
    10,
    11,
    -1,
    2.5,
    1e-5,
    "0.5",
    "a",
    None,
    nan,
    inf,
    -inf,
    True,
    np.float32(0.5),
    np.int64(3),
    [1],
    "b",
    1.0,
    2,
]


def _internal(dist: Any, value: Any) -> Any:
    internal = dist.to_internal_repr(value)
    return internal, dist._contains(internal), dist.to_external_repr(internal)


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("spec", VALID, ids=_spec_id)
def test_internal_and_external_representations_and_containment(
    spec: tuple[str, tuple[Any, ...], dict[str, Any]], value: Any
) -> None:
    def script(lib: ModuleType) -> Any:
        dist = _build(lib, spec)
        return _internal(dist, value)

    assert_same(script)


@pytest.mark.parametrize("internal", [0.0, 0.5, 1.0, 2.0, 3.0, -1.0, 9.0, 10.0, 1e-5, nan, inf], ids=repr)
@pytest.mark.parametrize("spec", [s for s in VALID if s[0] != "CategoricalDistribution"], ids=_spec_id)
def test_contains(spec: tuple[str, tuple[Any, ...], dict[str, Any]], internal: float) -> None:
    assert_same(lambda lib: _build(lib, spec)._contains(internal))


# JSON -----------------------------------------------------------------------------------------------------------

JSON_TEXTS: list[str] = [
    '{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}',
    '{"name": "FloatDistribution", "attributes": {"step": 0.3, "low": 0.0, "high": 0.9, "log": false}}',
    '{"name": "FloatDistribution", "attributes": {"step": 0.3, "low": 0.0, "high": 1.0, "log": false}}',
    '{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0}}',
    '{"name": "FloatDistribution", "attributes": {"low": 0.1, "high": 1.0, "log": true}}',
    '{"name": "FloatDistribution", "attributes": {"low": 1.0, "high": 0.0}}',
    '{"name": "FloatDistribution", "attributes": {"low": 0.0}}',
    '{"name": "FloatDistribution", "attributes": {}}',
    '{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.1}}',
    '{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 0, "high": 10}}',
    '{"name": "IntDistribution", "attributes": {"log": false, "step": 3, "low": 0, "high": 10}}',
    '{"name": "IntDistribution", "attributes": {"low": 0, "high": 10}}',
    '{"name": "IntDistribution", "attributes": {"low": 0, "high": 10, "log": true}}',
    '{"name": "IntDistribution", "attributes": {"low": 0}}',
    '{"name": "IntDistribution", "attributes": {"low": 0, "high": 1, "foo": 1}}',
    '{"name": "CategoricalDistribution", "attributes": {"choices": ["a", null, 1, 2.5, true]}}',
    '{"name": "CategoricalDistribution", "attributes": {"choices": []}}',
    '{"name": "CategoricalDistribution", "attributes": {"choices": "ab"}}',
    '{"name": "CategoricalDistribution", "attributes": {"choices": 5}}',
    '{"name": "CategoricalDistribution", "attributes": {}}',
    '{"name": "CategoricalDistribution", "attributes": {"choices": [1], "x": 2}}',
    '{"name": "GaussianDistribution", "attributes": {}}',
    '{"name": "FloatDistribution"}',
    '{"name": "FloatDistribution", "attributes": [0, 1]}',
    '{"type": "float", "low": 0, "high": 1}',
    '{"type": "float", "low": 0, "high": 1, "step": 0.3}',
    '{"type": "float", "low": 0.1, "high": 1, "log": true}',
    '{"type": "float", "low": 1, "high": 0}',
    '{"type": "float", "low": 0}',
    '{"type": "int", "low": 0, "high": 10}',
    '{"type": "int", "low": 0, "high": 10, "step": 3}',
    '{"type": "int", "low": 1, "high": 10, "log": true}',
    '{"type": "int", "low": 1, "high": 10, "step": null}',
    '{"type": "categorical", "choices": ["a", "b"]}',
    '{"type": "categorical", "choices": []}',
    '{"type": "categorical"}',
    '{"type": "gaussian"}',
    "{}",
    "[]",
    "[1, 2]",
    '"abc"',
    "5",
    "null",
    "not json",
    "",
    '{"name": "FloatDistribution", "attributes": {"low": 0, "high": 1}',
]


def _read(lib: ModuleType, text: str) -> Any:
    dist = lib.distributions.json_to_distribution(text)
    return repr(dist), type(dist).__name__, lib.distributions.distribution_to_json(dist)


@pytest.mark.parametrize("text", JSON_TEXTS, ids=repr)
def test_json_to_distribution(text: str) -> None:
    assert_same(lambda lib: _read(lib, text))


@pytest.mark.parametrize("text", [None, 5, b'{"type": "int", "low": 0, "high": 1}'], ids=repr)
def test_json_to_distribution_of_what_is_not_a_string(text: Any) -> None:
    assert_same(lambda lib: _read(lib, text))


# The stored-grid-high case differs on purpose (see test_a_stored_grid_high_is_not_moved_again_when_read_back).
@pytest.mark.parametrize("spec", [s for s in VALID if "1.3638292744290084" not in _spec_id(s)], ids=_spec_id)
def test_json_round_trip_both_ways(spec: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
    """Written by one library, read by the other, written again: the same text and the same distribution."""

    def script(lib: ModuleType) -> Any:
        other = pyhpo if lib is optuna else optuna
        text = lib.distributions.distribution_to_json(_build(lib, spec))
        back = other.distributions.json_to_distribution(text)
        again = other.distributions.distribution_to_json(back)
        return text, again, repr(lib.distributions.json_to_distribution(again))

    assert_same(script)


def test_distribution_to_json_of_choices_json_cannot_write() -> None:
    assert_same(
        lambda lib: lib.distributions.distribution_to_json(
            lib.distributions.CategoricalDistribution([len, (1, 2)])
        )
    )


# Compatibility and equality ------------------------------------------------------------------------------------

PAIRS: list[
    tuple[tuple[str, tuple[Any, ...], dict[str, Any]], tuple[str, tuple[Any, ...], dict[str, Any]]]
] = [
    (("FloatDistribution", (0, 1), {}), ("FloatDistribution", (-5, 5), {})),
    (("FloatDistribution", (0, 1), {}), ("FloatDistribution", (0, 1), {"step": 0.5})),
    (("FloatDistribution", (0.1, 1), {}), ("FloatDistribution", (0.1, 1), {"log": True})),
    (("FloatDistribution", (0, 1), {}), ("IntDistribution", (0, 1), {})),
    (("IntDistribution", (0, 1), {}), ("IntDistribution", (0, 9), {"step": 3})),
    (("IntDistribution", (1, 9), {}), ("IntDistribution", (1, 9), {"log": True})),
    (("IntDistribution", (0, 1), {}), ("CategoricalDistribution", ([0, 1],), {})),
    (("CategoricalDistribution", (["a"],), {}), ("CategoricalDistribution", (["a"],), {})),
    (("CategoricalDistribution", ([1, 2],), {}), ("CategoricalDistribution", ([1.0, 2.0],), {})),
    (("CategoricalDistribution", ([nan],), {}), ("CategoricalDistribution", ([nan],), {})),
    (("CategoricalDistribution", (["a"],), {}), ("CategoricalDistribution", (["a", "b"],), {})),
    (("CategoricalDistribution", (["a", "b"],), {}), ("CategoricalDistribution", (["b", "a"],), {})),
    (("CategoricalDistribution", ([0.5],), {}), ("CategoricalDistribution", (np.array([0.5]),), {})),
]


def _pair_id(pair: Any) -> str:
    return f"{_spec_id(pair[0])}-vs-{_spec_id(pair[1])}"


@pytest.mark.parametrize("pair", PAIRS, ids=_pair_id)
def test_check_distribution_compatibility_and_equality(pair: Any) -> None:
    def script(lib: ModuleType) -> Any:
        old, new = _build(lib, pair[0]), _build(lib, pair[1])
        equal = (old == new, hash(old) == hash(new))
        lib.distributions.check_distribution_compatibility(old, new)
        return equal

    assert_same(script)


@pytest.mark.parametrize("spec", [s for s in VALID if "nan" not in repr(s)], ids=_spec_id)
def test_single_value_of_a_distribution(spec: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
    def script(lib: ModuleType) -> Any:
        dist = _build(lib, spec)
        return (dist.single(), lib.distributions._get_single_value(dist)) if dist.single() else False

    assert_same(script)


# Optuna 2's classes ---------------------------------------------------------------------------------------------

LEGACY_SPECS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("UniformDistribution", (0, 1), {}),
    ("UniformDistribution", (2, 1), {}),
    ("LogUniformDistribution", (0.1, 1), {}),
    ("LogUniformDistribution", (0, 1), {}),
    ("DiscreteUniformDistribution", (0, 1, 0.3), {}),
    ("DiscreteUniformDistribution", (0, 1), {"q": 0.1}),
    ("DiscreteUniformDistribution", (0, 1, 0), {}),
    ("IntUniformDistribution", (0, 10), {}),
    ("IntUniformDistribution", (0, 10), {"step": 3}),
    ("IntUniformDistribution", (10, 0), {}),
    ("IntLogUniformDistribution", (1, 10), {}),
    ("IntLogUniformDistribution", (1, 10), {"step": 2}),
    ("IntLogUniformDistribution", (0, 10), {}),
]


@pytest.mark.parametrize("spec", LEGACY_SPECS, ids=_spec_id)
def test_optuna_2_classes_build_with_a_future_warning(
    spec: tuple[str, tuple[Any, ...], dict[str, Any]],
) -> None:
    def script(lib: ModuleType) -> Any:
        dist = _build(lib, spec)
        new = lib.distributions._convert_old_distribution_to_new_distribution(dist)
        out = [*_view(lib, dist), repr(new), dist == new, isinstance(dist, type(new))]
        if hasattr(dist, "q"):
            dist.q = 0.5
            out += [dist.q, dist.step, repr(dist)]
        try:
            lib.distributions.check_distribution_compatibility(dist, new)
        except ValueError as e:
            out.append(str(e))
        return out

    same(script)


@pytest.mark.parametrize("spec", LEGACY_SPECS[:1] + LEGACY_SPECS[4:5] + LEGACY_SPECS[8:9], ids=_spec_id)
def test_create_trial_converts_optuna_2_classes(spec: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
    def script(lib: ModuleType) -> Any:
        dist = _build(lib, spec)
        trial = lib.trial.create_trial(value=1.0, params={"x": 0}, distributions={"x": dist})
        return repr(trial.distributions)

    same(script)


def test_the_list_of_distribution_classes() -> None:
    same(lambda lib: [c.__name__ for c in lib.distributions.DISTRIBUTION_CLASSES])


# Kept differences ----------------------------------------------------------------------------------------------

LEGACY: list[str] = [
    '{"name": "UniformDistribution", "attributes": {"low": 0, "high": 1}}',
    '{"name": "LogUniformDistribution", "attributes": {"low": 0.1, "high": 9}}',
    '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0, "high": 0.9, "q": 0.3}}',
    '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0, "high": 1, "q": 0.3}}',
    '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 9, "step": 2}}',
    '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 9}}',
    '{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 9, "step": 1}}',
]


@pytest.mark.parametrize("text", LEGACY, ids=repr)
def test_optuna_2_names_are_read_as_todays_distributions(text: str) -> None:
    """Kept difference: Optuna returns an instance of its deprecated Optuna 2 class (with a FutureWarning) and
    converts it when a trial is created; pyhpo has no such classes and returns today's equivalent at once,
    the distribution Optuna converts to, with the same off-grid warning if any."""
    theirs = observe(
        optuna,
        lambda lib: lib.distributions._convert_old_distribution_to_new_distribution(
            lib.distributions.json_to_distribution(text), suppress_warning=True
        ),
    )
    ours = observe(pyhpo, lambda lib: lib.distributions.json_to_distribution(text))
    assert ours.error is None and theirs.error is None
    assert repr(ours.result) == repr(theirs.result)
    assert ours.warnings == [w for w in theirs.warnings if w[0][0] != "FutureWarning"]


def test_a_stored_grid_high_is_not_moved_again_when_read_back() -> None:
    """Kept difference (an Optuna bug): a ``high`` moved onto the grid is a float that, built again, can look
    a hair short of a whole number of steps; Optuna then moves it down one more step, with a warning, each
    time it reads the distribution back. pyhpo keeps a stored ``high`` that is on the grid up to rounding."""
    spec = ("FloatDistribution", (1.3638292744290084, 262144.5), {"step": 1.0})

    def script(lib: ModuleType) -> Any:
        text = lib.distributions.distribution_to_json(_build(lib, spec))
        return lib.distributions.json_to_distribution(text).high

    theirs, ours = observe(optuna, script), observe(pyhpo, script)
    assert len(theirs.warnings) == 2 and theirs.result == 262143.36382927443
    assert ours.warnings == theirs.warnings[:1] and ours.result == 262144.3638292744


def test_categorical_internal_repr_is_a_float_where_optuna_gives_the_int_index() -> None:
    """Kept difference: Optuna's ``to_internal_repr`` of a choice returns the index as an int (its annotation
    says float); pyhpo returns it as a float, the type every storage keeps. Equal as numbers."""
    script: Callable[[ModuleType], Any] = lambda lib: lib.distributions.CategoricalDistribution(
        ["a", "b"]
    ).to_internal_repr("b")
    theirs, ours = observe(optuna, script), observe(pyhpo, script)
    assert theirs.result == ours.result == 1
    assert type(theirs.result) is int and type(ours.result) is float
