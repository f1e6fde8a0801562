"""The storage contract (pyhpo.storages.BaseStorage), run against every backend in tests/storages/backends.py."""

from __future__ import annotations

import datetime
import math
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pyhpo.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from pyhpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from pyhpo.study import StudyDirection
from pyhpo.trial import FrozenTrial, TrialState, create_trial
from tests.storages.backends import BACKENDS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyhpo.storages import BaseStorage

MIN = [StudyDirection.MINIMIZE]
MAX = [StudyDirection.MAXIMIZE]


@pytest.fixture(params=sorted(BACKENDS))
def storage(request: pytest.FixtureRequest) -> Iterator[BaseStorage]:
    with BACKENDS[request.param]() as s:
        yield s


def _finish(storage: BaseStorage, trial_id: int, value: float) -> None:
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [value])


# Studies -------------------------------------------------------------------------------------------------------


def test_created_study_is_found_by_name_and_id(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "alpha")
    assert storage.get_study_id_from_name("alpha") == study_id
    assert storage.get_study_name_from_id(study_id) == "alpha"
    assert storage.get_study_directions(study_id) == MIN


def test_study_without_name_gets_a_unique_one(storage: BaseStorage) -> None:
    a = storage.create_new_study(MIN)
    b = storage.create_new_study(MIN)
    assert a != b
    assert storage.get_study_name_from_id(a) != storage.get_study_name_from_id(b)


def test_duplicate_study_name_raises(storage: BaseStorage) -> None:
    storage.create_new_study(MIN, "dup")
    with pytest.raises(DuplicatedStudyError):
        storage.create_new_study(MAX, "dup")


def test_multi_objective_directions_round_trip(storage: BaseStorage) -> None:
    directions = [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE]
    study_id = storage.create_new_study(directions, "multi")
    assert storage.get_study_directions(study_id) == directions


def test_unknown_study_raises_key_error(storage: BaseStorage) -> None:
    with pytest.raises(KeyError):
        storage.get_study_id_from_name("nope")
    with pytest.raises(KeyError):
        storage.get_study_name_from_id(987654)
    with pytest.raises(KeyError):
        storage.get_study_directions(987654)
    with pytest.raises(KeyError):
        storage.create_new_trial(987654)
    with pytest.raises(KeyError):
        storage.get_all_trials(987654)
    with pytest.raises(KeyError):
        storage.delete_study(987654)


def test_study_attrs_are_set_and_copied_on_read(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "attrs")
    storage.set_study_user_attr(study_id, "u", {"nested": [1, 2]})
    storage.set_study_system_attr(study_id, "s", "v")
    user = storage.get_study_user_attrs(study_id)
    assert user == {"u": {"nested": [1, 2]}}
    assert storage.get_study_system_attrs(study_id) == {"s": "v"}
    user["u"] = "changed"
    assert storage.get_study_user_attrs(study_id) == {"u": {"nested": [1, 2]}}


def test_all_studies_are_listed(storage: BaseStorage) -> None:
    a = storage.create_new_study(MIN, "a")
    b = storage.create_new_study([StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE], "b")
    storage.set_study_user_attr(b, "k", 1)
    studies = {s.study_name: s for s in storage.get_all_studies()}
    assert set(studies) == {"a", "b"}
    assert studies["a"]._study_id == a and studies["a"].directions == MIN
    assert studies["b"].directions == [StudyDirection.MAXIMIZE, StudyDirection.MINIMIZE]
    assert studies["b"].user_attrs == {"k": 1}


def test_deleted_study_is_gone_with_its_trials_and_its_name_is_free(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "gone")
    trial_id = storage.create_new_trial(study_id)
    storage.delete_study(study_id)
    with pytest.raises(KeyError):
        storage.get_study_id_from_name("gone")
    with pytest.raises(KeyError):
        storage.get_trial(trial_id)
    new_id = storage.create_new_study(MIN, "gone")
    assert storage.get_all_trials(new_id) == []


# Trials --------------------------------------------------------------------------------------------------------


