"""Every public storage method, called the same way through Optuna and pyhpo, with good and bad arguments.

Each script runs once through ``optuna`` and once through ``pyhpo`` on a fresh storage of the same kind
(InMemoryStorage, RDBStorage on SQLite, JournalStorage on a file) and must give the same result, exception
(class and message), warnings and log lines (see ``_diff.py``). The storage-level API is what plug-ins,
dashboards and scripts that manage studies call directly, so its KeyError wording, its exception classes and its
edge cases are part of the interface. The differences kept on purpose are at the end, each with its reason.
"""

from __future__ import annotations

import itertools
import math
import pickle
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy

from tests.compat._diff import assert_same, observe, optuna

Make = Callable[[ModuleType], Any]
Script = Callable[[ModuleType, Make], Any]
SCRIPTS: dict[str, Script] = {}
KINDS = ["in_memory", "sqlite", "journal"]
_counter = itertools.count()


def script(f: Script) -> Script:
    SCRIPTS[f.__name__] = f
    return f


@pytest.fixture
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], Make]:
    """``make_storage(kind)(lib)``: a fresh, empty storage of ``kind`` from ``lib``."""

    def factory(kind: str) -> Make:
        def make(lib: ModuleType) -> Any:
            n = next(_counter)
            if kind == "in_memory":
                return lib.storages.InMemoryStorage()
            if kind == "sqlite":
                storage = lib.storages.RDBStorage(f"sqlite:///{tmp_path}/{lib.__name__}-{n}.db")
                request.addfinalizer(storage.engine.dispose)
                return storage
            backend = lib.storages.journal.JournalFileBackend(str(tmp_path / f"{lib.__name__}-{n}.log"))
            return lib.storages.JournalStorage(backend)

        return make

    return factory


def _min(lib: ModuleType) -> list[Any]:
    return [lib.study.StudyDirection.MINIMIZE]


def _summary(trial: Any) -> tuple[Any, ...]:
    """What a FrozenTrial says, as plain values (datetimes only as present or not)."""
    return (
        trial.number,
        trial.state.name,
        trial.values,
        trial.params,
        {name: repr(d) for name, d in trial.distributions.items()},
        {step: "nan" if math.isnan(v) else v for step, v in trial.intermediate_values.items()},
        trial.user_attrs,
        trial.system_attrs,
        trial.datetime_start is not None,
        trial.datetime_complete is not None,
    )


def _study_with_trial(lib: ModuleType, make: Make, state: str = "COMPLETE") -> tuple[Any, int, int]:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "s")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, lib.distributions.FloatDistribution(0, 1))
    if state != "RUNNING":
        values = [1.0] if state == "COMPLETE" else None
        storage.set_trial_state_values(trial_id, lib.trial.TrialState[state], values)
    return storage, study_id, trial_id


# studies ----------------------------------------------------------------------------------------------------------


@script
def create_and_read_a_study(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study([lib.study.StudyDirection.MAXIMIZE], "named")
    return (
        storage.get_study_id_from_name("named") == study_id,
        storage.get_study_name_from_id(study_id),
        [d.name for d in storage.get_study_directions(study_id)],
        storage.get_study_user_attrs(study_id),
        storage.get_study_system_attrs(study_id),
        storage.get_n_trials(study_id),
    )


@script
def create_a_study_without_a_name(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib))
    return storage.get_study_name_from_id(study_id)


@script
def create_a_study_with_two_directions(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    d = lib.study.StudyDirection
    study_id = storage.create_new_study([d.MINIMIZE, d.MAXIMIZE], "two")
    return [x.name for x in storage.get_study_directions(study_id)]


@script
def duplicated_study_name(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    storage.create_new_study(_min(lib), "dup")
    storage.create_new_study(_min(lib), "dup")


@script
def study_id_from_a_missing_name(lib: ModuleType, make: Make) -> Any:
    make(lib).get_study_id_from_name("nope")


@script
def study_name_from_a_missing_id(lib: ModuleType, make: Make) -> Any:
    make(lib).get_study_name_from_id(999)


@script
def directions_of_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).get_study_directions(999)


@script
def user_attrs_of_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).get_study_user_attrs(999)


@script
def system_attrs_of_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).get_study_system_attrs(999)


@script
def set_user_attr_of_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).set_study_user_attr(999, "k", 1)


@script
def set_system_attr_of_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).set_study_system_attr(999, "k", 1)


