"""PartialFixedSampler."""

from __future__ import annotations

import pytest

import pyhpo
from pyhpo.samplers._partial_fixed import PartialFixedSampler


@pytest.fixture(autouse=True)
def _quiet() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)


def _objective(trial) -> float:  # type: ignore[no-untyped-def]
    return trial.suggest_float("x", -1, 1) ** 2 + trial.suggest_int("y", -5, 5) ** 2


@pytest.mark.parametrize(
    "base",
    [
        pyhpo.samplers.RandomSampler(seed=0),
        pyhpo.samplers.CmaEsSampler(seed=0),
        pyhpo.samplers.QMCSampler(seed=0),
    ],
)
def test_fixed_parameters_never_change_and_the_rest_still_vary(base) -> None:  # type: ignore[no-untyped-def]
    study = pyhpo.create_study(sampler=PartialFixedSampler({"y": 2}, base))
    study.optimize(_objective, n_trials=15)
    assert {t.params["y"] for t in study.trials} == {2}
    assert len({t.params["x"] for t in study.trials}) == 15


def test_fixed_params_leave_the_relative_search_space() -> None:
    base = pyhpo.samplers.CmaEsSampler(seed=0)
    study = pyhpo.create_study(sampler=base)
    study.optimize(_objective, n_trials=2)
    frozen = study.trials[-1]
    assert set(base.infer_relative_search_space(study, frozen)) == {"x", "y"}
    assert set(PartialFixedSampler({"y": 0}, base).infer_relative_search_space(study, frozen)) == {"x"}


def test_out_of_range_fixed_value_is_used_with_a_warning() -> None:
    study = pyhpo.create_study(sampler=PartialFixedSampler({"y": 9}, pyhpo.samplers.RandomSampler(seed=0)))
    with pytest.warns(UserWarning, match="Fixed parameter 'y' with value 9 is out of range"):
        study.optimize(_objective, n_trials=1)
    assert study.trials[0].params["y"] == 9


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="fixed_params must be a dict"):
        PartialFixedSampler([("y", 1)], pyhpo.samplers.RandomSampler())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="base_sampler must be a BaseSampler"):
        PartialFixedSampler({"y": 1}, "random")  # type: ignore[arg-type]
