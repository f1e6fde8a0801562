"""BaseSampler contract and the pyhpo.samplers namespace."""

from __future__ import annotations

from typing import Any

import pytest

import pyhpo
import pyhpo.samplers
from pyhpo.distributions import BaseDistribution, FloatDistribution
from pyhpo.samplers import BaseSampler
from pyhpo.samplers._base import _infeasibility, _process_constraints_after_trial
from pyhpo.trial import TrialState


class _FixedSampler(BaseSampler):
    """Relative sample of x = 1.5, independent y = 2.5; records the hooks it sees."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def infer_relative_search_space(self, study: Any, trial: Any) -> dict[str, BaseDistribution]:
        self.calls.append("infer")
        return {"x": FloatDistribution(0, 5)}

    def sample_relative(
        self, study: Any, trial: Any, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        self.calls.append("relative")
        return {"x": 1.5}

    def sample_independent(self, study: Any, trial: Any, param_name: str, param_distribution: Any) -> Any:
        self.calls.append(f"independent:{param_name}")
        return 2.5

    def before_trial(self, study: Any, trial: Any) -> None:
        self.calls.append("before")

    def after_trial(self, study: Any, trial: Any, state: TrialState, values: Any) -> None:
        self.calls.append(f"after:{state.name}")


def test_base_sampler_cannot_be_instantiated_without_the_three_sampling_methods() -> None:
    with pytest.raises(TypeError):
        BaseSampler()  # type: ignore[abstract]


def test_study_calls_hooks_in_order_and_uses_relative_then_independent_values() -> None:
    sampler = _FixedSampler()
    study = pyhpo.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 5) + t.suggest_float("y", 0, 5), n_trials=1)
    assert study.trials[0].params == {"x": 1.5, "y": 2.5}
    assert sampler.calls[:2] == ["before", "infer"]
    assert "relative" in sampler.calls and "independent:y" in sampler.calls
    assert "independent:x" not in sampler.calls
    assert sampler.calls[-1] == "after:COMPLETE"
    assert str(sampler) == "_FixedSampler"


def test_multi_objective_guard_names_the_sampler() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"], sampler=pyhpo.samplers.RandomSampler())
    with pytest.raises(ValueError, match="_FixedSampler cannot be used"):
        _FixedSampler()._raise_error_if_multi_objective(study)


def test_constraints_are_stored_as_a_system_attr_for_complete_trials_only() -> None:
    study = pyhpo.create_study()
    trial = study.ask()
    frozen = study._storage.get_trial(trial._trial_id)
    _process_constraints_after_trial(lambda t: [1.0, -2.0], study, frozen, TrialState.COMPLETE)
    assert study._storage.get_trial(trial._trial_id).system_attrs["constraints"] == (1.0, -2.0)
    other = study._storage.get_trial(study.ask()._trial_id)
    _process_constraints_after_trial(lambda t: [1.0], study, other, TrialState.FAIL)
    assert "constraints" not in study._storage.get_trial(other._trial_id).system_attrs


def test_nan_constraint_is_rejected_and_recorded_as_none() -> None:
    study = pyhpo.create_study()
    frozen = study._storage.get_trial(study.ask()._trial_id)
    with pytest.raises(ValueError, match="NaN"):
        _process_constraints_after_trial(lambda t: [float("nan")], study, frozen, TrialState.COMPLETE)
    assert study._storage.get_trial(frozen._trial_id).system_attrs["constraints"] is None


def test_infeasibility_sums_positive_violations_in_both_formats() -> None:
    assert _infeasibility({}) == 0.0
    assert _infeasibility({"constraints": [0.5, -1.0, 2.0]}) == 2.5
    assert _infeasibility({"constraints:a": 1.0, "constraints:b": -3.0, "other": 9}) == 1.0
    assert _infeasibility({"constraints": None}) == 0.0


def test_namespace_exports_every_sampler_in_sorted_all() -> None:
    assert pyhpo.samplers.__all__ == sorted(pyhpo.samplers.__all__)
    for name in ("BaseSampler", "RandomSampler", "TPESampler"):
        assert name in pyhpo.samplers.__all__
        assert isinstance(getattr(pyhpo.samplers, name), type)
    with pytest.raises(AttributeError, match="NoSuchSampler"):
        _ = pyhpo.samplers.NoSuchSampler