@script
def study_attrs_round_trip(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "attrs")
    storage.set_study_user_attr(study_id, "u", {"a": [1, 2]})
    storage.set_study_user_attr(study_id, "u", "overwritten")
    storage.set_study_system_attr(study_id, "s", 3.5)
    return storage.get_study_user_attrs(study_id), storage.get_study_system_attrs(study_id)


@script
def get_all_studies(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    first = storage.create_new_study(_min(lib), "first")
    storage.create_new_study([lib.study.StudyDirection.MAXIMIZE], "second")
    storage.set_study_user_attr(first, "u", 1)
    storage.create_new_trial(first)
    return sorted(
        (s.study_name, [d.name for d in s.directions], s.user_attrs, s.system_attrs)
        for s in storage.get_all_studies()
    )


@script
def delete_a_study(lib: ModuleType, make: Make) -> Any:
    storage, study_id, _ = _study_with_trial(lib, make)
    storage.delete_study(study_id)
    names = [s.study_name for s in storage.get_all_studies()]
    try:
        storage.get_study_name_from_id(study_id)
    except KeyError as e:
        return names, str(e)
    return names, None


@script
def delete_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).delete_study(999)


@script
def a_deleted_name_can_be_used_again(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    storage.delete_study(storage.create_new_study(_min(lib), "again"))
    study_id = storage.create_new_study(_min(lib), "again")
    return storage.get_study_name_from_id(study_id), storage.get_n_trials(study_id)


# creating trials --------------------------------------------------------------------------------------------------


@script
def create_trials(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "t")
    ids = [storage.create_new_trial(study_id) for _ in range(3)]
    return [storage.get_trial_number_from_id(i) for i in ids], [_summary(storage.get_trial(i)) for i in ids]


@script
def create_a_trial_in_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).create_new_trial(999)


@script
def create_a_trial_from_a_template(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "tpl")
    template = lib.trial.create_trial(
        params={"x": 0.25, "c": "b"},
        distributions={
            "x": lib.distributions.FloatDistribution(0, 1),
            "c": lib.distributions.CategoricalDistribution(["a", "b"]),
        },
        value=2.0,
        intermediate_values={0: 3.0, 1: float("nan")},
        user_attrs={"u": [1]},
        system_attrs={"s": "x"},
    )
    trial_id = storage.create_new_trial(study_id, template_trial=template)
    return _summary(storage.get_trial(trial_id))


@script
def create_a_waiting_trial_from_a_template(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "wait")
    template = lib.trial.create_trial(state=lib.trial.TrialState.WAITING, params={}, distributions={})
    trial_id = storage.create_new_trial(study_id, template_trial=template)
    popped = storage.set_trial_state_values(trial_id, lib.trial.TrialState.RUNNING)
    again = storage.set_trial_state_values(trial_id, lib.trial.TrialState.RUNNING)
    return popped, again, _summary(storage.get_trial(trial_id))


# updating trials --------------------------------------------------------------------------------------------------


@script
def set_params_values_and_attrs(lib: ModuleType, make: Make) -> Any:
    storage, _, trial_id = _study_with_trial(lib, make, "RUNNING")
    storage.set_trial_param(trial_id, "n", 3, lib.distributions.IntDistribution(1, 5))
    storage.set_trial_param(trial_id, "c", 1, lib.distributions.CategoricalDistribution(["a", "b", None]))
    storage.set_trial_intermediate_value(trial_id, 0, 0.5)
    storage.set_trial_intermediate_value(trial_id, 0, 0.25)
    storage.set_trial_intermediate_value(trial_id, 3, float("inf"))
    storage.set_trial_user_attr(trial_id, "u", [1, "a"])
    storage.set_trial_system_attr(trial_id, "s", {"k": None})
    finished = storage.set_trial_state_values(trial_id, lib.trial.TrialState.COMPLETE, [float("-inf")])
    return (
        finished,
        _summary(storage.get_trial(trial_id)),
        storage.get_trial_params(trial_id),
        storage.get_trial_user_attrs(trial_id),
        storage.get_trial_system_attrs(trial_id),
    )


def _on_finished(action: str) -> Script:
    def run(lib: ModuleType, make: Make) -> Any:
        storage, _, trial_id = _study_with_trial(lib, make, "COMPLETE")
        dist = lib.distributions.FloatDistribution(0, 1)
        state = lib.trial.TrialState
        {
            "param": lambda: storage.set_trial_param(trial_id, "y", 0.5, dist),
            "same_param": lambda: storage.set_trial_param(trial_id, "x", 0.5, dist),
            "state": lambda: storage.set_trial_state_values(trial_id, state.FAIL),
            "values": lambda: storage.set_trial_state_values(trial_id, state.COMPLETE, [2.0]),
            "running": lambda: storage.set_trial_state_values(trial_id, state.RUNNING),
            "intermediate": lambda: storage.set_trial_intermediate_value(trial_id, 1, 0.5),
            "user_attr": lambda: storage.set_trial_user_attr(trial_id, "k", 1),
            "system_attr": lambda: storage.set_trial_system_attr(trial_id, "k", 1),
        }[action]()

    run.__name__ = f"update_a_finished_trial_{action}"
    return run