def test_new_trial_is_running_and_numbered_densely_per_study(storage: BaseStorage) -> None:
    s1 = storage.create_new_study(MIN, "s1")
    s2 = storage.create_new_study(MIN, "s2")
    ids1 = [storage.create_new_trial(s1) for _ in range(3)]
    ids2 = [storage.create_new_trial(s2) for _ in range(2)]
    assert len(set(ids1 + ids2)) == 5
    assert [storage.get_trial(t).number for t in ids1] == [0, 1, 2]
    assert [storage.get_trial(t).number for t in ids2] == [0, 1]
    trial = storage.get_trial(ids1[0])
    assert trial.state == TrialState.RUNNING
    assert isinstance(trial.datetime_start, datetime.datetime)
    assert trial.datetime_complete is None
    assert trial.params == {} and trial.values is None
    assert storage.get_trial_number_from_id(ids2[1]) == 1
    assert storage.get_trial_id_from_study_id_trial_number(s1, 2) == ids1[2]
    with pytest.raises(KeyError):
        storage.get_trial_id_from_study_id_trial_number(s1, 3)


def test_template_trial_is_copied_whole(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "tmpl")
    template = create_trial(
        state=TrialState.COMPLETE,
        value=1.5,
        params={"x": 0.25, "n": 3, "c": "b"},
        distributions={
            "x": FloatDistribution(0, 1),
            "n": IntDistribution(0, 10),
            "c": CategoricalDistribution(["a", "b"]),
        },
        user_attrs={"u": [1, 2]},
        system_attrs={"s": {"k": "v"}},
        intermediate_values={0: 3.0, 4: 2.5},
    )
    trial_id = storage.create_new_trial(study_id, template_trial=template)
    got = storage.get_trial(trial_id)
    assert got.number == 0 and got._trial_id == trial_id
    assert got.state == TrialState.COMPLETE and got.value == 1.5
    assert got.params == {"x": 0.25, "n": 3, "c": "b"}
    assert got.distributions == template.distributions
    assert got.user_attrs == {"u": [1, 2]} and got.system_attrs == {"s": {"k": "v"}}
    assert got.intermediate_values == {0: 3.0, 4: 2.5}
    assert got.datetime_start is not None and got.datetime_complete is not None


def test_waiting_template_then_popped_exactly_once(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "wait")
    trial_id = storage.create_new_trial(study_id, template_trial=create_trial(state=TrialState.WAITING))
    waiting = storage.get_trial(trial_id)
    assert waiting.state == TrialState.WAITING and waiting.datetime_start is None
    assert storage.set_trial_state_values(trial_id, TrialState.RUNNING) is True
    assert storage.set_trial_state_values(trial_id, TrialState.RUNNING) is False
    popped = storage.get_trial(trial_id)
    assert popped.state == TrialState.RUNNING and popped.datetime_start is not None


def test_params_are_stored_in_external_form(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "params")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
    storage.set_trial_param(trial_id, "n", 7.0, IntDistribution(0, 10))
    storage.set_trial_param(trial_id, "c", 1.0, CategoricalDistribution(["a", None]))
    trial = storage.get_trial(trial_id)
    assert trial.params == {"x": 0.5, "n": 7, "c": None}
    assert isinstance(trial.params["n"], int)
    assert trial.distributions["c"] == CategoricalDistribution(["a", None])


def test_incompatible_distribution_for_a_known_name_is_refused(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "compat")
    t0 = storage.create_new_trial(study_id)
    storage.set_trial_param(t0, "x", 0.5, FloatDistribution(0, 1))
    t1 = storage.create_new_trial(study_id)
    with pytest.raises(ValueError):
        storage.set_trial_param(t1, "x", 1.0, CategoricalDistribution(["a", "b"]))
    storage.set_trial_param(t1, "x", 3.0, FloatDistribution(0, 5))  # a moved range is fine


