"""Trial: suggestions, reports, pruning and attributes, as an objective sees them."""

from __future__ import annotations

import math
import warnings

import pytest

import pyhpo
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.trial import Trial, TrialState
from tests.study.helpers import new_study


def test_suggest_float_stays_in_range_and_records_its_distribution() -> None:
    study = new_study()
    for _ in range(20):
        trial = study.ask()
        x = trial.suggest_float("x", -2.5, 4.0)
        assert isinstance(x, float) and -2.5 <= x <= 4.0
        assert trial.distributions["x"] == FloatDistribution(-2.5, 4.0)
        assert trial.params == {"x": x}


def test_suggest_float_with_step_lands_on_the_grid() -> None:
    study = new_study()
    for _ in range(20):
        v = study.ask().suggest_float("v", 0.0, 1.0, step=0.25)
        assert v in {0.0, 0.25, 0.5, 0.75, 1.0}


def test_suggest_float_with_log_stays_positive_and_spans_decades() -> None:
    study = new_study()
    values = [study.ask().suggest_float("lr", 1e-5, 1e-1, log=True) for _ in range(60)]
    assert all(1e-5 <= v <= 1e-1 for v in values)
    # A log scale puts about half the samples below the geometric middle (1e-3); linear would put ~1%.
    assert sum(v < 1e-3 for v in values) >= 15


def test_suggest_int_with_step_and_log() -> None:
    study = new_study()
    for _ in range(20):
        trial = study.ask()
        n = trial.suggest_int("n", 1, 9, step=2)
        m = trial.suggest_int("m", 1, 1000, log=True)
        assert isinstance(n, int) and n in {1, 3, 5, 7, 9}
        assert isinstance(m, int) and 1 <= m <= 1000
    assert study.trials[0].distributions["m"] == IntDistribution(1, 1000, log=True)


def test_suggest_categorical_returns_one_of_the_choices_with_its_type() -> None:
    study = new_study()
    choices = [None, True, 3, 2.5, "adam"]
    seen = set()
    for _ in range(40):
        c = study.ask().suggest_categorical("c", choices)
        assert c in choices
        seen.add(repr(c))
    assert seen == {repr(c) for c in choices}


def test_a_single_valued_distribution_needs_no_sampler() -> None:
    study = new_study()
    trial = study.ask()
    assert trial.suggest_float("f", 1.5, 1.5) == 1.5
    assert trial.suggest_int("i", 3, 3) == 3
    assert trial.suggest_categorical("c", ["only"]) == "only"


def test_suggesting_the_same_name_twice_returns_the_same_value() -> None:
    study = new_study()
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    assert trial.suggest_float("x", 0, 1) == x
    # A different range of the same kind is allowed and keeps the first value, with Optuna's RuntimeWarning.
    with pytest.warns(RuntimeWarning, match='Inconsistent parameter values for distribution with name "x"'):
        assert trial.suggest_float("x", 0, 2) == x
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    assert trial.suggest_categorical("c", ["a", "b", "c"]) == c


@pytest.mark.parametrize(
    "second",
    [
        lambda t: t.suggest_int("x", 0, 1),
        lambda t: t.suggest_float("x", 0.1, 1, log=True),
        lambda t: t.suggest_categorical("x", [0.5, 1.0]),
    ],
)
def test_an_incompatible_redefinition_raises_optunas_value_error(second: object) -> None:
    trial = new_study().ask()
    trial.suggest_float("x", 0.1, 1)
    with pytest.raises(
        ValueError,
        match="^Cannot set different (distribution kind|log configuration) to the same parameter name.$",
    ):
        second(trial)  # type: ignore[operator]


def test_an_incompatible_distribution_in_a_later_trial_raises_naming_the_parameter() -> None:
    study = new_study()
    study.ask().suggest_categorical("opt", ["sgd", "adam"])
    with pytest.raises(ValueError, match="'opt'"):
        study.ask().suggest_categorical("opt", ["sgd", "rmsprop"])


def test_suggest_with_a_name_that_is_not_a_string_works_as_in_optuna() -> None:
    assert 0 <= new_study().ask().suggest_float(3, 0, 1) <= 1  # type: ignore[arg-type]