for _action in (
    "param",
    "same_param",
    "state",
    "values",
    "running",
    "intermediate",
    "user_attr",
    "system_attr",
):
    script(_on_finished(_action))


def _on_missing_trial(action: str) -> Script:
    def run(lib: ModuleType, make: Make) -> Any:
        storage = make(lib)
        storage.create_new_study(_min(lib), "s")
        dist = lib.distributions.FloatDistribution(0, 1)
        state = lib.trial.TrialState
        return {
            "get_trial": lambda: storage.get_trial(999),
            "number": lambda: storage.get_trial_number_from_id(999),
            "params": lambda: storage.get_trial_params(999),
            "user_attrs": lambda: storage.get_trial_user_attrs(999),
            "system_attrs": lambda: storage.get_trial_system_attrs(999),
            "param": lambda: storage.set_trial_param(999, "x", 0.5, dist),
            "state": lambda: storage.set_trial_state_values(999, state.COMPLETE, [1.0]),
            "intermediate": lambda: storage.set_trial_intermediate_value(999, 0, 1.0),
            "user_attr": lambda: storage.set_trial_user_attr(999, "k", 1),
            "system_attr": lambda: storage.set_trial_system_attr(999, "k", 1),
        }[action]()

    run.__name__ = f"missing_trial_{action}"
    return run


for _action in ("get_trial", "number", "params", "user_attrs", "system_attrs", "param", "state", "intermediate",
                "user_attr", "system_attr"):  # fmt: skip
    script(_on_missing_trial(_action))


@script
def incompatible_distribution_for_a_param_name(lib: ModuleType, make: Make) -> Any:
    storage, study_id, _ = _study_with_trial(lib, make, "COMPLETE")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 1, lib.distributions.CategoricalDistribution(["a", "b"]))


@script
def compatible_distribution_with_another_range(lib: ModuleType, make: Make) -> Any:
    storage, study_id, _ = _study_with_trial(lib, make, "COMPLETE")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 3.0, lib.distributions.FloatDistribution(2, 4))
    return _summary(storage.get_trial(trial_id))


@script
def incompatible_distribution_within_one_trial(lib: ModuleType, make: Make) -> Any:
    storage, _, trial_id = _study_with_trial(lib, make, "RUNNING")
    storage.set_trial_param(trial_id, "x", 0, lib.distributions.IntDistribution(0, 3))


@script
def pruned_and_failed_trials(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "s")
    state = lib.trial.TrialState
    out = []
    for final in (state.PRUNED, state.FAIL):
        trial_id = storage.create_new_trial(study_id)
        out.append(storage.set_trial_state_values(trial_id, final))
        out.append(_summary(storage.get_trial(trial_id)))
    return out


# reading trials ---------------------------------------------------------------------------------------------------


def _mixed_study(lib: ModuleType, make: Make) -> tuple[Any, int]:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "mixed")
    state = lib.trial.TrialState
    for final, values in ((state.COMPLETE, [3.0]), (state.PRUNED, None), (state.COMPLETE, [1.0]),
                          (state.FAIL, None), (None, None), (state.COMPLETE, [2.0])):  # fmt: skip
        trial_id = storage.create_new_trial(study_id)
        if final is not None:
            storage.set_trial_state_values(trial_id, final, values)
    return storage, study_id


@script
def get_all_trials_by_state(lib: ModuleType, make: Make) -> Any:
    storage, study_id = _mixed_study(lib, make)
    state = lib.trial.TrialState
    return (
        [_summary(t) for t in storage.get_all_trials(study_id)],
        [t.number for t in storage.get_all_trials(study_id, states=(state.COMPLETE,))],
        [
            t.number
            for t in storage.get_all_trials(study_id, deepcopy=False, states=[state.PRUNED, state.FAIL])
        ],
        [t.number for t in storage.get_all_trials(study_id, states=())],
        [t.number for t in storage.get_all_trials(study_id, states={state.RUNNING})],
    )


