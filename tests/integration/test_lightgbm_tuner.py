"""The stepwise LightGBM tuner: its steps, results, resuming, boosters, and agreement with optuna-integration."""

from __future__ import annotations

import json
from typing import Any

import pytest

import pyhpo
from pyhpo.trial import TrialState

lightgbm = pytest.importorskip("lightgbm")

import pyhpo.integration.lightgbm as lgb
from pyhpo.integration import LightGBMTuner, LightGBMTunerCV

ROUNDS = 5
STEPS = ["feature_fraction", "num_leaves", "bagging", "feature_fraction_stage2", "regularization_factors"]
PARAMS = {
    "objective": "binary",
    "metric": "binary_logloss",
    "verbosity": -1,
    "deterministic": True,
    "num_threads": 1,
}


@pytest.fixture
def data(breast_cancer: tuple[Any, Any, Any, Any]) -> tuple[Any, Any]:
    x_train, x_valid, y_train, y_valid = breast_cancer
    return lgb.Dataset(x_train, label=y_train), lgb.Dataset(x_valid, label=y_valid)


def _tuner(data: tuple[Any, Any], **kwargs: Any) -> Any:
    dtrain, dvalid = data
    kwargs.setdefault("show_progress_bar", False)
    kwargs.setdefault("optuna_seed", 0)
    return LightGBMTuner(dict(PARAMS), dtrain, valid_sets=[dtrain, dvalid], num_boost_round=ROUNDS, **kwargs)


def test_the_module_reads_like_lightgbm_with_a_tuning_train() -> None:
    assert lgb.Dataset is lightgbm.Dataset
    assert lgb.early_stopping is lightgbm.early_stopping
    assert lgb.train is not lightgbm.train
    assert lgb.LightGBMTuner is LightGBMTuner
    with pytest.raises(AttributeError, match="no attribute 'not_a_lightgbm_name'"):
        lgb.not_a_lightgbm_name  # noqa: B018


def test_run_goes_through_every_step_and_keeps_the_best(data: tuple[Any, Any]) -> None:
    tuner = _tuner(data)
    tuner.run()
    trials = tuner.study.trials
    steps = [t.system_attrs["lightgbm_tuner:step_name"] for t in trials]
    # feature_fraction_stage2 keeps the grid points within [0.4, 1.0] around the best fraction
    assert list(dict.fromkeys(steps)) == [*STEPS, "min_child_samples"]
    assert steps.count("feature_fraction") == 7 and steps.count("num_leaves") == 20
    assert steps.count("bagging") == 10 and steps.count("regularization_factors") == 20
    assert steps.count("min_child_samples") == 5
    assert all(t.state == TrialState.COMPLETE for t in trials)
    best = min(trials, key=lambda t: t.value)
    assert tuner.best_score == best.value
    assert tuner.best_params == json.loads(best.system_attrs["lightgbm_tuner:lgbm_params"])
    assert tuner.best_params["feature_pre_filter"] is False
    booster = tuner.get_best_booster()
    assert booster.best_score["valid_1"]["binary_logloss"] == pytest.approx(tuner.best_score)
    grid = sorted(t.params["min_child_samples"] for t in trials if "min_child_samples" in t.params)
    assert grid == [5, 10, 25, 50, 100]


def test_a_resumed_study_continues_and_model_dir_serves_the_best_booster(
    data: tuple[Any, Any], tmp_path: Any
) -> None:
    study = pyhpo.create_study()
    first = _tuner(data, study=study, model_dir=str(tmp_path / "boosters"))
    first.tune_feature_fraction()
    first.tune_num_leaves(n_trials=3)
    assert len(study.trials) == 10
    second = _tuner(data, study=study, model_dir=str(tmp_path / "boosters"))
    second.tune_feature_fraction()  # all 7 grid points are done: nothing runs
    second.tune_num_leaves(n_trials=4)  # 3 of 4 are done: one more
    assert len(study.trials) == 11
    assert sorted(p.name for p in (tmp_path / "boosters").iterdir()) == sorted(f"{i}.pkl" for i in range(11))
    fresh = _tuner(data, study=study, model_dir=str(tmp_path / "boosters"))
    booster = fresh.get_best_booster()  # not trained by this tuner: read from model_dir
    assert booster.best_score["valid_1"]["binary_logloss"] == pytest.approx(study.best_value)
    with pytest.raises(ValueError, match="set the `model_dir` argument"):
        _tuner(data, study=study).get_best_booster()


def test_before_any_trial_the_defaults_and_given_params_are_best(data: tuple[Any, Any]) -> None:
    tuner = _tuner(data)
    assert tuner.best_score == float("inf")
    assert tuner.best_params["num_leaves"] == 31 and tuner.best_params["metric"] == "binary_logloss"
    with pytest.raises(ValueError, match="no trials completed"):
        tuner.get_best_booster()