def test_legacy_suggest_methods_map_to_suggest_float() -> None:
    trial = new_study().ask()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trial.suggest_uniform("u", 0, 1)
        trial.suggest_loguniform("l", 1e-3, 1)
        trial.suggest_discrete_uniform("d", 0, 1, 0.5)
    assert trial.distributions == {
        "u": FloatDistribution(0, 1),
        "l": FloatDistribution(1e-3, 1, log=True),
        "d": FloatDistribution(0, 1, step=0.5),
    }


def test_report_records_intermediate_values_in_storage() -> None:
    study = new_study()
    trial = study.ask()
    trial.report(1.5, 0)
    trial.report(1, 3)
    assert study.trials[0].intermediate_values == {0: 1.5, 3: 1.0}
    assert study.trials[0].last_step == 3


def test_report_at_a_step_already_reported_warns_and_keeps_the_first_value() -> None:
    study = new_study()
    trial = study.ask()
    trial.report(1.0, 2)
    with pytest.warns(UserWarning, match=r"this `step=2` is already reported"):  # Optuna's wording
        trial.report(5.0, 2)
    assert study.trials[0].intermediate_values == {2: 1.0}


@pytest.mark.parametrize(
    ("value", "step", "error", "fragment"),
    [
        ("high", 0, TypeError, "value"),
        (None, 0, TypeError, "value"),
        (1.0, "one", TypeError, "step"),
        (1.0, -1, ValueError, "-1"),
    ],
)
def test_report_validates_its_arguments(value: object, step: object, error: type, fragment: str) -> None:
    study = new_study()
    trial = study.ask()
    with pytest.raises(error, match=fragment):
        trial.report(value, step)  # type: ignore[arg-type]
    assert study.trials[0].intermediate_values == {}


def test_report_and_should_prune_are_refused_for_multi_objective_studies() -> None:
    study = pyhpo.create_study(
        directions=["minimize", "minimize"], sampler=pyhpo.samplers.RandomSampler(seed=0)
    )
    trial = study.ask()
    with pytest.raises(NotImplementedError):
        trial.report(1.0, 0)
    with pytest.raises(NotImplementedError):
        trial.should_prune()


def test_nop_pruner_never_prunes() -> None:
    study = new_study(pruner=pyhpo.pruners.NopPruner())
    for value in (0.0, 100.0, 1000.0):
        trial = study.ask()
        for step in range(5):
            trial.report(value, step)
            assert trial.should_prune() is False
        study.tell(trial, value)


def test_median_pruner_prunes_a_trial_worse_than_the_median() -> None:
    study = new_study(pruner=pyhpo.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0))
    for value in (1.0, 2.0, 3.0):
        trial = study.ask()
        trial.report(value, 0)
        study.tell(trial, value)
    good, bad = study.ask(), study.ask()
    good.report(0.5, 0)
    bad.report(50.0, 0)
    assert good.should_prune() is False
    assert bad.should_prune() is True


def test_should_prune_in_an_objective_leads_to_pruned_trials() -> None:
    study = new_study(pruner=pyhpo.pruners.ThresholdPruner(upper=10.0))

    def objective(trial: Trial) -> float:
        x = trial.suggest_int("x", 0, 20)
        for step in range(3):
            trial.report(float(x), step)
            if trial.should_prune():
                raise pyhpo.TrialPruned()
        return float(x)

    study.optimize(objective, n_trials=30)
    for t in study.trials:
        expected = TrialState.PRUNED if t.params["x"] > 10 else TrialState.COMPLETE
        assert t.state == expected, t


def test_set_user_and_system_attrs_reach_storage() -> None:
    study = new_study()
    trial = study.ask()
    trial.set_user_attr("k", {"a": [1]})
    trial.set_system_attr("s", 3)
    assert trial.user_attrs == {"k": {"a": [1]}}
    frozen = study.trials[0]
    assert frozen.user_attrs == {"k": {"a": [1]}}
    assert frozen.system_attrs["s"] == 3


def test_a_finished_trial_can_no_longer_change() -> None:
    study = new_study()
    trial = study.ask()
    study.tell(trial, 1.0)
    with pytest.raises(pyhpo.exceptions.UpdateFinishedTrialError):
        trial.set_user_attr("late", 1)
    with pytest.raises(pyhpo.exceptions.UpdateFinishedTrialError):
        trial.suggest_float("late", 0, 1)


def test_trial_exposes_number_datetime_start_and_params_copies() -> None:
    study = new_study()
    study.ask()
    trial = study.ask()
    assert trial.number == 1
    assert trial.datetime_start is not None
    trial.suggest_int("n", 0, 3)
    trial.params["n"] = 99
    assert trial.params["n"] != 99
    assert "Trial(number=1" in repr(trial)