@script
def get_n_trials_by_state(lib: ModuleType, make: Make) -> Any:
    storage, study_id = _mixed_study(lib, make)
    state = lib.trial.TrialState
    return (
        storage.get_n_trials(study_id),
        storage.get_n_trials(study_id, state=state.COMPLETE),
        storage.get_n_trials(study_id, state=(state.PRUNED, state.FAIL)),
    )


@script
def get_all_trials_of_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).get_all_trials(999)


@script
def get_n_trials_of_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).get_n_trials(999)


@script
def deepcopy_false_and_true_give_equal_trials(lib: ModuleType, make: Make) -> Any:
    storage, study_id = _mixed_study(lib, make)
    return [_summary(t) for t in storage.get_all_trials(study_id, deepcopy=False)] == [
        _summary(t) for t in storage.get_all_trials(study_id, deepcopy=True)
    ]


@script
def get_best_trial(lib: ModuleType, make: Make) -> Any:
    storage, study_id = _mixed_study(lib, make)
    return _summary(storage.get_best_trial(study_id))


@script
def get_best_trial_maximize(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study([lib.study.StudyDirection.MAXIMIZE], "max")
    for v in (1.0, 5.0, 3.0):
        storage.set_trial_state_values(storage.create_new_trial(study_id), lib.trial.TrialState.COMPLETE, [v])
    return storage.get_best_trial(study_id).number


@script
def get_best_trial_of_an_empty_study(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    storage.get_best_trial(storage.create_new_study(_min(lib), "empty"))


@script
def get_best_trial_without_complete_trials(lib: ModuleType, make: Make) -> Any:
    storage, study_id, _ = _study_with_trial(lib, make, "PRUNED")
    storage.get_best_trial(study_id)


@script
def get_best_trial_of_a_multi_objective_study(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    d = lib.study.StudyDirection
    study_id = storage.create_new_study([d.MINIMIZE, d.MAXIMIZE], "mo")
    storage.set_trial_state_values(storage.create_new_trial(study_id), lib.trial.TrialState.COMPLETE, [1, 2])
    storage.get_best_trial(study_id)


@script
def get_best_trial_of_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).get_best_trial(999)


@script
def trial_id_from_number(lib: ModuleType, make: Make) -> Any:
    storage, study_id = _mixed_study(lib, make)
    ids = [storage.get_trial_id_from_study_id_trial_number(study_id, n) for n in range(6)]
    return [storage.get_trial_number_from_id(i) for i in ids]


@script
def trial_id_from_a_missing_number(lib: ModuleType, make: Make) -> Any:
    storage, study_id = _mixed_study(lib, make)
    storage.get_trial_id_from_study_id_trial_number(study_id, 6)


@script
def trial_id_from_a_number_in_a_missing_study(lib: ModuleType, make: Make) -> Any:
    make(lib).get_trial_id_from_study_id_trial_number(999, 0)


@script
def trial_of_another_study_keeps_its_number(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    a = storage.create_new_study(_min(lib), "a")
    b = storage.create_new_study(_min(lib), "b")
    storage.create_new_trial(a)
    trial_id = storage.create_new_trial(b)
    return storage.get_trial(trial_id).number, storage.get_n_trials(a), storage.get_n_trials(b)


@script
def storage_pickles_and_keeps_its_studies(lib: ModuleType, make: Make) -> Any:
    storage, study_id = _mixed_study(lib, make)
    clone = pickle.loads(pickle.dumps(storage))
    return [_summary(t) for t in clone.get_all_trials(study_id)] == [
        _summary(t) for t in storage.get_all_trials(study_id)
    ]


# more edge cases ---------------------------------------------------------------------------------------------------


@script
def get_all_studies_of_an_empty_storage(lib: ModuleType, make: Make) -> Any:
    return make(lib).get_all_studies()


@script
def study_id_from_the_name_of_a_deleted_study(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    storage.delete_study(storage.create_new_study(_min(lib), "gone"))
    storage.get_study_id_from_name("gone")


@script
def study_attr_that_is_not_json(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "json")
    storage.set_study_user_attr(study_id, "k", {1, 2})
    return storage.get_study_user_attrs(study_id)


@script
def trial_attr_that_is_not_json(lib: ModuleType, make: Make) -> Any:
    storage, _, trial_id = _study_with_trial(lib, make, "RUNNING")
    storage.set_trial_user_attr(trial_id, "k", object())
    return {k: type(v).__name__ for k, v in storage.get_trial_user_attrs(trial_id).items()}


@script
def unicode_names_and_attrs(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "é-研究")
    storage.set_study_user_attr(study_id, "ключ", "値")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "π", 0, lib.distributions.CategoricalDistribution(["α", "β"]))
    return (
        storage.get_study_id_from_name("é-研究") == study_id,
        storage.get_study_user_attrs(study_id),
        (storage.get_trial(trial_id).params),
    )


@script
def state_transitions(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "states")
    state = lib.trial.TrialState
    template = lib.trial.create_trial(state=state.WAITING, params={}, distributions={})
    trial_id = storage.create_new_trial(study_id, template_trial=template)
    out = [storage.get_trial(trial_id).state.name]
    out.append(storage.set_trial_state_values(trial_id, state.COMPLETE, [1.5]))
    out.append(_summary(storage.get_trial(trial_id)))
    return out


@script
def running_to_running_is_refused(lib: ModuleType, make: Make) -> Any:
    storage, _, trial_id = _study_with_trial(lib, make, "RUNNING")
    return storage.set_trial_state_values(trial_id, lib.trial.TrialState.RUNNING), _summary(
        storage.get_trial(trial_id)
    )


@script
def running_to_waiting(lib: ModuleType, make: Make) -> Any:
    storage, _, trial_id = _study_with_trial(lib, make, "RUNNING")
    return storage.set_trial_state_values(trial_id, lib.trial.TrialState.WAITING), _summary(
        storage.get_trial(trial_id)
    )


@script
def complete_with_two_values(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    d = lib.study.StudyDirection
    study_id = storage.create_new_study([d.MINIMIZE, d.MAXIMIZE], "mo")
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_state_values(trial_id, lib.trial.TrialState.COMPLETE, [1.0, float("inf")])
    return _summary(storage.get_trial(trial_id))


@script
def check_trial_is_updatable(lib: ModuleType, make: Make) -> Any:
    storage, _, trial_id = _study_with_trial(lib, make, "COMPLETE")
    storage.check_trial_is_updatable(trial_id, lib.trial.TrialState.RUNNING)
    storage.check_trial_is_updatable(trial_id, lib.trial.TrialState.COMPLETE)


@script
def same_param_set_twice_in_a_running_trial(lib: ModuleType, make: Make) -> Any:
    storage, _, trial_id = _study_with_trial(lib, make, "RUNNING")
    storage.set_trial_param(trial_id, "x", 0.75, lib.distributions.FloatDistribution(0, 1))
    return storage.get_trial(trial_id).params


@script
def system_attrs_of_a_study_round_trip_through_get_all_studies(lib: ModuleType, make: Make) -> Any:
    storage = make(lib)
    study_id = storage.create_new_study(_min(lib), "sys")
    storage.set_study_system_attr(study_id, "s", [1, {"a": None}])
    return [s.system_attrs for s in storage.get_all_studies()]


@script
def trial_params_attrs_of_a_running_trial(lib: ModuleType, make: Make) -> Any:
    storage, _, trial_id = _study_with_trial(lib, make, "RUNNING")
    storage.set_trial_user_attr(trial_id, "u", 1)
    storage.set_trial_system_attr(trial_id, "s", 2)
    return (storage.get_trial_params(trial_id), storage.get_trial_user_attrs(trial_id),
            storage.get_trial_system_attrs(trial_id))  # fmt: skip


# Differences kept on purpose: (script, storage kind or "*") -> why pyhpo differs. Each is checked to still differ:
# when Optuna or pyhpo changes so that both agree, the test fails and the entry must go.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("duplicated_study_name", "*"): (
        "Optuna's storages raise a bare DuplicatedStudyError (empty message); pyhpo's name the study. Users of "
        "create_study see Optuna's full message either way: create_study re-raises with Optuna's text."
    ),
    ("trial_id_from_a_number_in_a_missing_study", "journal"): (
        "Optuna's JournalStorage leaks a dict lookup, KeyError(999); pyhpo raises KeyError('Record does not "
        "exist.'), the wording Optuna uses for every other missing record of that storage."
    ),
    ("incompatible_distribution_for_a_param_name", "in_memory"): (
        "pyhpo's InMemoryStorage prefixes the parameter name (\"Parameter 'x': ...\"); owned by the in-memory "
        "storage, reported to its owner."
    ),
    ("incompatible_distribution_within_one_trial", "in_memory"): (
        "Same prefix as incompatible_distribution_for_a_param_name."
    ),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_storage_method_behaves_as_in_optuna(
    name: str, kind: str, make_storage: Callable[[str], Make]
) -> None:
    make = make_storage(kind)
    reason = KNOWN_DIFFERENCES.get((name, kind)) or KNOWN_DIFFERENCES.get((name, "*"))
    if reason is None:
        assert_same(lambda lib: SCRIPTS[name](lib, make))
        return
    import pyhpo

    theirs = observe(optuna, lambda lib: SCRIPTS[name](lib, make))
    ours = observe(pyhpo, lambda lib: SCRIPTS[name](lib, make))
    assert ours != theirs, f"no longer differs: take ({name!r}, {kind!r}) off KNOWN_DIFFERENCES"
    # Only the message differs: the same result, exception class, warnings and logs.
    assert (ours.result, ours.warnings, ours.logs) == (theirs.result, theirs.warnings, theirs.logs)
    assert (ours.error is None) == (theirs.error is None)
    if ours.error is not None and theirs.error is not None:
        assert ours.error[0] == theirs.error[0]


# RDBStorage: constructor options, warnings and the attributes user code touches --------------------------------


def _rdb(tmp_path: Path, **kwargs: Any) -> Callable[[ModuleType], Any]:
    def run(lib: ModuleType) -> Any:
        storage = lib.storages.RDBStorage(
            f"sqlite:///{tmp_path}/{lib.__name__}-{next(_counter)}.db", **kwargs
        )
        storage.engine.dispose()
        return (storage.heartbeat_interval, storage.grace_period,
                storage.heartbeat_stale_trial_callback is storage.failed_trial_callback)  # fmt: skip

    return run


def _callback(study: Any, trial: Any) -> None:
    pass


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"heartbeat_interval": 60},
        {"heartbeat_interval": 60, "grace_period": 120},
        {"grace_period": 10},
        {"heartbeat_interval": 0},
        {"heartbeat_interval": -5},
        {"grace_period": 0},
        {"heartbeat_interval": 60, "failed_trial_callback": _callback},
        {"heartbeat_interval": 60, "heartbeat_stale_trial_callback": _callback},
        {"failed_trial_callback": _callback, "heartbeat_stale_trial_callback": _callback},
        {"heartbeat_interval": 0, "failed_trial_callback": _callback},
        {"skip_table_creation": False, "skip_compatibility_check": True},
    ],
    ids=lambda kwargs: ",".join(kwargs) or "defaults",
)
def test_rdb_storage_options_validate_and_warn_as_in_optuna(tmp_path: Path, kwargs: dict[str, Any]) -> None:
    assert_same(_rdb(tmp_path, **kwargs))


