"""pyhpo.terminator: behaviour on its own, and the same numbers and decisions as Optuna's on identical studies.

Tolerance of the side-by-side tests: the GP evaluators fit the same model (same kernel, priors, optimiser and
starting point) and draw the same Sobol candidates (same seed stream), so their values agree to the rounding of
L-BFGS-B's path, measured at ~1e-12 relative; ``rel=1e-6`` leaves room for BLAS differences, and still fails on
any change of model, prior, beta or candidate set (those move the values by percents). The evaluators without
a GP must agree exactly.
"""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest

import pyhpo
import pyhpo.terminator
from pyhpo.exceptions import ExperimentalWarning
from pyhpo.terminator import (
    BaseErrorEvaluator,
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    EMMREvaluator,
    MedianErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
    TerminatorCallback,
    report_cross_validation_scores,
)

pytestmark = [
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore:.* is experimental"),
]


def _records(
    n: int, seed: int = 0, with_cv: bool = True, cv_noise: float = 0.05, local_after: int | None = None
) -> list[dict[str, object]]:
    """Trials of a noisy 3-parameter problem (float, log float, int) with 5 cross-validation scores each.

    From trial ``local_after`` on, the parameters are drawn close to the optimum, as a converging sampler's.
    """
    rng = np.random.RandomState(seed)
    out = []
    for i in range(n):
        x, lr, depth = (
            rng.uniform(-3, 3),
            float(np.exp(rng.uniform(np.log(1e-3), 0.0))),
            int(rng.randint(1, 9)),
        )
        if local_after is not None and i >= local_after:
            x, lr, depth = 1.0 + 0.05 * rng.randn(), float(1e-2 * np.exp(0.05 * rng.randn())), 4
        base = (x - 1.0) ** 2 + (np.log10(lr) + 2.0) ** 2 + 0.1 * (depth - 4) ** 2
        scores = (base + cv_noise * rng.randn(5)).tolist()
        out.append(
            {
                "params": {"x": x, "lr": lr, "depth": depth},
                "value": float(np.mean(scores)),
                "system_attrs": {"terminator:cv_scores": scores} if with_cv else {},
            }
        )
    return out


def _study(lib, records, direction: str = "minimize"):  # type: ignore[no-untyped-def]
    """The same study in pyhpo or optuna (``lib`` is the module)."""
    distributions = {
        "x": lib.distributions.FloatDistribution(-3, 3),
        "lr": lib.distributions.FloatDistribution(1e-3, 1.0, log=True),
        "depth": lib.distributions.IntDistribution(1, 8),
    }
    study = lib.create_study(direction=direction)
    for r in records:
        value = r["value"] if direction == "minimize" else -r["value"]
        study.add_trial(
            lib.trial.create_trial(
                params=r["params"], distributions=distributions, value=value, system_attrs=r["system_attrs"]
            )
        )
    return study


# -- behaviour, pyhpo alone ---------------------------------------------------------------------------------------


def test_the_public_names_are_optunas() -> None:
    optuna_terminator = pytest.importorskip("optuna.terminator")
    assert sorted(pyhpo.terminator.__all__) == sorted(optuna_terminator.__all__)


def test_terminator_warns_as_optuna_does() -> None:
    with pytest.warns(FutureWarning, match="`optuna.terminator` module has been deprecated in v4.9.0"):
        Terminator(improvement_evaluator=BestValueStagnationEvaluator())
    with pytest.warns(ExperimentalWarning, match="RegretBoundEvaluator is experimental"):
        RegretBoundEvaluator()


def test_min_n_trials_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive integer, got 0"):
        Terminator(min_n_trials=0)


def test_no_termination_before_min_n_trials() -> None:
    study = _study(pyhpo, _records(5))
    terminator = Terminator(BestValueStagnationEvaluator(max_stagnation_trials=0), min_n_trials=6)
    assert not terminator.should_terminate(study)


def test_best_value_stagnation_counts_trials_since_the_best() -> None:
    study = pyhpo.create_study()
    for v in [5.0, 3.0, 4.0, 4.0, 6.0]:
        study.add_trial(pyhpo.trial.create_trial(value=v))
    assert BestValueStagnationEvaluator(max_stagnation_trials=10).evaluate(study.trials, study.direction) == 7
    maximize = pyhpo.create_study(direction="maximize")
    for v in [5.0, 3.0, 4.0, 4.0, 6.0]:
        maximize.add_trial(pyhpo.trial.create_trial(value=v))
    assert BestValueStagnationEvaluator(10).evaluate(maximize.trials, maximize.direction) == 10
    with pytest.raises(ValueError, match="must not be negative"):
        BestValueStagnationEvaluator(-1)


def test_default_error_evaluator_of_stagnation_is_zero_and_stops_the_study() -> None:
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    callback = TerminatorCallback(
        Terminator(BestValueStagnationEvaluator(max_stagnation_trials=3), min_n_trials=1)
    )
    study.optimize(lambda t: 1.0 if t.number else 0.0, n_trials=50, callbacks=[callback])
    # trial 0 is the best; after 4 more without improvement the improvement is -1 < 0
    assert len(study.trials) == 5