def test_finished_trials_are_immutable(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "immutable")
    for state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_state_values(trial_id, state, [1.0] if state == TrialState.COMPLETE else None)
        with pytest.raises(UpdateFinishedTrialError):
            storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
        with pytest.raises(UpdateFinishedTrialError):
            storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.0])
        with pytest.raises(UpdateFinishedTrialError):
            storage.set_trial_intermediate_value(trial_id, 1, 1.0)
        with pytest.raises(UpdateFinishedTrialError):
            storage.set_trial_user_attr(trial_id, "k", 1)
        with pytest.raises(UpdateFinishedTrialError):
            storage.set_trial_system_attr(trial_id, "k", 1)
        assert storage.get_trial(trial_id).state == state


def test_completion_records_values_and_time(storage: BaseStorage) -> None:
    study_id = storage.create_new_study([StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE], "values")
    trial_id = storage.create_new_trial(study_id)
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.25, -3.0]) is True
    trial = storage.get_trial(trial_id)
    assert trial.values == [1.25, -3.0]
    assert trial.datetime_complete is not None
    assert trial.datetime_start is not None and trial.datetime_complete >= trial.datetime_start


def test_infinite_values_round_trip(storage: BaseStorage) -> None:
    study_id = storage.create_new_study([StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE], "inf")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_intermediate_value(trial_id, 0, float("inf"))
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float("inf"), float("-inf")])
    trial = storage.get_trial(trial_id)
    assert trial.values == [float("inf"), float("-inf")]
    assert trial.intermediate_values == {0: float("inf")}


def test_intermediate_values_and_trial_attrs(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "iv")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_intermediate_value(trial_id, 0, 1.0)
    storage.set_trial_intermediate_value(trial_id, 5, 0.5)
    storage.set_trial_intermediate_value(trial_id, 5, 0.25)
    storage.set_trial_user_attr(trial_id, "u", {"a": [1, "b"]})
    storage.set_trial_system_attr(trial_id, "s", 3)
    trial = storage.get_trial(trial_id)
    assert trial.intermediate_values == {0: 1.0, 5: 0.25}
    assert trial.user_attrs == {"u": {"a": [1, "b"]}}
    assert trial.system_attrs == {"s": 3}
    assert storage.get_trial_user_attrs(trial_id) == {"u": {"a": [1, "b"]}}
    assert storage.get_trial_system_attrs(trial_id) == {"s": 3}


def test_unknown_trial_raises_key_error(storage: BaseStorage) -> None:
    storage.create_new_study(MIN, "unknown")
    with pytest.raises(KeyError):
        storage.get_trial(987654)
    with pytest.raises(KeyError):
        storage.set_trial_state_values(987654, TrialState.COMPLETE, [1.0])
    with pytest.raises(KeyError):
        storage.set_trial_param(987654, "x", 0.5, FloatDistribution(0, 1))


def test_reads_are_copies(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "copies")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
    storage.set_trial_user_attr(trial_id, "u", [1])
    got = storage.get_trial(trial_id)
    got.params["x"] = 99.0
    got.user_attrs["u"].append(2)
    all_trials = storage.get_all_trials(study_id, deepcopy=True)
    all_trials[0].params["y"] = 1
    fresh = storage.get_trial(trial_id)
    assert fresh.params == {"x": 0.5}
    assert fresh.user_attrs == {"u": [1]}


def test_all_trials_are_ordered_and_filtered_by_state(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "filter")
    ids = [storage.create_new_trial(study_id) for _ in range(6)]
    _finish(storage, ids[4], 1.0)
    _finish(storage, ids[1], 2.0)
    storage.set_trial_state_values(ids[2], TrialState.PRUNED)
    storage.set_trial_state_values(ids[3], TrialState.FAIL)
    trials = storage.get_all_trials(study_id)
    assert [t.number for t in trials] == [0, 1, 2, 3, 4, 5]
    complete = storage.get_all_trials(study_id, deepcopy=False, states=(TrialState.COMPLETE,))
    assert [t.number for t in complete] == [1, 4]
    running = storage.get_all_trials(study_id, states=(TrialState.RUNNING,))
    assert [t.number for t in running] == [0, 5]
    assert storage.get_n_trials(study_id) == 6
    assert storage.get_n_trials(study_id, TrialState.COMPLETE) == 2
    assert storage.get_n_trials(study_id, (TrialState.PRUNED, TrialState.FAIL)) == 2