def test_rdb_storage_positional_arguments_are_optunas(tmp_path: Path) -> None:
    # The third positional argument is skip_compatibility_check in Optuna (pyhpo had skip_table_creation).
    def run(lib: ModuleType) -> Any:
        storage = lib.storages.RDBStorage(f"sqlite:///{tmp_path}/{lib.__name__}-pos.db", {}, True)
        storage.engine.dispose()
        return storage.skip_compatibility_check, storage.engine_kwargs

    assert_same(run)


def test_rdb_storage_has_optunas_public_attributes(tmp_path: Path) -> None:
    def run(lib: ModuleType) -> Any:
        storage = lib.storages.RDBStorage(
            f"sqlite:///{tmp_path}/{lib.__name__}-attrs.db", heartbeat_interval=5
        )
        names = ["engine", "url", "engine_kwargs", "skip_compatibility_check", "heartbeat_interval", "grace_period",
                 "failed_trial_callback", "heartbeat_stale_trial_callback", "scoped_session"]  # fmt: skip
        methods = ["remove_session", "upgrade", "get_current_version", "get_head_version", "get_all_versions",
                   "record_heartbeat", "get_heartbeat_interval", "get_heartbeat_stale_trial_callback"]  # fmt: skip
        out = (
            [hasattr(storage, n) for n in names],
            [callable(getattr(storage, m, None)) for m in methods],
            isinstance(storage.engine, sqlalchemy.engine.Engine),
            isinstance(storage.scoped_session, sqlalchemy.orm.scoped_session),
            storage.url.endswith("-attrs.db"),
            storage.get_current_version() == storage.get_head_version(),
            storage.get_head_version() in storage.get_all_versions(),
            storage.get_heartbeat_interval(),
        )
        storage.engine.dispose()
        return out

    assert_same(run)