def test_metric_aliases_and_direction(data: tuple[Any, Any]) -> None:
    dtrain, dvalid = data
    tuner = LightGBMTuner(
        {"objective": "binary", "metric": "auc", "verbosity": -1}, dtrain, valid_sets=dvalid
    )
    assert tuner.study.direction == pyhpo.study.StudyDirection.MAXIMIZE
    assert LightGBMTuner({"metric": "mse"}, dtrain, valid_sets=dvalid).lgbm_params["metric"] == "l2"
    with pytest.raises(ValueError, match="Please set 'maximize' as the direction"):
        LightGBMTuner({"metric": "auc"}, dtrain, valid_sets=dvalid, study=pyhpo.create_study())
    with pytest.raises(ValueError, match="`valid_sets` is required"):
        LightGBMTuner({"metric": "auc"}, dtrain)
    aliased = _tuner(data)
    aliased.lgbm_params["subsample"] = 0.5
    aliased.run = lambda: None  # only the alias folding of run() is under test here
    from pyhpo.integration.lightgbm._alias import fold_parameter_aliases

    fold_parameter_aliases(aliased.lgbm_params)
    assert aliased.lgbm_params["bagging_fraction"] == 0.5 and "subsample" not in aliased.lgbm_params


def test_train_returns_the_best_booster(data: tuple[Any, Any]) -> None:
    dtrain, dvalid = data
    study = pyhpo.create_study()
    booster = lgb.train(
        dict(PARAMS),
        dtrain,
        valid_sets=[dvalid],
        num_boost_round=2,
        study=study,
        show_progress_bar=False,
        time_budget=1,
    )
    assert isinstance(booster, lightgbm.Booster)
    assert booster.best_score["valid_0"]["binary_logloss"] == pytest.approx(study.best_value)


def test_tuner_cv_scores_by_the_fold_mean_and_keeps_cv_boosters(data: tuple[Any, Any]) -> None:
    dtrain, _ = data
    tuner = LightGBMTunerCV(
        dict(PARAMS),
        dtrain,
        num_boost_round=ROUNDS,
        nfold=3,
        return_cvbooster=True,
        show_progress_bar=False,
        optuna_seed=0,
    )
    tuner.tune_feature_fraction(n_trials=2)
    tuner.tune_min_data_in_leaf()
    assert len(tuner.study.trials) == 7
    best = tuner.get_best_booster()
    assert isinstance(best, lightgbm.CVBooster) and len(best.boosters) == 3
    cv = lightgbm.cv(tuner.best_params, dtrain, num_boost_round=ROUNDS, nfold=3, stratified=True, seed=0)
    assert cv["valid binary_logloss-mean"][-1] == pytest.approx(tuner.best_score)
    without = LightGBMTunerCV(dict(PARAMS), dtrain, show_progress_bar=False)
    with pytest.raises(ValueError, match="requires `return_cvbooster=True`"):
        without.get_best_booster()


def test_same_seed_tunes_what_optuna_integration_tunes(data: tuple[Any, Any]) -> None:
    optuna = pytest.importorskip("optuna")
    optuna_lgb = pytest.importorskip("optuna_integration.lightgbm")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dtrain, dvalid = data
    ours = _tuner(data)
    ours.run()
    theirs = optuna_lgb.LightGBMTuner(
        dict(PARAMS),
        dtrain,
        valid_sets=[dtrain, dvalid],
        num_boost_round=ROUNDS,
        optuna_seed=0,
        show_progress_bar=False,
    )
    theirs.run()
    steps = [
        [t.system_attrs["lightgbm_tuner:step_name"] for t in tuner.study.trials] for tuner in (ours, theirs)
    ]
    assert steps[0] == steps[1]
    # The first grid step and the first TPE step sample the same values; later TPE steps may part ways where TPE
    # breaks near-ties differently (pyhpo's TPE matches Optuna's to about 1e-8, not bit for bit).
    for mine, other in zip(ours.study.trials, theirs.study.trials):
        if mine.system_attrs["lightgbm_tuner:step_name"] in ("feature_fraction", "num_leaves"):
            assert mine.params.keys() == other.params.keys()
            assert list(mine.params.values()) == pytest.approx(list(other.params.values()), rel=1e-6)
            assert mine.value == pytest.approx(other.value)
    grid = [
        sorted(t.params.get("min_child_samples", 0) for t in tuner.study.trials) for tuner in (ours, theirs)
    ]
    assert grid[0] == grid[1]
    assert ours.best_score == pytest.approx(theirs.best_score, rel=0.02)