@pytest.mark.parametrize("directions,best_number", [(MIN, 2), (MAX, 1)])
def test_best_trial_follows_the_direction(
    storage: BaseStorage, directions: list[StudyDirection], best_number: int
) -> None:
    study_id = storage.create_new_study(directions, "best")
    with pytest.raises(ValueError):
        storage.get_best_trial(study_id)
    ids = [storage.create_new_trial(study_id) for _ in range(4)]
    for trial_id, value in zip(ids, [3.0, 9.0, -1.0]):
        _finish(storage, trial_id, value)
    storage.set_trial_state_values(ids[3], TrialState.FAIL)
    assert storage.get_best_trial(study_id).number == best_number


def test_best_trial_of_multi_objective_study_raises(storage: BaseStorage) -> None:
    study_id = storage.create_new_study([StudyDirection.MINIMIZE, StudyDirection.MINIMIZE], "mo")
    _finish_multi = storage.create_new_trial(study_id)
    storage.set_trial_state_values(_finish_multi, TrialState.COMPLETE, [1.0, 2.0])
    with pytest.raises(RuntimeError):
        storage.get_best_trial(study_id)


def test_concurrent_trial_creation_gives_dense_numbers(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "threads")
    created: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                trial_id = storage.create_new_trial(study_id)
                _finish(storage, trial_id, 0.0)
                with lock:
                    created.append(trial_id)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(t.number for t in storage.get_all_trials(study_id))
    assert numbers == list(range(30))
    assert len(set(created)) == 30


def test_a_waiting_trial_is_claimed_by_exactly_one_thread(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "claims")
    waiting = [
        storage.create_new_trial(study_id, template_trial=create_trial(state=TrialState.WAITING))
        for _ in range(5)
    ]
    wins: list[int] = []
    lock = threading.Lock()

    def claim() -> None:
        for trial_id in waiting:
            if storage.set_trial_state_values(trial_id, TrialState.RUNNING):
                with lock:
                    wins.append(trial_id)

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == sorted(waiting)


def test_frozen_trials_compare_equal_after_round_trip(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "eq")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
    _finish(storage, trial_id, 1.0)
    a = storage.get_trial(trial_id)
    b = storage.get_all_trials(study_id)[0]
    assert isinstance(a, FrozenTrial) and a == b


# What storages accept and refuse (pyhpo/storages/_validation.py) -------------------------------------------

NAN, INF = float("nan"), float("inf")
# Floats Optuna's storage tests store (tests/storages_tests/test_with_server.py: FLOAT_ATTRS).
FLOATS = {"zero": 0.0, "max": sys.float_info.max, "-max": -sys.float_info.max, "min": sys.float_info.min,
          "nan": NAN, "inf": INF, "-inf": -INF}  # fmt: skip


def _backend(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["storage"])


