"""Creating, loading, listing, copying and deleting studies, and what a study reports about its trials."""

from __future__ import annotations

import datetime
import math
import pickle

import pytest

import pyhpo
from pyhpo.distributions import FloatDistribution, IntDistribution
from pyhpo.exceptions import DuplicatedStudyError
from pyhpo.storages import InMemoryStorage
from pyhpo.study import FrozenStudy, Study, StudyDirection, StudySummary
from pyhpo.trial import FrozenTrial, Trial, TrialState, create_trial
from tests.study.helpers import new_study, pyhpo_records


def test_create_study_logs_optunas_line_and_uses_the_given_name() -> None:
    storage = InMemoryStorage()
    with pyhpo_records() as log:
        study = pyhpo.create_study(storage=storage, study_name="exp-1")
    assert study.study_name == "exp-1"
    assert log.messages == ["A new study created in memory with name: exp-1"]


def test_create_study_without_a_name_makes_a_unique_one() -> None:
    storage = InMemoryStorage()
    a = pyhpo.create_study(storage=storage)
    b = pyhpo.create_study(storage=storage)
    assert a.study_name.startswith("no-name-") and b.study_name.startswith("no-name-")
    assert a.study_name != b.study_name


def test_create_study_with_an_existing_name_raises_duplicated_study_error() -> None:
    storage = InMemoryStorage()
    pyhpo.create_study(storage=storage, study_name="s")
    with pytest.raises(DuplicatedStudyError, match="'s'"):
        pyhpo.create_study(storage=storage, study_name="s")


def test_create_study_with_load_if_exists_loads_and_logs_optunas_line() -> None:
    storage = InMemoryStorage()
    first = pyhpo.create_study(storage=storage, study_name="s", direction="maximize")
    first.optimize(lambda t: 1.0, n_trials=2)
    with pyhpo_records() as log:
        again = pyhpo.create_study(storage=storage, study_name="s", direction="maximize", load_if_exists=True)
    assert log.messages == ["Using an existing study with name 's' instead of creating a new one."]
    assert again._study_id == first._study_id
    assert len(again.trials) == 2


def test_directions_are_stored_and_reported() -> None:
    study = pyhpo.create_study(direction="maximize")
    assert study.direction == StudyDirection.MAXIMIZE
    assert study.directions == [StudyDirection.MAXIMIZE]
    assert pyhpo.create_study().direction == StudyDirection.MINIMIZE
    multi = pyhpo.create_study(directions=["minimize", StudyDirection.MAXIMIZE])
    assert multi.directions == [StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE]
    with pytest.raises(RuntimeError, match="directions"):
        _ = multi.direction


def test_direction_strings_are_lower_case_or_enums_as_in_optuna() -> None:
    assert pyhpo.create_study(direction="maximize").direction == StudyDirection.MAXIMIZE
    assert pyhpo.create_study(direction=StudyDirection.MAXIMIZE).direction == StudyDirection.MAXIMIZE
    with pytest.raises(ValueError, match="but got \\['MAXIMIZE'\\]"):
        pyhpo.create_study(direction="MAXIMIZE")  # type: ignore[arg-type]


def test_load_study_finds_the_study_by_name_with_its_trials() -> None:
    storage = InMemoryStorage()
    pyhpo.create_study(storage=storage, study_name="a").optimize(lambda t: 2.0, n_trials=3)
    pyhpo.create_study(storage=storage, study_name="b")
    loaded = pyhpo.load_study(study_name="a", storage=storage)
    assert isinstance(loaded, Study)
    assert [t.value for t in loaded.trials] == [2.0, 2.0, 2.0]


def test_load_study_with_an_unknown_name_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="nope"):
        pyhpo.load_study(study_name="nope", storage=InMemoryStorage())


def test_load_study_without_a_name_loads_the_only_study_and_says_so() -> None:
    storage = InMemoryStorage()
    pyhpo.create_study(storage=storage, study_name="only")
    with pyhpo_records() as log:
        loaded = pyhpo.load_study(study_name=None, storage=storage)
    assert loaded.study_name == "only"
    assert any("'only'" in m for m in log.messages)


