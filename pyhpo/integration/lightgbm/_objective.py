"""One step of the LightGBM tuner as an objective: suggest the step's parameters, train (or cross-validate), score.

A trial trains with every parameter fixed at the best found so far except the ones its step tunes, and records
what it trained with in system attributes (``lightgbm_tuner:lgbm_params`` as JSON, the step's name, timings), so
that the best parameters of a study can be read back by any process, as Optuna's tuner writes them.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pyhpo.logging import get_logger

if TYPE_CHECKING:
    from pyhpo.trial import Trial

__all__ = [
    "AVERAGE_ITERATION_TIME_KEY",
    "DEFAULT_PARAMETERS",
    "ELAPSED_SECS_KEY",
    "LGBM_PARAMS_KEY",
    "STEP_NAME_KEY",
    "CVObjective",
    "TrainObjective",
    "custom_objective",
    "higher_is_better",
    "objective_metric",
]

_logger = get_logger(__name__)

ELAPSED_SECS_KEY = "lightgbm_tuner:elapsed_secs"
AVERAGE_ITERATION_TIME_KEY = "lightgbm_tuner:average_iteration_time"
STEP_NAME_KEY = "lightgbm_tuner:step_name"
LGBM_PARAMS_KEY = "lightgbm_tuner:lgbm_params"

# What the tuner assumes before any trial has finished (LightGBM's own defaults for the tuned parameters).
DEFAULT_PARAMETERS: dict[str, Any] = {
    "lambda_l1": 0.0,
    "lambda_l2": 0.0,
    "num_leaves": 31,
    "feature_fraction": 1.0,
    "bagging_fraction": 1.0,
    "bagging_freq": 0,
    "min_child_samples": 20,
}
_TUNABLE = frozenset(DEFAULT_PARAMETERS)
_DEFAULT_TREE_DEPTH = 8
# A fraction's range reaches just past 1.0 so that 1.0 itself can be sampled (values are clipped to 1.0).
_EPS = 1e-12
_HIGHER_IS_BETTER = ("auc", "auc_mu", "ndcg", "map", "average_precision")


def custom_objective(params: dict[str, Any]) -> Any:
    """The user's objective function in ``params["objective"]``, or None when it is a LightGBM name."""
    objective = params.get("objective")
    return None if objective is None or isinstance(objective, str) else objective


def objective_metric(params: dict[str, Any]) -> str:
    """The metric the tuner optimizes: the last of ``params["metric"]``, with ``@k`` for ndcg and map."""
    metric = params.get("metric", "binary_logloss")
    if isinstance(metric, Sequence) and not isinstance(metric, str):
        metric = metric[-1]
    elif isinstance(metric, Iterable) and not isinstance(metric, str):
        metric = list(metric)[-1]
    elif not isinstance(metric, str):
        raise NotImplementedError(f"metric must be a string or a sequence of strings, got {metric!r}")
    if metric not in ("ndcg", "map"):
        return str(metric)
    eval_at = (
        params.get("eval_at")
        or params.get(f"{metric}_at")
        or params.get(f"{metric}_eval_at")
        or [1, 2, 3, 4, 5]
    )
    if isinstance(eval_at, (list, tuple)):
        return f"{metric}@{eval_at[0]}"
    if isinstance(eval_at, int):
        return f"{metric}@{eval_at}"
    raise ValueError(
        f"The value of eval_at is expected to be int or a list/tuple of int. '{eval_at}' is specified."
    )


def higher_is_better(params: dict[str, Any]) -> bool:
    """Whether the tuner's metric is maximized (AUC, NDCG, MAP, average precision) rather than minimized."""
    return params.get("metric", "binary_logloss") in _HIGHER_IS_BETTER