def test_scoped_session_runs_user_queries_and_is_renewed_by_pickling(tmp_path: Path) -> None:
    def run(lib: ModuleType) -> Any:
        storage = lib.storages.RDBStorage(f"sqlite:///{tmp_path}/{lib.__name__}-session.db")
        study = lib.create_study(storage=storage, study_name="queried")
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        session = storage.scoped_session()
        same = session is storage.scoped_session()
        names = session.execute(sqlalchemy.text("SELECT study_name FROM studies")).scalars().all()
        n_trials = session.execute(sqlalchemy.text("SELECT COUNT(*) FROM trials")).scalar_one()
        storage.remove_session()
        renewed = storage.scoped_session() is not session
        storage.scoped_session.remove()
        clone = pickle.loads(pickle.dumps(storage))
        fresh = clone.scoped_session is not storage.scoped_session and clone.engine is not storage.engine
        cloned = clone.scoped_session().execute(sqlalchemy.text("SELECT COUNT(*) FROM trials")).scalar_one()
        clone.remove_session()
        clone.engine.dispose()
        storage.engine.dispose()
        return same, names, n_trials, renewed, fresh, cloned

    ours = assert_same(run, compare_logs=False)
    assert ours.result == (True, ["queried"], 2, True, True, 2)


def test_schema_version_placeholder_in_the_url_is_filled_as_in_optuna(tmp_path: Path) -> None:
    def run(lib: ModuleType) -> Any:
        storage = lib.storages.RDBStorage(f"sqlite:///{tmp_path}/{lib.__name__}-v{{SCHEMA_VERSION}}.db")
        storage.engine.dispose()
        return Path(storage.url).name

    assert_same(run)