@pytest.mark.parametrize("n_studies", [0, 2])
def test_load_study_without_a_name_needs_exactly_one_study(n_studies: int) -> None:
    storage = InMemoryStorage()
    for i in range(n_studies):
        pyhpo.create_study(storage=storage, study_name=f"s{i}")
    with pytest.raises(ValueError, match="exactly 1 study"):
        pyhpo.load_study(study_name=None, storage=storage)


def test_delete_study_removes_it_and_its_trials() -> None:
    storage = InMemoryStorage()
    pyhpo.create_study(storage=storage, study_name="gone").optimize(lambda t: 1.0, n_trials=2)
    pyhpo.create_study(storage=storage, study_name="kept")
    pyhpo.delete_study(study_name="gone", storage=storage)
    assert pyhpo.get_all_study_names(storage) == ["kept"]
    with pytest.raises(KeyError):
        pyhpo.load_study(study_name="gone", storage=storage)
    with pytest.raises(KeyError):
        pyhpo.delete_study(study_name="gone", storage=storage)
    # The name is free again.
    pyhpo.create_study(storage=storage, study_name="gone")


def test_get_all_study_names_lists_every_study() -> None:
    storage = InMemoryStorage()
    for name in ("x", "y", "z"):
        pyhpo.create_study(storage=storage, study_name=name)
    assert sorted(pyhpo.get_all_study_names(storage)) == ["x", "y", "z"]
    assert pyhpo.get_all_study_names(InMemoryStorage()) == []


def test_get_all_study_summaries_reports_best_trial_count_start_and_attrs() -> None:
    storage = InMemoryStorage()
    study = pyhpo.create_study(storage=storage, study_name="s", direction="maximize")
    study.set_user_attr("owner", "me")
    for v in (1.0, 3.0, 2.0):
        study.add_trial(create_trial(value=v))
    study.ask()
    empty = pyhpo.create_study(storage=storage, study_name="empty")
    summaries = {s.study_name: s for s in pyhpo.get_all_study_summaries(storage)}
    s = summaries["s"]
    assert isinstance(s, StudySummary)
    assert s.n_trials == 4
    assert s.best_trial is not None and s.best_trial.value == 3.0
    assert s.direction == StudyDirection.MAXIMIZE
    assert s.user_attrs == {"owner": "me"}
    assert isinstance(s.datetime_start, datetime.datetime)
    assert s._study_id == study._study_id
    assert summaries["empty"].best_trial is None and summaries["empty"].n_trials == 0
    assert summaries["empty"].datetime_start is None
    assert summaries["empty"]._study_id == empty._study_id
    without_best = pyhpo.get_all_study_summaries(storage, include_best_trial=False)
    assert all(x.best_trial is None for x in without_best)


def test_summaries_of_a_multi_objective_study_have_no_best_trial() -> None:
    storage = InMemoryStorage()
    study = pyhpo.create_study(storage=storage, directions=["minimize", "minimize"])
    study.add_trial(create_trial(values=[1.0, 2.0]))
    (summary,) = pyhpo.get_all_study_summaries(storage)
    assert summary.best_trial is None
    assert summary.directions == [StudyDirection.MINIMIZE, StudyDirection.MINIMIZE]


