"""The pruning callbacks report the framework's own evaluation history and prune when the pruner says so."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import pyhpo
from pyhpo.integration import CatBoostPruningCallback, LightGBMPruningCallback, XGBoostPruningCallback
from pyhpo.pruners import NopPruner, ThresholdPruner
from pyhpo.trial import TrialState

ROUNDS = 5


def _run_one(objective: Any, pruner: Any, direction: str = "minimize") -> pyhpo.trial.FrozenTrial:
    study = pyhpo.create_study(direction=direction, pruner=pruner)
    study.optimize(objective, n_trials=1)
    return study.trials[0]


# LightGBM ----------------------------------------------------------------------------------------------------


def _lgb_train(trial: Any, data: Any, history: dict[str, Any], **callback_kwargs: Any) -> float:
    lgb = pytest.importorskip("lightgbm")
    x_train, x_valid, y_train, y_valid = data
    dtrain = lgb.Dataset(x_train, label=y_train)
    dvalid = lgb.Dataset(x_valid, label=y_valid)
    booster = lgb.train(
        {
            "objective": "binary",
            "metric": "binary_logloss",
            "verbosity": -1,
            "num_leaves": 4,
            "num_threads": 1,
        },
        dtrain,
        num_boost_round=ROUNDS,
        valid_sets=[dvalid],
        valid_names=[callback_kwargs.get("valid_name", "valid_0")],
        callbacks=[
            LightGBMPruningCallback(trial, "binary_logloss", **callback_kwargs),
            lgb.record_evaluation(history),
        ],
    )
    return float(booster.best_score[callback_kwargs.get("valid_name", "valid_0")]["binary_logloss"])


def test_lightgbm_train_reports_every_round_of_the_validation_metric(breast_cancer: Any) -> None:
    history: dict[str, Any] = {}
    trial = _run_one(lambda t: _lgb_train(t, breast_cancer, history, valid_name="holdout"), NopPruner())
    assert trial.state == TrialState.COMPLETE
    expected = history["holdout"]["binary_logloss"]
    assert [trial.intermediate_values[i] for i in range(ROUNDS)] == pytest.approx(expected)


def test_lightgbm_report_interval_reports_every_nth_round(breast_cancer: Any) -> None:
    history: dict[str, Any] = {}
    trial = _run_one(lambda t: _lgb_train(t, breast_cancer, history, report_interval=2), NopPruner())
    assert sorted(trial.intermediate_values) == [1, 3]


def test_lightgbm_train_prunes_at_the_first_round(breast_cancer: Any) -> None:
    trial = _run_one(lambda t: _lgb_train(t, breast_cancer, {}), ThresholdPruner(upper=0.0))
    assert trial.state == TrialState.PRUNED
    assert list(trial.intermediate_values) == [0]


def test_lightgbm_cv_reports_the_mean_over_folds(breast_cancer: Any) -> None:
    lgb = pytest.importorskip("lightgbm")
    x_train, _, y_train, _ = breast_cancer
    results: dict[str, Any] = {}

    def objective(trial: Any) -> float:
        out = lgb.cv(
            {"objective": "binary", "metric": "auc", "verbosity": -1, "num_leaves": 4, "num_threads": 1},
            lgb.Dataset(x_train, label=y_train),
            num_boost_round=ROUNDS,
            nfold=3,
            seed=0,
            callbacks=[LightGBMPruningCallback(trial, "auc")],
        )
        results.update(out)
        return float(out["valid auc-mean"][-1])

    trial = _run_one(objective, NopPruner(), direction="maximize")
    assert [trial.intermediate_values[i] for i in range(ROUNDS)] == pytest.approx(results["valid auc-mean"])
    pruned = _run_one(objective, ThresholdPruner(lower=1.1), direction="maximize")
    assert pruned.state == TrialState.PRUNED


def test_lightgbm_metric_against_the_study_direction_is_refused(breast_cancer: Any) -> None:
    study = pyhpo.create_study(direction="maximize")
    with pytest.raises(ValueError, match="inconsistent with the objective values"):
        study.optimize(lambda t: _lgb_train(t, breast_cancer, {}), n_trials=1, catch=())


def test_lightgbm_unknown_metric_names_what_was_there(breast_cancer: Any) -> None:
    lgb = pytest.importorskip("lightgbm")
    x_train, x_valid, y_train, y_valid = breast_cancer
    study = pyhpo.create_study()
    trial = study.ask()
    with pytest.raises(ValueError, match='metric name "auc" is not found'):
        lgb.train(
            {"objective": "binary", "metric": "binary_logloss", "verbosity": -1, "num_threads": 1},
            lgb.Dataset(x_train, label=y_train),
            num_boost_round=1,
            valid_sets=[lgb.Dataset(x_valid, label=y_valid)],
            callbacks=[LightGBMPruningCallback(trial, "auc")],
        )


def test_lightgbm_bad_report_interval_is_refused() -> None:
    trial = pyhpo.create_study().ask()
    with pytest.raises(ValueError, match="report_interval must be a positive integer, got 0"):
        LightGBMPruningCallback(trial, "auc", report_interval=0)


# XGBoost -----------------------------------------------------------------------------------------------------


def test_xgboost_train_reports_the_observed_metric_and_prunes(breast_cancer: Any) -> None:
    xgb = pytest.importorskip("xgboost")
    x_train, x_valid, y_train, y_valid = breast_cancer
    history: dict[str, Any] = {}

    def objective(trial: Any) -> float:
        dtrain = xgb.DMatrix(x_train, label=y_train)
        dvalid = xgb.DMatrix(x_valid, label=y_valid)
        xgb.train(
            {"objective": "binary:logistic", "eval_metric": "logloss", "max_depth": 2, "nthread": 1},
            dtrain,
            num_boost_round=ROUNDS,
            evals=[(dtrain, "train"), (dvalid, "validation")],
            evals_result=history,
            verbose_eval=False,
            callbacks=[XGBoostPruningCallback(trial, "validation-logloss")],
        )
        return float(history["validation"]["logloss"][-1])

    trial = _run_one(objective, NopPruner())
    assert [trial.intermediate_values[i] for i in range(ROUNDS)] == pytest.approx(
        history["validation"]["logloss"]
    )
    pruned = _run_one(objective, ThresholdPruner(upper=0.0))
    assert pruned.state == TrialState.PRUNED
    assert list(pruned.intermediate_values) == [0]


def test_xgboost_cv_reports_the_mean_over_folds(breast_cancer: Any) -> None:
    xgb = pytest.importorskip("xgboost")
    x_train, _, y_train, _ = breast_cancer
    frames: list[Any] = []

    def objective(trial: Any) -> float:
        frame = xgb.cv(
            {"objective": "binary:logistic", "eval_metric": "error", "max_depth": 2, "nthread": 1},
            xgb.DMatrix(x_train, label=y_train),
            num_boost_round=ROUNDS,
            nfold=3,
            seed=0,
            callbacks=[XGBoostPruningCallback(trial, "test-error")],
        )
        frames.append(frame)
        return float(frame["test-error-mean"].iloc[-1])

    trial = _run_one(objective, NopPruner())
    assert [trial.intermediate_values[i] for i in range(ROUNDS)] == pytest.approx(
        list(frames[0]["test-error-mean"])
    )


def test_xgboost_sklearn_api_and_unknown_key(breast_cancer: Any) -> None:
    xgb = pytest.importorskip("xgboost")
    x_train, x_valid, y_train, y_valid = breast_cancer

    def objective(trial: Any, key: str) -> float:
        model = xgb.XGBClassifier(
            n_estimators=ROUNDS,
            max_depth=2,
            eval_metric="logloss",
            n_jobs=1,
            callbacks=[XGBoostPruningCallback(trial, key)],
        )
        model.fit(x_train, y_train, eval_set=[(x_valid, y_valid)], verbose=False)
        return float(model.evals_result()["validation_0"]["logloss"][-1])

    trial = _run_one(lambda t: objective(t, "validation_0-logloss"), NopPruner())
    assert len(trial.intermediate_values) == ROUNDS
    study = pyhpo.create_study()
    with pytest.raises(KeyError, match="'validation-logloss' is not in XGBoost's evaluation log"):
        study.optimize(lambda t: objective(t, "validation-logloss"), n_trials=1, catch=())
    assert isinstance(XGBoostPruningCallback(study.ask(), "x"), xgb.callback.TrainingCallback)


# CatBoost ----------------------------------------------------------------------------------------------------


def _catboost_objective(data: Any, history: list[Any], metric: str = "Logloss") -> Any:
    cb = pytest.importorskip("catboost")
    x_train, x_valid, y_train, y_valid = data

    def objective(trial: Any) -> float:
        model = cb.CatBoostClassifier(
            iterations=ROUNDS, depth=2, eval_metric="Logloss", verbose=0, thread_count=1
        )
        callback = CatBoostPruningCallback(trial, metric)
        model.fit(x_train, y_train, eval_set=[(x_valid, y_valid)], callbacks=[callback])
        callback.check_pruned()
        history.append(model.get_evals_result()["validation"]["Logloss"])
        return float(history[-1][-1])

    return objective


def test_catboost_reports_each_iteration_and_prunes_after_fit(breast_cancer: Any) -> None:
    history: list[Any] = []
    trial = _run_one(_catboost_objective(breast_cancer, history), NopPruner())
    assert [trial.intermediate_values[i] for i in range(ROUNDS)] == pytest.approx(history[0])
    pruned = _run_one(_catboost_objective(breast_cancer, history), ThresholdPruner(upper=0.0))
    assert pruned.state == TrialState.PRUNED
    assert list(pruned.intermediate_values) == [0]


def test_catboost_unknown_metric_is_reported(breast_cancer: Any) -> None:
    study = pyhpo.create_study()
    with pytest.raises(Exception, match='metric name "AUC" is not found'):
        study.optimize(_catboost_objective(breast_cancer, [], metric="AUC"), n_trials=1, catch=())


def test_catboost_eval_set_index_names_the_validation_set() -> None:
    trial = pyhpo.create_study().ask()
    callback = CatBoostPruningCallback(trial, "Logloss", eval_set_index=1)
    info = type("Info", (), {"iteration": 3, "metrics": {"validation_1": {"Logloss": [0.5, 0.4, 0.3]}}})()
    assert callback.after_iteration(info) is True
    assert trial.study.trials[0].intermediate_values == {2: 0.3}


# A missing framework -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "module", "extra"),
    [
        (lambda t: LightGBMPruningCallback(t, "auc"), "lightgbm", "lightgbm"),
        (lambda t: XGBoostPruningCallback(t, "validation-auc"), "xgboost", "xgboost"),
        (lambda t: CatBoostPruningCallback(t, "AUC"), "catboost", "catboost"),
    ],
)
def test_a_missing_framework_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, make: Any, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    trial = pyhpo.create_study().ask()
    with pytest.raises(ImportError, match=rf'pip install "pyhpo-opt\[{extra}\]"'):
        make(trial)