def test_nan_in_a_categorical_choice_round_trips() -> None:
    trial = new_study().ask()
    dist = CategoricalDistribution([math.nan])
    assert math.isnan(trial.suggest_categorical("c", [math.nan]))  # type: ignore[arg-type]
    assert trial.distributions["c"] == dist


def test_set_constraint_reaches_storage_under_optunas_key() -> None:
    study = new_study()
    trial = study.ask()
    trial.set_constraint("memory", 0.5)
    assert trial.constraints == {"memory": 0.5}
    assert study.trials[0].system_attrs["constraints:memory"] == 0.5
    assert study.trials[0].constraints == {"memory": 0.5}


def test_with_hyperband_the_sampler_sees_only_the_trials_of_the_bracket() -> None:
    """As in Optuna, Trial hands the sampler a bracket-filtered view of the study under Hyperband."""
    seen: list[tuple[int, list[int]]] = []

    class SpySampler(pyhpo.samplers.RandomSampler):
        def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
            seen.append((trial.number, [t.number for t in study.get_trials(deepcopy=False)]))
            return super().sample_independent(study, trial, param_name, param_distribution)

    pruner = pyhpo.pruners.HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    study = pyhpo.create_study(sampler=SpySampler(seed=0), pruner=pruner)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=12)
    bracket_of = {t.number: pruner._get_bracket_id(study, t) for t in study.trials}
    assert len(set(bracket_of.values())) > 1
    for number, visible in seen:
        assert visible and all(bracket_of[v] == bracket_of[number] for v in visible), (number, visible)


# The in-memory owner's path: the trial's view is the stored trial, written once by the storage -----------------


def test_a_running_trial_read_by_another_caller_is_a_snapshot_that_its_later_suggests_leave_alone() -> None:
    study = new_study()
    trial = study.ask()
    x = trial.suggest_float("x", 0.0, 1.0)
    for read in (
        study.get_trials(deepcopy=False),
        study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)),
        study._storage.get_all_trials(
            study._study_id, deepcopy=False, states=(TrialState.RUNNING, TrialState.COMPLETE)
        ),
    ):
        (seen,) = read
        trial.suggest_float(f"y{id(read)}", 0.0, 1.0)
        trial.set_user_attr(f"u{id(read)}", [1])
        assert seen.params == {"x": x} and seen.user_attrs == {}
    assert len(trial.params) == 4 and len(trial.user_attrs) == 3
    assert study._storage.get_trial(trial._trial_id).params == trial.params


def test_an_enqueued_value_is_shown_as_suggested_while_the_storage_keeps_its_external_form() -> None:
    """Optuna's Trial caches the value as suggested (an int for a float parameter); its storage the float."""
    study = new_study()
    study.enqueue_trial({"x": 2})
    trial = study.ask()
    assert trial.suggest_float("x", 0.0, 5.0) == 2
    assert type(trial.params["x"]) is int
    assert type(study._storage.get_trial(trial._trial_id).params["x"]) is float
    # From then on the trial keeps its own copy, and still sees every later write.
    y = trial.suggest_float("y", 0.0, 1.0)
    trial.report(0.5, 1)
    assert trial.params == {"x": 2, "y": y}
    assert study.tell(trial, 1.0).params == {"x": 2.0, "y": y}


@pytest.mark.parametrize(("drawn", "error"), [(math.nan, "invalid value"), ("a", "float-castable")])
def test_a_sampler_value_that_cannot_be_stored_raises_and_stores_nothing(drawn: object, error: str) -> None:
    class BadSampler(pyhpo.samplers.RandomSampler):
        def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
            return drawn

    study = pyhpo.create_study(sampler=BadSampler(seed=0))
    trial = study.ask()
    with pytest.raises(ValueError, match=error):
        trial.suggest_float("x", 0.0, 1.0)
    assert trial.params == {} and study.trials[0].params == {}


def test_a_sampler_that_returns_an_int_for_a_float_gets_it_back_and_the_storage_keeps_a_float() -> None:
    class IntSampler(pyhpo.samplers.RandomSampler):
        def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
            return 1

    study = pyhpo.create_study(sampler=IntSampler(seed=0))
    trial = study.ask()
    assert type(trial.suggest_float("x", 0.0, 3.0)) is int
    assert trial.params == {"x": 1} and type(study.trials[0].params["x"]) is float