# Deprecated and experimental names ---------------------------------------------------------------------------------


def test_storages_module_exports_optunas_names() -> None:
    import pyhpo

    theirs = set(optuna.storages.__all__) - {
        "_CachedStorage"
    }  # private: pyhpo keeps no private names in __all__
    assert theirs <= set(pyhpo.storages.__all__)
    # pyhpo adds engine_name() (which journal engine runs: the C one or the portable one).
    assert set(optuna.storages.journal.__all__) == set(pyhpo.storages.journal.__all__) - {"engine_name"}


@pytest.mark.parametrize("name", ["JournalFileStorage", "JournalRedisStorage", "BaseJournalLogStorage"])
def test_pre_4_journal_names_are_absent_from_the_journal_module_as_in_optuna(name: str) -> None:
    assert_same(lambda lib: getattr(lib.storages.journal, name).__name__)


def test_deprecated_journal_file_names_warn_as_in_optuna(tmp_path: Path) -> None:
    def run(lib: ModuleType) -> Any:
        path = str(tmp_path / f"{lib.__name__}-old.log")
        lock = lib.storages.JournalFileOpenLock(path)
        link = lib.storages.JournalFileSymlinkLock(path)
        backend = lib.storages.JournalFileStorage(path, lock_obj=lock)
        storage = lib.storages.JournalStorage(backend)
        storage.create_new_study([lib.study.StudyDirection.MINIMIZE], "old")
        return (
            isinstance(lock, lib.storages.journal.JournalFileOpenLock),
            isinstance(link, lib.storages.journal.JournalFileSymlinkLock),
            isinstance(backend, lib.storages.journal.JournalFileBackend),
            [s.study_name for s in storage.get_all_studies()],
        )

    assert_same(run)


def test_the_current_journal_names_do_not_warn(tmp_path: Path) -> None:
    def run(lib: ModuleType) -> Any:
        path = str(tmp_path / f"{lib.__name__}-new.log")
        journal = lib.storages.journal
        journal.JournalFileOpenLock(path)
        journal.JournalFileSymlinkLock(path)
        return type(journal.JournalFileBackend(path, lock_obj=journal.JournalFileOpenLock(path))).__name__

    assert_same(run)


def test_a_backend_subclassing_the_deprecated_base_warns_as_in_optuna() -> None:
    def run(lib: ModuleType) -> Any:
        class Backend(lib.storages.BaseJournalLogStorage):  # type: ignore[name-defined,misc]
            def read_logs(self, log_number_from: int) -> Any:
                return iter(())

            def append_logs(self, logs: list[dict[str, Any]]) -> None:
                pass

        return isinstance(Backend(), lib.storages.journal.BaseJournalBackend)

    assert_same(run)


def test_deprecated_redis_name_warns_as_in_optuna() -> None:
    import pyhpo
    from tests.conftest import require_server_url

    url = require_server_url("PYHPO_TEST_REDIS_URL")
    seen = observe(optuna, lambda lib: type(lib.storages.JournalRedisStorage(url)).__name__)
    ours = observe(pyhpo, lambda lib: type(lib.storages.JournalRedisStorage(url)).__name__)
    # The FutureWarning comes first in both; Optuna's JournalRedisBackend then warns ExperimentalWarning (below).
    assert ours.result == seen.result
    assert ours.warnings[0] == seen.warnings[0]