def test_copy_study_copies_trials_attrs_and_directions_into_another_storage() -> None:
    src, dst = InMemoryStorage(), InMemoryStorage()
    study = pyhpo.create_study(
        storage=src, study_name="orig", direction="maximize", sampler=pyhpo.samplers.RandomSampler(seed=3)
    )
    study.set_user_attr("k", [1, 2])
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    study.tell(study.ask(), state=TrialState.FAIL)
    pyhpo.copy_study(from_study_name="orig", from_storage=src, to_storage=dst)
    copy = pyhpo.load_study(study_name="orig", storage=dst)
    assert copy.direction == StudyDirection.MAXIMIZE
    assert copy.user_attrs == {"k": [1, 2]}
    assert [(t.number, t.state, t.params, t.values) for t in copy.trials] == [
        (t.number, t.state, t.params, t.values) for t in study.trials
    ]
    pyhpo.copy_study(from_study_name="orig", from_storage=src, to_storage=dst, to_study_name="renamed")
    assert sorted(pyhpo.get_all_study_names(dst)) == ["orig", "renamed"]
    with pytest.raises(DuplicatedStudyError):
        pyhpo.copy_study(from_study_name="orig", from_storage=src, to_storage=dst)


def test_best_trial_value_and_params_when_minimizing_and_maximizing() -> None:
    for direction, expected in (("minimize", -3.0), ("maximize", 7.0)):
        study = new_study(direction)
        for v in (1.0, 7.0, -3.0, 2.0):
            study.add_trial(
                create_trial(value=v, params={"v": v}, distributions={"v": FloatDistribution(-10, 10)})
            )
        study.tell(study.ask(), state=TrialState.FAIL)
        assert study.best_value == expected
        assert study.best_params == {"v": expected}
        assert study.best_trial.value == expected
        assert study.best_trials == [study.best_trial]


def test_best_trial_ignores_pruned_trials_even_with_a_better_value() -> None:
    study = new_study()
    study.add_trial(create_trial(value=5.0))
    study.add_trial(create_trial(state=TrialState.PRUNED, value=1.0))
    assert study.best_value == 5.0


def test_best_trial_errors_when_no_trial_is_complete() -> None:
    study = new_study()
    study.tell(study.ask(), state=TrialState.FAIL)
    with pytest.raises(ValueError, match="No trials are completed yet"):
        _ = study.best_trial
    with pytest.raises(ValueError):
        _ = study.best_value
    with pytest.raises(ValueError):
        _ = study.best_params
    assert study.best_trials == []


def test_best_trial_is_a_copy() -> None:
    study = new_study()
    study.add_trial(create_trial(value=1.0))
    study.best_trial.user_attrs["x"] = 1
    assert study.best_trial.user_attrs == {}


def test_best_trial_of_a_multi_objective_study_raises_runtime_error() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"])
    study.add_trial(create_trial(values=[1.0, 1.0]))
    with pytest.raises(RuntimeError, match="best_trials"):
        _ = study.best_trial
    with pytest.raises(RuntimeError):
        _ = study.best_value
    with pytest.raises(RuntimeError):
        _ = study.best_params


def test_best_trials_is_the_pareto_front() -> None:
    study = pyhpo.create_study(directions=["minimize", "maximize"])
    points = [(1.0, 1.0), (2.0, 3.0), (3.0, 2.0), (0.5, 0.5), (2.0, 3.0)]
    for p in points:
        study.add_trial(create_trial(values=list(p)))
    study.add_trial(create_trial(state=TrialState.FAIL))
    front = {t.number for t in study.best_trials}
    # (3, 2) is dominated by (2, 3); the two (2, 3) tie and both stay.
    assert front == {0, 1, 3, 4}


def test_study_and_trial_user_attrs_round_trip() -> None:
    study = new_study()
    study.set_user_attr("a", {"nested": [1, 2]})
    study.set_user_attr("b", "text")
    assert study.user_attrs == {"a": {"nested": [1, 2]}, "b": "text"}
    study.user_attrs["c"] = 1  # a copy: changing it does nothing
    assert "c" not in study.user_attrs

    def objective(trial: Trial) -> float:
        trial.set_user_attr("seen", trial.number)
        assert trial.user_attrs == {"seen": trial.number}
        return 0.0

    study.optimize(objective, n_trials=2)
    assert [t.user_attrs for t in study.trials] == [{"seen": 0}, {"seen": 1}]