class TrainObjective:
    """A trial of one tuner step with ``lightgbm.train``, scored on the last validation set.

    Args:
        target_param_names: The parameters this step tunes.
        lgbm_params: The tuner's parameters (shared: a trial writes its suggestions into them).
        train_set: The training ``lightgbm.Dataset``.
        lgbm_kwargs: The other arguments of ``lightgbm.train`` (or ``lightgbm.cv``).
        best_score: The best score before this step, so the step keeps only a better booster.
        step_name: The step's name, recorded on each trial.
        model_dir: Where each trial's booster is pickled as ``<trial number>.pkl``; None keeps none.
        pbar: A tqdm progress bar, or None.
    """

    def __init__(
        self,
        target_param_names: list[str],
        lgbm_params: dict[str, Any],
        train_set: Any,
        lgbm_kwargs: dict[str, Any],
        best_score: float,
        step_name: str,
        model_dir: str | None,
        pbar: Any = None,
    ) -> None:
        unknown = [name for name in target_param_names if name not in _TUNABLE]
        if unknown:
            raise NotImplementedError(f"Parameter `{unknown[0]}` is not supported for tuning.")
        self.target_param_names = target_param_names
        self.lgbm_params = lgbm_params
        self.train_set = train_set
        self.lgbm_kwargs = lgbm_kwargs
        self.best_score = best_score
        self.step_name = step_name
        self.model_dir = model_dir
        self.pbar = pbar
        self.trial_count = 0
        self.best_booster_with_trial_number: tuple[Any, int] | None = None

    def _suggest(self, trial: Trial) -> None:
        names, params = self.target_param_names, self.lgbm_params
        if self.pbar is not None:
            self.pbar.set_description(f"{self.step_name}, val_score: {self.best_score:.6f}")
        if "lambda_l1" in names:
            params["lambda_l1"] = trial.suggest_float("lambda_l1", 1e-8, 10.0, log=True)
        if "lambda_l2" in names:
            params["lambda_l2"] = trial.suggest_float("lambda_l2", 1e-8, 10.0, log=True)
        if "num_leaves" in names:
            depth = params.get("max_depth", _DEFAULT_TREE_DEPTH)
            params["num_leaves"] = trial.suggest_int(
                "num_leaves", 2, 2 ** (depth if depth > 0 else _DEFAULT_TREE_DEPTH)
            )
        if "feature_fraction" in names:
            params["feature_fraction"] = min(trial.suggest_float("feature_fraction", 0.4, 1.0 + _EPS), 1.0)
        if "bagging_fraction" in names:
            params["bagging_fraction"] = min(trial.suggest_float("bagging_fraction", 0.4, 1.0 + _EPS), 1.0)
        if "bagging_freq" in names:
            params["bagging_freq"] = trial.suggest_int("bagging_freq", 1, 7)
        if "min_child_samples" in names:
            params["min_child_samples"] = trial.suggest_int("min_child_samples", 5, 100)

    def _is_better(self, score: float) -> bool:
        return score > self.best_score if higher_is_better(self.lgbm_params) else score < self.best_score

    def _validation_name(self) -> str:
        names, sets = self.lgbm_kwargs.get("valid_names"), self.lgbm_kwargs.get("valid_sets")
        if names is not None:
            if isinstance(names, str):
                return names
            if isinstance(names, Sequence):
                return str(names[-1])
            raise NotImplementedError(f"valid_names must be a string or a sequence, got {names!r}")
        if isinstance(sets, Sequence) and len(sets) > 0:
            return f"valid_{len(sets) - 1}"
        if sets is not None:
            return "valid_0"  # a single Dataset
        raise NotImplementedError("valid_sets is required")

    def _train(self) -> tuple[float, int, Any]:
        import lightgbm as lgb

        kwargs = dict(self.lgbm_kwargs)
        sets = kwargs["valid_sets"]
        kwargs["valid_sets"] = (
            [copy.copy(s) for s in sets] if isinstance(sets, (list, tuple)) else copy.copy(sets)
        )
        booster = lgb.train(self.lgbm_params, copy.copy(self.train_set), **kwargs)
        score = booster.best_score[self._validation_name()][objective_metric(self.lgbm_params)]
        return float(score), booster.current_iteration(), booster

    def _save(self, trial: Trial, what: Any) -> None:
        if self.model_dir is None or what is None:
            return
        path = os.path.join(self.model_dir, f"{trial.number}.pkl")
        with open(path, "wb") as out:
            pickle.dump(what, out)
        _logger.info(f"The booster of trial#{trial.number} was saved as {path}.")

    def __call__(self, trial: Trial) -> float:
        self._suggest(trial)
        start = time.perf_counter()
        score, iterations, booster = self._train()
        elapsed = time.perf_counter() - start
        self._save(trial, self._to_save(booster))
        if self._is_better(score):
            self.best_score = score
            if booster is not None:
                self.best_booster_with_trial_number = (booster, trial.number)
        self._record(trial, elapsed, elapsed / max(iterations, 1))
        return score

    def _to_save(self, booster: Any) -> Any:
        return booster

    def _record(self, trial: Trial, elapsed: float, average_iteration_time: float) -> None:
        if self.pbar is not None:
            self.pbar.set_description(f"{self.step_name}, val_score: {self.best_score:.6f}")
            self.pbar.update(1)
        trial.set_system_attr(ELAPSED_SECS_KEY, elapsed)
        trial.set_system_attr(AVERAGE_ITERATION_TIME_KEY, average_iteration_time)
        trial.set_system_attr(STEP_NAME_KEY, self.step_name)
        objective = custom_objective(self.lgbm_params)
        params = dict(self.lgbm_params)
        if objective is not None:
            # A custom objective function is not JSON: its name is recorded instead.
            params["objective"] = getattr(objective, "__name__", str(objective))
        trial.set_system_attr(LGBM_PARAMS_KEY, json.dumps(params))
        self.trial_count += 1


class CVObjective(TrainObjective):
    """A trial of one tuner step with ``lightgbm.cv``, scored by the last mean over folds."""

    def _train(self) -> tuple[float, int, Any]:
        import lightgbm as lgb

        results = lgb.cv(self.lgbm_params, copy.copy(self.train_set), **self.lgbm_kwargs)
        metric = objective_metric(self.lgbm_params)
        key = f"valid {metric}-mean" if f"valid {metric}-mean" in results else f"{metric}-mean"
        scores: list[float] = results[key]  # type: ignore[assignment]
        return float(scores[-1]), len(scores), results.get("cvbooster")

    def _to_save(self, booster: Any) -> Any:
        # A CVBooster is saved as its boosters and best iteration, which every LightGBM version pickles.
        return None if booster is None else (booster.boosters, booster.best_iteration)