def _same_float(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _stored(storage: BaseStorage, study_id: int, trial_id: int) -> FrozenTrial:
    """The trial as the storage's medium has it: finished (so no writer-side copy answers), then listed."""
    _finish(storage, trial_id, 0.0)
    (trial,) = [t for t in storage.get_all_trials(study_id) if t._trial_id == trial_id]
    assert storage.get_trial(trial_id) == trial or trial.params != trial.params  # NaN is never == itself
    return trial


@pytest.mark.parametrize("key", sorted(FLOATS))
def test_float_parameters_with_any_float_bounds_and_value_read_back(
    storage: BaseStorage, request: pytest.FixtureRequest, key: str
) -> None:
    value = FLOATS[key]
    if math.isinf(value) and _backend(request) == "mysql":
        pytest.skip("MySQL has no infinite DOUBLE; see test_mysql_refuses_infinite_parameter_values")
    study_id = storage.create_new_study(MIN, f"floats-{key}")
    trial_id = storage.create_new_trial(study_id)
    point = FloatDistribution(value, value)
    unit = FloatDistribution(0.0, 1.0)
    storage.set_trial_param(trial_id, "point", value, point)
    storage.set_trial_param(trial_id, "outside", value, unit)  # outside [low, high]: Optuna stores it too
    storage.set_trial_param(trial_id, "choice", 0.0, CategoricalDistribution([value]))
    trial = _stored(storage, study_id, trial_id)
    assert _same_float(trial.params["point"], value) and _same_float(trial.params["outside"], value)
    assert _same_float(trial.params["choice"], value)
    assert distribution_to_json(trial.distributions["point"]) == distribution_to_json(point)
    assert trial.distributions["outside"] == unit


def test_mysql_refuses_infinite_parameter_values(
    storage: BaseStorage, request: pytest.FixtureRequest
) -> None:
    if _backend(request) != "mysql":
        pytest.skip("only MySQL lacks an infinite DOUBLE")
    study_id = storage.create_new_study(MIN, "mysql-inf")
    trial_id = storage.create_new_trial(study_id)
    with pytest.raises(ValueError, match="MySQL cannot store the infinite value inf"):
        storage.set_trial_param(trial_id, "x", INF, FloatDistribution(0, 1))
    storage.set_trial_param(trial_id, "bounds", 0.5, FloatDistribution(-INF, INF))  # bounds are JSON: fine
    assert _stored(storage, study_id, trial_id).params == {"bounds": 0.5}


AB = CategoricalDistribution(["a", "b"])
REFUSED_PARAMS = [
    ("index past the end", 99.0, AB, ValueError, "not the index of a choice"),
    ("index == len", 2.0, AB, ValueError, "from 0 to 1"),
    ("negative index", -1.0, AB, ValueError, "not the index of a choice"),
    ("fractional index", 0.5, AB, ValueError, "not the index of a choice"),
    ("nan index", NAN, AB, ValueError, "not the index of a choice"),
    ("inf index", INF, AB, ValueError, "not the index of a choice"),
    ("fractional int", 2.5, IntDistribution(0, 10), ValueError, "is not an integer"),
    ("nan int", NAN, IntDistribution(0, 10), ValueError, "is not an integer"),
    ("inf int", -INF, IntDistribution(0, 10), ValueError, "is not an integer"),
    ("text value", "0.5", FloatDistribution(0, 1), TypeError, "must be a real number"),
]


@pytest.mark.parametrize(
    ("case", "value", "dist", "error", "words"), REFUSED_PARAMS, ids=[c[0] for c in REFUSED_PARAMS]
)
def test_parameter_value_that_would_not_read_back_is_refused_and_nothing_is_stored(
    storage: BaseStorage, case: str, value: Any, dist: Any, error: type[Exception], words: str
) -> None:
    study_id = storage.create_new_study(MIN, "refused")
    trial_id = storage.create_new_trial(study_id)
    with pytest.raises(error, match=words):
        storage.set_trial_param(trial_id, "p", value, dist)
    # Nothing stored, not even the distribution: the name is still free for a distribution of another kind.
    storage.set_trial_param(trial_id, "p", 0.25, FloatDistribution(0, 1))
    assert _stored(storage, study_id, trial_id).params == {"p": 0.25}


def test_numbers_outside_the_range_or_grid_are_stored_as_optuna_stores_them(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "outside")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "i", 7.0, IntDistribution(0, 3))
    storage.set_trial_param(trial_id, "odd", 3.0, IntDistribution(0, 4, step=2))
    storage.set_trial_param(trial_id, "f", 0.3, FloatDistribution(0, 1, step=0.5))
    storage.set_trial_param(trial_id, "last", 1.0, CategoricalDistribution([True, False]))
    assert _stored(storage, study_id, trial_id).params == {"i": 7, "odd": 3, "f": 0.3, "last": False}


def test_values_must_be_one_per_objective_and_not_nan(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "counts")
    trial_id = storage.create_new_trial(study_id)
    with pytest.raises(ValueError, match="values 2 did not match the number of the objectives 1"):
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0, 2.0])
    with pytest.raises(ValueError, match="must not be NaN"):
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [NAN])
    trial = storage.get_trial(trial_id)
    assert trial.state == TrialState.RUNNING and trial.values is None  # the refused changes left no trace
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    assert storage.get_trial(trial_id).values == [1.0]
    assert [t.values for t in storage.get_all_trials(study_id)] == [[1.0]]