def test_get_trials_filters_by_state_and_copies_unless_asked_not_to() -> None:
    study = new_study()
    study.add_trial(create_trial(value=1.0))
    study.add_trial(create_trial(state=TrialState.PRUNED))
    study.ask()
    assert [t.number for t in study.get_trials(states=(TrialState.COMPLETE, TrialState.RUNNING))] == [0, 2]
    assert study.get_trials(states=()) == []
    copy = study.get_trials()[0]
    copy.user_attrs["mutated"] = True
    assert study.trials[0].user_attrs == {}
    assert study.get_trials(deepcopy=False)[0] == study.get_trials(deepcopy=True)[0]


def test_enqueued_params_are_used_by_the_next_trial() -> None:
    study = new_study()
    study.enqueue_trial({"x": 0.25, "c": "b"}, user_attrs={"why": "warm start"})
    study.enqueue_trial({"x": 0.75})
    seen: list[dict[str, object]] = []

    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        trial.suggest_categorical("c", ["a", "b"])
        seen.append(trial.params)
        return x

    study.optimize(objective, n_trials=3)
    assert seen[0] == {"x": 0.25, "c": "b"}
    assert seen[1]["x"] == 0.75
    assert study.trials[0].user_attrs == {"why": "warm start"}
    assert study.get_trials(states=(TrialState.WAITING,)) == []


def test_ask_pops_enqueued_trials_first_in_order() -> None:
    study = new_study()
    study.enqueue_trial({"x": 1})
    study.enqueue_trial({"x": 2})
    assert [study.ask().suggest_int("x", 0, 5) for _ in range(2)] == [1, 2]
    assert study.ask().number == 2


def test_enqueue_with_skip_if_exists_does_not_queue_the_same_params_twice() -> None:
    study = new_study()
    study.enqueue_trial({"x": 1.0})
    study.enqueue_trial({"x": 1.0}, skip_if_exists=True)
    assert len(study.trials) == 1
    study.enqueue_trial({"x": 1.0})
    assert len(study.trials) == 2
    study.optimize(lambda t: t.suggest_float("x", 0, 2), n_trials=2)
    study.enqueue_trial({"x": 1.0}, skip_if_exists=True)
    assert len(study.trials) == 2
    study.enqueue_trial({"x": 2.0}, skip_if_exists=True)
    assert len(study.trials) == 3


def test_an_enqueued_value_outside_the_distribution_warns_and_is_used() -> None:
    study = new_study()
    study.enqueue_trial({"x": 5.0})
    trial = study.ask()
    with pytest.warns(UserWarning, match="x"):
        x = trial.suggest_float("x", 0, 1)
    assert x == 5.0


def test_add_trial_validates_before_storing() -> None:
    study = new_study()
    bad = create_trial(value=1.0)
    bad.state = TrialState.COMPLETE
    bad.values = None
    with pytest.raises(ValueError, match="value"):
        study.add_trial(bad)
    with pytest.raises(ValueError, match="2 values"):
        study.add_trial(create_trial(values=[1.0, 2.0]))
    with pytest.raises(TypeError, match="FrozenTrial"):
        study.add_trial({"value": 1.0})  # type: ignore[arg-type]
    assert study.trials == []


def test_add_trials_keeps_content_and_renumbers() -> None:
    src = new_study()
    src.optimize(lambda t: t.suggest_int("n", 0, 9) * 1.0, n_trials=4)
    dst = new_study()
    dst.add_trial(create_trial(value=100.0))
    dst.add_trials(src.trials)
    assert [t.number for t in dst.trials] == [0, 1, 2, 3, 4]
    assert [t.params for t in dst.trials[1:]] == [t.params for t in src.trials]
    assert [t.value for t in dst.trials[1:]] == [t.value for t in src.trials]


def test_add_trial_with_an_incompatible_distribution_raises() -> None:
    study = new_study()
    study.add_trial(create_trial(value=1.0, params={"p": 1}, distributions={"p": IntDistribution(0, 3)}))
    with pytest.raises(ValueError):
        study.add_trial(
            create_trial(value=1.0, params={"p": 1.0}, distributions={"p": FloatDistribution(0, 3)})
        )