def test_report_cross_validation_scores_feeds_the_error_evaluator() -> None:
    study = pyhpo.create_study()
    trial = study.ask()
    with pytest.warns(FutureWarning):
        report_cross_validation_scores(trial, np.array([1.0, 2.0, 3.0]))
    study.tell(trial, 2.0)
    scores = [1.0, 2.0, 3.0]
    expected = math.sqrt((1 / 3 + 1 / 2) * np.var(scores))
    assert CrossValidationErrorEvaluator().evaluate(study.trials, study.direction) == pytest.approx(expected)
    with pytest.raises(ValueError, match="greater than one, got 1"):
        report_cross_validation_scores(study.ask(), [1.0])


def test_cross_validation_error_needs_reported_scores() -> None:
    study = pyhpo.create_study()
    study.add_trial(pyhpo.trial.create_trial(value=1.0))
    with pytest.raises(ValueError, match="report_cross_validation_scores"):
        CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)


def test_static_error_is_its_constant() -> None:
    assert StaticErrorEvaluator(constant=0.25).evaluate([], pyhpo.study.StudyDirection.MINIMIZE) == 0.25


def test_regret_bound_shrinks_as_the_optimum_is_pinned_down() -> None:
    records = _records(60)
    study = _study(pyhpo, records)
    evaluator = RegretBoundEvaluator(seed=0)
    early = evaluator.evaluate(study.trials[:25], study.direction)
    # 30 more trials right at the optimum: the bound must drop far below the early one
    for i in range(30):
        study.add_trial(
            pyhpo.trial.create_trial(
                params={"x": 1.0 + 1e-3 * i, "lr": 1e-2, "depth": 4},
                distributions=study.trials[0].distributions,
                value=0.0,
            )
        )
    late = RegretBoundEvaluator(seed=0).evaluate(study.trials[:25] + study.trials[60:], study.direction)
    assert 0.0 <= late < 0.5 * early


def test_regret_bound_errors() -> None:
    study = pyhpo.create_study()
    with pytest.raises(ValueError, match="no trial has been completed"):
        RegretBoundEvaluator().evaluate(study.trials, study.direction)
    study.add_trial(pyhpo.trial.create_trial(value=1.0))
    with pytest.raises(ValueError, match="intersection search space is empty"):
        RegretBoundEvaluator().evaluate(study.trials, study.direction)


def test_emmr_waits_for_min_n_trials_and_a_search_space() -> None:
    study = pyhpo.create_study()
    study.add_trial(pyhpo.trial.create_trial(value=1.0))
    assert EMMREvaluator().evaluate(study.trials, study.direction) == sys.float_info.max * 0.1
    study.add_trial(pyhpo.trial.create_trial(value=2.0))
    with pytest.warns(UserWarning, match="cannot consider any search space"):
        assert EMMREvaluator().evaluate(study.trials, study.direction) == sys.float_info.max * 0.1
    with pytest.raises(ValueError, match="more than one, got 1"):
        EMMREvaluator(min_n_trials=1)


