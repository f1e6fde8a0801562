"""WilcoxonPruner and its numpy signed-rank test."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import pyhpo
from pyhpo.pruners import WilcoxonPruner
from pyhpo.pruners._wilcoxon import _exact_rank_sum_distribution, _wilcoxon_pvalue

# 300 p-values from scipy.stats.wilcoxon(zero_method="zsplit"), the call Optuna makes; they cover
# the exact, permutation (ties/zeros, n <= 13) and normal (n > 13 with ties, n > 50) branches.
_REFERENCE = json.loads((Path(__file__).parent / "assets" / "wilcoxon_scipy_reference.json").read_text())


def test_pvalues_equal_scipy() -> None:
    mismatches = []
    for case in _REFERENCE["cases"]:
        ours = _wilcoxon_pvalue(np.array(case["d"]), case["alternative"])
        if ours != pytest.approx(case["pvalue"], rel=1e-9, abs=1e-15):
            mismatches.append((case, ours))
    assert len(_REFERENCE["cases"]) == 300
    assert mismatches == []


def test_exact_distribution_sums_to_one_and_is_symmetric() -> None:
    for n in (1, 5, 20, 50):
        pmf = _exact_rank_sum_distribution(n)
        assert pmf.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(pmf, pmf[::-1])
    assert _exact_rank_sum_distribution(3).tolist() == [1 / 8, 1 / 8, 1 / 8, 2 / 8, 1 / 8, 1 / 8, 1 / 8]


def test_bad_alternative_and_arguments() -> None:
    with pytest.raises(ValueError, match="alternative must be 'greater' or 'less'"):
        _wilcoxon_pvalue(np.ones(3), "two-sided")
    with pytest.raises(ValueError, match="^p_threshold must be between 0 and 1 but got 1.5.$"):
        WilcoxonPruner(p_threshold=1.5)
    with pytest.raises(ValueError, match="^n_startup_steps must be nonnegative but got -1.$"):
        WilcoxonPruner(n_startup_steps=-1)
    with pytest.raises(TypeError):
        WilcoxonPruner(0.1)  # type: ignore[misc]


_INSTANCES = np.linspace(-1, 1, 40)


def _objective(trial) -> float:  # type: ignore[no-untyped-def]
    param = trial.suggest_float("param", -1, 1)
    results = []
    order = np.random.default_rng(trial.number).permutation(len(_INSTANCES))
    for instance_id in order:
        loss = (param - _INSTANCES[instance_id]) ** 2
        results.append(loss)
        trial.report(loss, int(instance_id))
        if trial.should_prune():
            return sum(results) / len(results)
    return sum(results) / len(results)


def test_bad_trials_stop_early_and_the_best_is_kept() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    study = pyhpo.create_study(
        pruner=WilcoxonPruner(p_threshold=0.1), sampler=pyhpo.samplers.RandomSampler(seed=0)
    )
    study.optimize(_objective, n_trials=30)
    reported = [len(t.intermediate_values) for t in study.trials]
    assert sum(n < len(_INSTANCES) for n in reported) >= 10  # many trials stopped early
    assert abs(study.best_params["param"]) < 0.3
    # The best trial ran on every instance.
    assert len(study.best_trial.intermediate_values) == len(_INSTANCES)


def test_maximisation_and_non_finite_values() -> None:
    study = pyhpo.create_study(direction="maximize", sampler=pyhpo.samplers.RandomSampler(seed=0))
    best = pyhpo.trial.create_trial(value=10.0, intermediate_values={i: 10.0 + i for i in range(10)})
    study.add_trial(best)
    trial = pyhpo.trial.create_trial(
        state=pyhpo.trial.TrialState.RUNNING, intermediate_values={i: float(i) for i in range(10)}
    )
    pruner = WilcoxonPruner(p_threshold=0.1)
    assert pruner.prune(study, trial)
    assert not WilcoxonPruner(n_startup_steps=11).prune(study, trial)
    nan_trial = pyhpo.trial.create_trial(
        state=pyhpo.trial.TrialState.RUNNING, intermediate_values={0: math.nan, 1: 0.0}
    )
    with pytest.warns(UserWarning, match="contain infinity/NaNs"):
        assert not pruner.prune(study, nan_trial)
    extra = pyhpo.trial.create_trial(
        state=pyhpo.trial.TrialState.RUNNING, intermediate_values=dict.fromkeys(range(5, 15), 0.0)
    )
    with pytest.warns(UserWarning, match="does not exist in the best trial"):
        assert pruner.prune(study, extra)


def test_no_best_trial_or_no_reports_means_no_pruning() -> None:
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    trial = pyhpo.trial.create_trial(state=pyhpo.trial.TrialState.RUNNING, intermediate_values={0: 1.0})
    assert not WilcoxonPruner().prune(study, trial)
    study.add_trial(pyhpo.trial.create_trial(value=0.0))
    with pytest.warns(UserWarning, match="best trial has no intermediate values"):
        assert not WilcoxonPruner().prune(study, trial)


def test_a_best_trial_with_nan_values_disables_pruning() -> None:
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    study.add_trial(pyhpo.trial.create_trial(value=0.0, intermediate_values={0: math.nan, 1: 0.0, 2: 0.0}))
    trial = pyhpo.trial.create_trial(
        state=pyhpo.trial.TrialState.RUNNING, intermediate_values={0: 5.0, 1: 5.0, 2: 5.0}
    )
    with pytest.warns(UserWarning, match="best trial \\(trial 0\\) contain infinity/NaNs"):
        assert not WilcoxonPruner().prune(study, trial)
