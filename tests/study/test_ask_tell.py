"""Study.ask / Study.tell: Optuna's semantics for values, states and mistakes."""

from __future__ import annotations

import math
from typing import ClassVar

import pytest

import pyhpo
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.trial import TrialState
from tests.study.helpers import new_study


def test_ask_returns_a_running_trial_with_the_next_number() -> None:
    study = new_study()
    first, second = study.ask(), study.ask()
    assert (first.number, second.number) == (0, 1)
    assert [t.state for t in study.trials] == [TrialState.RUNNING, TrialState.RUNNING]


def test_ask_with_fixed_distributions_suggests_them_at_once() -> None:
    study = new_study()
    dists = {
        "x": FloatDistribution(0, 1),
        "n": IntDistribution(1, 3),
        "c": CategoricalDistribution(["a", "b"]),
    }
    trial = study.ask(fixed_distributions=dists)
    assert set(trial.params) == {"x", "n", "c"}
    assert trial.distributions == dists
    assert study.trials[0].params == trial.params


def test_tell_with_a_value_completes_the_trial_and_returns_it_frozen() -> None:
    study = new_study()
    trial = study.ask()
    x = trial.suggest_float("x", -1, 1)
    frozen = study.tell(trial, x * 2)
    assert frozen.state == TrialState.COMPLETE
    assert frozen.value == pytest.approx(2 * x)
    assert frozen.datetime_complete is not None
    assert study.best_trial.number == 0


def test_tell_accepts_the_trial_number_instead_of_the_trial() -> None:
    study = new_study()
    study.ask()
    study.ask()
    study.tell(1, 5.0)
    assert [t.state for t in study.trials] == [TrialState.RUNNING, TrialState.COMPLETE]
    assert study.trials[1].value == 5.0


def test_tell_with_an_unknown_trial_number_raises_value_error_naming_it() -> None:
    study = new_study()
    with pytest.raises(ValueError, match="7"):
        study.tell(7, 1.0)


def test_tell_pruned_keeps_the_last_reported_value() -> None:
    study = new_study()
    trial = study.ask()
    trial.report(3.0, 0)
    trial.report(2.5, 4)
    frozen = study.tell(trial, state=TrialState.PRUNED)
    assert frozen.state == TrialState.PRUNED
    assert frozen.value == 2.5


def test_tell_pruned_without_reports_has_no_value() -> None:
    study = new_study()
    frozen = study.tell(study.ask(), state=TrialState.PRUNED)
    assert frozen.state == TrialState.PRUNED and frozen.values is None


def test_tell_fail_records_a_failed_trial_without_values() -> None:
    study = new_study()
    frozen = study.tell(study.ask(), state=TrialState.FAIL)
    assert frozen.state == TrialState.FAIL and frozen.values is None


@pytest.mark.parametrize("state", [TrialState.PRUNED, TrialState.FAIL])
def test_tell_with_values_and_a_pruned_or_failed_state_raises(state: TrialState) -> None:
    study = new_study()
    trial = study.ask()
    with pytest.raises(ValueError, match="Values cannot be specified"):
        study.tell(trial, 1.0, state=state)
    assert study.trials[0].state == TrialState.RUNNING


def test_tell_complete_without_values_raises() -> None:
    study = new_study()
    with pytest.raises(ValueError, match="No values were told"):
        study.tell(study.ask(), state=TrialState.COMPLETE)


def test_tell_complete_with_nan_raises_instead_of_recording_it() -> None:
    study = new_study()
    trial = study.ask()
    with pytest.raises(ValueError, match="nan is not acceptable"):
        study.tell(trial, math.nan, state=TrialState.COMPLETE)
    assert study.trials[0].state == TrialState.RUNNING


@pytest.mark.parametrize("state", [TrialState.RUNNING, TrialState.WAITING])
def test_tell_with_an_unfinished_state_raises(state: TrialState) -> None:
    study = new_study()
    with pytest.raises(ValueError, match=state.name):
        study.tell(study.ask(), 1.0, state=state)


def test_telling_twice_raises_value_error() -> None:
    study = new_study()
    trial = study.ask()
    study.tell(trial, 1.0)
    with pytest.raises(ValueError, match="Cannot tell a COMPLETE trial"):
        study.tell(trial, 2.0)
    assert study.trials[0].value == 1.0


def test_telling_twice_with_skip_if_finished_returns_the_finished_trial_unchanged() -> None:
    study = new_study()
    trial = study.ask()
    study.tell(trial, 1.0)
    frozen = study.tell(trial, 2.0, skip_if_finished=True)
    assert frozen.state == TrialState.COMPLETE and frozen.value == 1.0
    assert study.trials[0].value == 1.0


def test_tell_with_the_wrong_number_of_values_fails_the_trial_with_a_warning() -> None:
    study = new_study()
    trial = study.ask()
    with pytest.warns(
        UserWarning, match="The number of the values 2 did not match the number of the objectives 1"
    ):
        frozen = study.tell(trial, [1.0, 2.0])
    assert frozen.state == TrialState.FAIL and frozen.values is None


def test_tell_with_nan_fails_the_trial_with_a_warning() -> None:
    study = new_study()
    with pytest.warns(UserWarning, match="nan is not acceptable"):
        frozen = study.tell(study.ask(), math.nan)
    assert frozen.state == TrialState.FAIL