def test_median_error_evaluator_fixes_its_threshold() -> None:
    study = _study(pyhpo, _records(40))
    evaluator = MedianErrorEvaluator(BestValueStagnationEvaluator(5), warm_up_trials=5, n_initial_trials=10)
    assert evaluator.evaluate(study.trials[:14], study.direction) < 0  # not enough trials yet: never stop
    threshold = evaluator.evaluate(study.trials, study.direction)
    assert threshold == evaluator.evaluate(study.trials[:20], study.direction)  # fixed once computed
    for bad, match in [
        ({"warm_up_trials": -1}, "non-negative"),
        ({"n_initial_trials": 0}, "positive integer"),
    ]:
        with pytest.raises(ValueError, match=match):
            MedianErrorEvaluator(BestValueStagnationEvaluator(), **bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        MedianErrorEvaluator(BestValueStagnationEvaluator(), threshold_ratio=math.inf)


def test_custom_evaluators_plug_in() -> None:
    class Half(BaseImprovementEvaluator):
        def evaluate(self, trials, study_direction):  # type: ignore[no-untyped-def]
            return 0.5

    class One(BaseErrorEvaluator):
        def evaluate(self, trials, study_direction):  # type: ignore[no-untyped-def]
            return 1.0

    study = _study(pyhpo, _records(3))
    assert Terminator(Half(), One(), min_n_trials=3).should_terminate(study)
    assert not Terminator(Half(), StaticErrorEvaluator(0.1), min_n_trials=3).should_terminate(study)


def test_regret_bound_terminator_stops_an_optimize_loop_with_cv_scores() -> None:
    def objective(trial: pyhpo.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        scores = [x**2 + 0.3 * s for s in (-1.0, -0.5, 0.0, 0.5, 1.0)]
        report_cross_validation_scores(trial, scores)
        return float(np.mean(scores))

    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        callback = TerminatorCallback(Terminator(RegretBoundEvaluator(seed=0), min_n_trials=10))
    study.optimize(objective, n_trials=60, callbacks=[callback])
    # the cv error (~0.3) dwarfs what is left to gain on x**2: stopped at the first check
    assert len(study.trials) == 10


# -- side by side with Optuna -------------------------------------------------------------------------------------


def _both(records, direction: str = "minimize"):  # type: ignore[no-untyped-def]
    optuna = pytest.importorskip("optuna")
    pytest.importorskip("optuna.terminator")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna, _study(pyhpo, records, direction), _study(optuna, records, direction)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_cv_error_stagnation_and_median_match_optuna(direction: str) -> None:
    optuna, ours, theirs = _both(_records(45), direction)
    for n in (1, 10, 30, 45):
        o_trials, t_trials = ours.trials[:n], theirs.trials[:n]
        assert CrossValidationErrorEvaluator().evaluate(o_trials, ours.direction) == pytest.approx(
            optuna.terminator.CrossValidationErrorEvaluator().evaluate(t_trials, theirs.direction), rel=1e-12
        )
        assert BestValueStagnationEvaluator(7).evaluate(
            o_trials, ours.direction
        ) == optuna.terminator.BestValueStagnationEvaluator(7).evaluate(t_trials, theirs.direction)
    ours_median = MedianErrorEvaluator(
        BestValueStagnationEvaluator(12), warm_up_trials=3, n_initial_trials=15
    )
    theirs_median = optuna.terminator.MedianErrorEvaluator(
        optuna.terminator.BestValueStagnationEvaluator(12), warm_up_trials=3, n_initial_trials=15
    )
    for n in (10, 18, 30):
        assert ours_median.evaluate(ours.trials[:n], ours.direction) == theirs_median.evaluate(
            theirs.trials[:n], theirs.direction
        )


def test_stagnation_terminator_decisions_match_optuna() -> None:
    optuna, ours, theirs = _both(_records(60, seed=3))
    ours_t = Terminator(BestValueStagnationEvaluator(8), min_n_trials=5)
    theirs_t = optuna.terminator.Terminator(optuna.terminator.BestValueStagnationEvaluator(8), min_n_trials=5)
    decisions = []
    for n in range(1, 61):
        o, t = pyhpo.create_study(), optuna.create_study()
        for trial in ours.trials[:n]:
            o.add_trial(trial)
        for trial in theirs.trials[:n]:
            t.add_trial(trial)
        decisions.append((ours_t.should_terminate(o), theirs_t.should_terminate(t)))
    assert all(a == b for a, b in decisions)
    assert any(a for a, _ in decisions) and not all(a for a, _ in decisions)


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_regret_bound_matches_optuna(direction: str) -> None:
    pytest.importorskip("torch", reason="Optuna's RegretBoundEvaluator needs PyTorch")
    optuna, ours, theirs = _both(_records(40, seed=1), direction)
    for n in (12, 25, 40):
        mine = RegretBoundEvaluator(seed=3).evaluate(ours.trials[:n], ours.direction)
        ref = optuna.terminator.RegretBoundEvaluator(seed=3).evaluate(theirs.trials[:n], theirs.direction)
        assert mine == pytest.approx(ref, rel=1e-6)


def test_emmr_matches_optuna() -> None:
    pytest.importorskip("torch", reason="Optuna's EMMREvaluator needs PyTorch")
    optuna, ours, theirs = _both(_records(30, seed=2))
    for n in (5, 15, 30):
        mine = EMMREvaluator(seed=1).evaluate(ours.trials[:n], ours.direction)
        ref = optuna.terminator.EMMREvaluator(seed=1).evaluate(theirs.trials[:n], theirs.direction)
        assert mine == pytest.approx(ref, rel=1e-6)


def test_regret_bound_terminator_decisions_match_optuna() -> None:
    pytest.importorskip("torch", reason="Optuna's RegretBoundEvaluator needs PyTorch")
    # cv errors around 0.4: the regret bound starts above them and falls below them as trials accumulate
    optuna, ours, theirs = _both(_records(60, seed=1, cv_noise=0.6, local_after=20))
    decisions = []
    for n in (20, 60):
        o, t = pyhpo.create_study(), optuna.create_study()
        for trial in ours.trials[:n]:
            o.add_trial(trial)
        for trial in theirs.trials[:n]:
            t.add_trial(trial)
        mine = Terminator(RegretBoundEvaluator(seed=0)).should_terminate(o)
        ref = optuna.terminator.Terminator(optuna.terminator.RegretBoundEvaluator(seed=0)).should_terminate(t)
        decisions.append((mine, ref))
    assert decisions == [(False, False), (True, True)]


def test_gp_evaluators_without_scipy_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)  # makes `import scipy.optimize` fail
    for evaluator in (RegretBoundEvaluator, EMMREvaluator):
        with pytest.raises(ImportError, match=r'pip install "pyhpo-opt\[gp\]"'):
            evaluator()