def test_journal_redis_backend_warns_experimental_as_in_optuna() -> None:
    from tests.conftest import require_server_url

    url = require_server_url("PYHPO_TEST_REDIS_URL")
    assert_same(lambda lib: type(lib.storages.journal.JournalRedisBackend(url)).__name__)


def test_grpc_proxy_warns_experimental_as_in_optuna() -> None:
    pytest.importorskip("grpc")

    def run(lib: ModuleType) -> Any:
        proxy = lib.storages.GrpcStorageProxy(host="127.0.0.1", port=1)
        proxy.close()
        return type(proxy).__name__

    assert_same(run)


# Signatures: code written for Optuna passes these arguments by position or by name -----------------------------


def _signature(obj: Any) -> list[tuple[str, str, Any]]:
    import inspect

    target = obj.__init__ if isinstance(obj, type) else obj
    return [(p.name, p.kind.name, p.default) for p in inspect.signature(target).parameters.values()]


_CONSTRUCTORS = [
    "InMemoryStorage", "RDBStorage", "JournalStorage", "GrpcStorageProxy", "run_grpc_proxy_server",
    "journal.JournalFileBackend", "journal.JournalRedisBackend", "journal.JournalFileOpenLock",
    "journal.JournalFileSymlinkLock",
]  # fmt: skip


@pytest.mark.parametrize("path", _CONSTRUCTORS)
def test_constructor_takes_optunas_parameters_in_optunas_order(path: str) -> None:
    import functools

    import pyhpo

    def resolve(lib: ModuleType) -> Any:
        return functools.reduce(getattr, path.split("."), lib.storages)

    theirs, ours = _signature(resolve(optuna)), _signature(resolve(pyhpo))
    # pyhpo may add keyword-only options (or **options) after Optuna's parameters, nothing else.
    assert ours[: len(theirs)] == theirs
    assert all(kind in ("KEYWORD_ONLY", "VAR_KEYWORD") for _, kind, _ in ours[len(theirs) :])


def test_journal_storage_takes_its_backend_by_optunas_keyword(tmp_path: Path) -> None:
    def run(lib: ModuleType) -> Any:
        backend = lib.storages.journal.JournalFileBackend(str(tmp_path / f"{lib.__name__}-kw.log"))
        storage = lib.storages.JournalStorage(log_storage=backend)
        return storage.get_study_name_from_id(storage.create_new_study(_min(lib), "kw"))

    assert_same(run)


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_heartbeat_getters_warn_as_in_optuna(kind: str, make_storage: Callable[[str], Make]) -> None:
    # get_failed_trial_callback is deprecated since Optuna 4.9: calling it warns, on every storage.
    make = make_storage(kind)

    def run(lib: ModuleType) -> Any:
        storage = make(lib)
        return (
            storage.get_failed_trial_callback(),
            storage.get_heartbeat_stale_trial_callback(),
            storage.get_heartbeat_interval() if hasattr(storage, "get_heartbeat_interval") else "n/a",
        )

    if kind == "journal":
        # Optuna's JournalStorage has no heartbeats (pyhpo's does, an extension): only pyhpo's side runs.
        import pyhpo

        ours = observe(pyhpo, run)
        assert ours.result == (None, None, None)
        assert [w[0][0] for w in ours.warnings] == ["FutureWarning"]
        return
    assert_same(run)


def test_a_redis_url_as_storage_is_refused_with_optunas_message() -> None:
    assert_same(lambda lib: lib.create_study(storage="redis://127.0.0.1:6379/0"))


# What pyhpo does on purpose where Optuna lets a raw error through: a clear error of a builtin kind instead.
@pytest.mark.parametrize(
    ("storage", "ours", "theirs"),
    [
        (123, "TypeError", "AttributeError"),  # Optuna: "'int' object has no attribute 'create_new_study'"
        ("notaurl", "ValueError", "ArgumentError"),  # Optuna: SQLAlchemy's ArgumentError
        (
            "sqlite:////nonexistent/dir/x.db",
            "StorageInternalError",
            "OperationalError",
        ),  # Optuna: SQLAlchemy's
    ],
)
def test_a_bad_storage_argument_gets_a_clear_error_not_a_raw_one(
    storage: Any, ours: str, theirs: str
) -> None:
    import pyhpo

    assert observe(optuna, lambda lib: lib.create_study(storage=storage)).error[0][0] == theirs  # type: ignore[index]
    assert observe(pyhpo, lambda lib: lib.create_study(storage=storage)).error[0][0] == ours  # type: ignore[index]