def test_tell_with_a_value_that_is_not_a_number_fails_the_trial_with_a_warning() -> None:
    study = new_study()
    with pytest.warns(UserWarning, match="'x' could not be cast to float"):
        frozen = study.tell(study.ask(), "x")  # type: ignore[arg-type]
    assert frozen.state == TrialState.FAIL
    # Every bad value is named, as Optuna does.
    two = pyhpo.create_study(directions=["minimize", "minimize"])
    with pytest.warns(UserWarning, match=r"The value nan is not acceptable; The value 'y' could not be cast"):
        two.tell(two.ask(), [math.nan, "y"])  # type: ignore[list-item]


def test_tell_with_none_and_no_state_fails_the_trial_with_a_warning() -> None:
    study = new_study()
    with pytest.warns(UserWarning, match="None could not be cast to float"):
        frozen = study.tell(study.ask())
    assert frozen.state == TrialState.FAIL


def test_multi_objective_tell_records_every_value() -> None:
    study = pyhpo.create_study(
        directions=["minimize", "maximize"], sampler=pyhpo.samplers.RandomSampler(seed=1)
    )
    frozen = study.tell(study.ask(), [1.0, 2.0])
    assert frozen.values == [1.0, 2.0]
    with pytest.raises(RuntimeError):
        _ = frozen.value


def test_a_trial_of_another_study_cannot_be_told() -> None:
    a, b = new_study(), new_study()
    trial = a.ask()
    with pytest.raises(ValueError, match="another study"):
        b.tell(trial, 1.0)


def test_tell_with_a_trial_of_the_wrong_type_raises_type_error() -> None:
    study = new_study()
    with pytest.raises(TypeError, match="^Trial must be a trial object or trial number.$"):
        study.tell("zero", 1.0)  # type: ignore[arg-type]


def test_system_attrs_written_by_before_trial_are_visible_in_the_trial() -> None:
    """As in Optuna (GridSampler's grid_id): the Trial is built after the sampler's before_trial."""
    seen: list[dict[str, object]] = []

    class Tagging(pyhpo.samplers.RandomSampler):
        def before_trial(self, study: pyhpo.Study, trial: pyhpo.trial.FrozenTrial) -> None:
            study._storage.set_trial_system_attr(trial._trial_id, "tag", trial.number * 10)

        def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
            seen.append(dict(trial.system_attrs))
            return super().sample_independent(study, trial, param_name, param_distribution)

    study = pyhpo.create_study(sampler=Tagging(seed=0))
    trial = study.ask()
    assert trial.system_attrs["tag"] == 0
    trial.suggest_float("x", 0, 1)
    assert seen == [{"tag": 0}]
    grid = pyhpo.create_study(sampler=pyhpo.samplers.GridSampler({"x": [1, 2]}))
    assert grid.ask().system_attrs["grid_id"] in (0, 1)


def test_ask_skips_a_waiting_trial_another_worker_already_finished() -> None:
    """A stale read may list a trial as WAITING after another worker claimed and finished it."""
    import pyhpo
    from pyhpo.storages import InMemoryStorage
    from pyhpo.trial import FrozenTrial, TrialState

    class StaleStorage(InMemoryStorage):
        stale: ClassVar[list[FrozenTrial]] = []

        def get_all_trials(self, study_id, deepcopy=True, states=None):  # type: ignore[no-untyped-def]
            if states == (TrialState.WAITING,) and self.stale:
                return self.stale
            return super().get_all_trials(study_id, deepcopy=deepcopy, states=states)

    storage = StaleStorage()
    study = pyhpo.create_study(storage=storage, sampler=pyhpo.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": 1.0})
    StaleStorage.stale = storage.get_all_trials(study._study_id, states=(TrialState.WAITING,))
    finished = study.ask()
    study.tell(finished, 1.0)
    trial = study.ask()
    assert trial.number == 1


def test_tell_returns_a_copy_that_the_caller_may_change() -> None:
    study = new_study()
    trial = study.ask()
    trial.suggest_float("x", 0.0, 1.0)
    trial.set_user_attr("tags", ["a"])
    told = study.tell(trial, 1.0)
    told.params["x"] = 99.0
    told.user_attrs["tags"].append("b")
    told.values = [5.0]
    stored = study.trials[0]
    assert stored.params["x"] != 99.0 and stored.user_attrs == {"tags": ["a"]} and stored.values == [1.0]
    assert study.best_value == 1.0


def test_sampler_and_pruner_hooks_replaced_on_the_instance_are_still_called() -> None:
    study = new_study()
    calls: list[str] = []
    study.sampler.before_trial = lambda s, t: calls.append(f"before {t.number}")  # type: ignore[method-assign]
    study.sampler.after_trial = lambda s, t, state, v: calls.append(f"after {t.number} {state.name} {v}")  # type: ignore[method-assign]
    study.optimize(lambda t: 2.0, n_trials=2)
    assert calls == ["before 0", "after 0 COMPLETE [2.0]", "before 1", "after 1 COMPLETE [2.0]"]


def test_a_pruner_with_its_own_filter_study_is_asked_when_a_trial_finishes() -> None:
    seen: list[int] = []

    class Pruner(pyhpo.pruners.NopPruner):
        def filter_study(self, study, trial):  # type: ignore[no-untyped-def]
            seen.append(trial.number)
            return study

    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0), pruner=Pruner())
    study.optimize(lambda t: 1.0, n_trials=2)  # (no suggest: only tell asks for the sampler's view)
    assert seen == [0, 1]