def test_private_attributes_that_integrations_use_exist() -> None:
    storage = InMemoryStorage()
    study = pyhpo.create_study(storage=storage, study_name="p")
    assert study._storage is storage
    assert study._study_id == storage.get_study_id_from_name("p")
    trial = study.ask()
    assert trial._trial_id == storage.get_trial_id_from_study_id_trial_number(study._study_id, 0)
    frozen = study.trials[0]
    assert frozen._trial_id == trial._trial_id
    frozen._trial_id = 99
    assert frozen._trial_id == 99
    (fs,) = storage.get_all_studies()
    assert isinstance(fs, FrozenStudy) and fs._study_id == study._study_id
    (summary,) = pyhpo.get_all_study_summaries(storage)
    assert summary._study_id == study._study_id


def test_a_study_survives_pickling_with_its_in_memory_trials() -> None:
    import pickle

    study = new_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    clone = pickle.loads(pickle.dumps(study))
    assert [t.params for t in clone.trials] == [t.params for t in study.trials]
    clone.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert len(clone.trials) == 3 and len(study.trials) == 2


def test_frozen_trial_values_reported_by_the_study_are_floats() -> None:
    study = new_study()
    study.optimize(lambda t: 3, n_trials=1)  # an int is a fine objective value
    value = study.trials[0].value
    assert isinstance(value, float) and value == 3.0
    assert not math.isnan(study.best_value)


def test_trials_property_returns_frozen_trials() -> None:
    study = new_study()
    study.optimize(lambda t: 0.0, n_trials=1)
    assert all(isinstance(t, FrozenTrial) for t in study.trials)


def test_skip_if_exists_compares_numbers_as_optuna_does() -> None:
    study = new_study()
    study.enqueue_trial({"x": 1.0, "c": "a"})
    study.enqueue_trial({"x": 1.0 + 1e-7, "c": "a"}, skip_if_exists=True)  # within numpy.isclose's rtol
    assert len(study.trials) == 1
    study.enqueue_trial({"x": 1.01, "c": "a"}, skip_if_exists=True)
    assert len(study.trials) == 2
    study.enqueue_trial({"x": 1, "c": "a"}, skip_if_exists=True)  # an int is not a repeat of a float
    assert len(study.trials) == 3
    study.enqueue_trial({"x": float("nan")})
    study.enqueue_trial({"x": float("nan")}, skip_if_exists=True)
    assert len(study.trials) == 4


def test_best_trial_skips_infeasible_trials_in_constrained_optimization() -> None:
    study = new_study()
    study.add_trial(create_trial(value=0.0, constraints={"c": 1.0}))  # best value, but infeasible
    study.add_trial(create_trial(value=3.0, constraints={"c": 0.0}))
    study.add_trial(create_trial(value=2.0, constraints={"c": -1.0}))
    assert study.best_trial.number == 2 and study.best_value == 2.0
    only_infeasible = new_study()
    only_infeasible.add_trial(create_trial(value=1.0, constraints={"c": 0.5}))
    with pytest.raises(ValueError, match="feasible"):
        _ = only_infeasible.best_trial


def test_best_trials_drops_infeasible_trials_from_the_pareto_front() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"])
    study.add_trial(create_trial(values=[0.0, 0.0], constraints={"c": 1.0}))
    study.add_trial(create_trial(values=[1.0, 2.0], constraints={"c": 0.0}))
    study.add_trial(create_trial(values=[2.0, 1.0], constraints={"c": -1.0}))
    assert [t.number for t in study.best_trials] == [1, 2]


def test_an_unpickled_study_logs_its_trials_with_metric_names() -> None:
    # The log line of a finished trial reads the metric names through a per-process "not read yet" sentinel.
    study = pickle.loads(pickle.dumps(pyhpo.create_study()))
    pyhpo.logging.set_verbosity(pyhpo.logging.INFO)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].state == pyhpo.trial.TrialState.COMPLETE