def test_state_must_be_a_trial_state(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "state")
    trial_id = storage.create_new_trial(study_id)
    for state in (1, "COMPLETE"):
        with pytest.raises(TypeError, match="state must be a TrialState"):
            storage.set_trial_state_values(trial_id, state, [1.0])  # type: ignore[arg-type]
    assert storage.get_trial(trial_id).state == TrialState.RUNNING


def test_template_with_values_for_another_number_of_objectives_is_refused(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "template")
    with pytest.raises(ValueError, match="did not match the number of the objectives 1"):
        storage.create_new_trial(study_id, template_trial=create_trial(values=[1.0, 2.0]))
    assert storage.get_all_trials(study_id) == []
    storage.create_new_trial(study_id, template_trial=create_trial(value=1.0))
    assert [t.values for t in storage.get_all_trials(study_id)] == [[1.0]]


def test_parameters_read_back_in_both_representations(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "params")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "lr", 0.25, FloatDistribution(0.0, 1.0))
    storage.set_trial_param(trial_id, "depth", 3.0, IntDistribution(1, 8))
    storage.set_trial_param(trial_id, "kind", 1.0, CategoricalDistribution(["a", "b", None]))
    assert storage.get_trial_params(trial_id) == {"lr": 0.25, "depth": 3, "kind": "b"}
    assert storage.get_trial_param(trial_id, "lr") == 0.25
    assert storage.get_trial_param(trial_id, "depth") == 3.0
    assert storage.get_trial_param(trial_id, "kind") == 1.0  # the choice's index
    params = storage.get_trial_params(trial_id)
    params["lr"] = 9.0  # the caller's copy
    assert storage.get_trial_param(trial_id, "lr") == 0.25
    with pytest.raises(KeyError):
        storage.get_trial_param(trial_id, "missing")
    _finish(storage, trial_id, 1.0)  # finished trials read the same, from wherever a backend keeps them
    assert storage.get_trial_params(trial_id) == {"lr": 0.25, "depth": 3, "kind": "b"}
    assert storage.get_trial_param(trial_id, "kind") == 1.0
    for read in (storage.get_trial_params, storage.get_trial_user_attrs, storage.get_trial_system_attrs):
        with pytest.raises(KeyError):
            read(987654)
    with pytest.raises(KeyError):
        storage.get_trial_param(987654, "lr")


def test_check_trial_is_updatable_refuses_only_finished_states(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "updatable")
    first = storage.create_new_trial(study_id)
    second = storage.create_new_trial(study_id)
    for state in (TrialState.RUNNING, TrialState.WAITING):
        storage.check_trial_is_updatable(second, state)  # no error, no round trip needed
    _finish(storage, second, 2.0)
    for state in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL):
        with pytest.raises(
            UpdateFinishedTrialError, match=r"Trial#1 has already finished and can not be updated"
        ):
            storage.check_trial_is_updatable(second, state)
    storage.check_trial_is_updatable(first, TrialState.RUNNING)
    with pytest.raises(KeyError):
        storage.check_trial_is_updatable(987654, TrialState.COMPLETE)


def test_remove_session_leaves_the_storage_usable(storage: BaseStorage) -> None:
    study_id = storage.create_new_study(MIN, "session")
    trial_id = storage.create_new_trial(study_id)
    storage.remove_session()
    storage.remove_session()  # twice, and with nothing held: still no error
    _finish(storage, trial_id, 1.0)
    assert storage.get_n_trials(study_id) == 1
    assert storage.get_trial(trial_id).value == 1.0


def test_every_public_method_of_base_storage_is_exercised() -> None:
    """Fails when BaseStorage gains a public method that no test of this module calls."""
    import ast

    from pyhpo.storages import BaseStorage

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    # Called (``storage.get_trial(...)``) or passed around (``for read in (storage.get_trial_params, ...)``).
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    public = {
        name for name in dir(BaseStorage) if not name.startswith("_") and callable(getattr(BaseStorage, name))
    }
    assert public >= {
        "create_new_study",
        "get_trial_param",
        "check_trial_is_updatable",
    }  # the scan found them
    assert sorted(public - used) == []
