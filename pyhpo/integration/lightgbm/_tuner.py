"""LightGBM Tuner: tune LightGBM's most influential parameters one group at a time, as Optuna's tuner does.

The steps, in order, each a few trials in the same study, each starting from the best parameters so far:

================================  ======================================  ===============================
step (``lightgbm_tuner:step_name``)  parameters                            sampler, trials
================================  ======================================  ===============================
``feature_fraction``              feature_fraction                        grid 0.4 .. 1.0, 7
``num_leaves``                    num_leaves (2 .. 2**max_depth)           TPE, 20
``bagging``                       bagging_fraction, bagging_freq          TPE, 10
``feature_fraction_stage2``       feature_fraction (best +- 0.08)          grid, 6
``regularization_factors``        lambda_l1, lambda_l2                    TPE, 20
``min_child_samples``             min_child_samples                       grid 5, 10, 25, 50, 100
================================  ======================================  ===============================

A step counts the finished trials it already has (a resumed study continues where it stopped), and the whole
run stops starting trials after ``time_budget`` seconds.
"""

from __future__ import annotations

import copy
import json
import os
import pickle
import time
import warnings
from typing import TYPE_CHECKING, Any

from pyhpo._values import StudyDirection, TrialState
from pyhpo.integration._framework import requires
from pyhpo.integration.lightgbm._alias import fold_metric_aliases, fold_parameter_aliases
from pyhpo.integration.lightgbm._objective import (
    DEFAULT_PARAMETERS,
    LGBM_PARAMS_KEY,
    STEP_NAME_KEY,
    CVObjective,
    TrainObjective,
    custom_objective,
    higher_is_better,
)
from pyhpo.samplers import GridSampler, TPESampler
from pyhpo.study import create_study

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo.samplers import BaseSampler
    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["LightGBMTuner", "LightGBMTunerCV"]

_REMOVED_ARGUMENT = (
    "Support for lgb.train and lgb.cv with argument {} was removed from lightgbm 4.6.0 and will not be supported "
    "by optuna in the future."
)


class _BaseTuner:
    """What both tuners share: arguments, the study, the steps, the best parameters and boosters."""

    _objective_class: type[TrainObjective] = TrainObjective

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        callbacks: list[Callable[..., Any]] | None = None,
        num_boost_round: int = 1000,
        feval: Callable[..., Any] | None = None,
        feature_name: str | None = None,
        categorical_feature: str | None = None,
        time_budget: int | None = None,
        sample_size: int | None = None,
        study: Study | None = None,
        optuna_callbacks: list[Callable[[Study, FrozenTrial], None]] | None = None,
        *,
        show_progress_bar: bool = True,
        model_dir: str | None = None,
        optuna_seed: int | None = None,
    ) -> None:
        with requires("lightgbm", type(self).__name__):
            import lightgbm  # noqa: F401 - fails early, naming the extra, if missing
        self.lgbm_params = copy.deepcopy(params)
        fold_metric_aliases(self.lgbm_params)
        self.train_set = train_set
        self.train_subset: Any = None
        self.lgbm_kwargs: dict[str, Any] = {
            "num_boost_round": num_boost_round,
            "feval": feval,
            "callbacks": callbacks,
        }
        for name, value in (("feature_name", feature_name), ("categorical_feature", categorical_feature)):
            if value:
                warnings.warn(_REMOVED_ARGUMENT.format(name), stacklevel=3)
                self.lgbm_kwargs[name] = value
        self.auto_options = {
            "time_budget": time_budget,
            "sample_size": sample_size,
            "show_progress_bar": show_progress_bar,
        }
        self._start_time: float | None = None
        self._optuna_callbacks = optuna_callbacks
        self._best_booster_with_trial_number: tuple[Any, int] | None = None
        self._model_dir = model_dir
        self._optuna_seed = optuna_seed
        self._custom_objective = custom_objective(self.lgbm_params)
        if self.lgbm_params.get("feature_pre_filter", False):
            warnings.warn(
                "feature_pre_filter is given as True but will be set to False. This is required for the tuner to "
                "tune min_child_samples.",
                stacklevel=3,
            )
        # LightGBM would drop features by the initial min_child_samples, which the last step changes.
        self.lgbm_params["feature_pre_filter"] = False
        maximize = higher_is_better(self.lgbm_params)
        self.study = (
            create_study(direction="maximize" if maximize else "minimize") if study is None else study
        )
        expected = StudyDirection.MAXIMIZE if maximize else StudyDirection.MINIMIZE
        if self.study.direction != expected:
            raise ValueError(
                f"Study direction is inconsistent with the metric {self.lgbm_params.get('metric', 'binary_logloss')}. "
                f"Please set '{'maximize' if maximize else 'minimize'}' as the direction."
            )
        if model_dir is not None:
            os.makedirs(model_dir, exist_ok=True)

    # Results -----------------------------------------------------------------------------------------------------

    @property
    def best_score(self) -> float:
        """The best score so far (``-inf`` or ``inf`` before any trial has completed)."""
        try:
            return float(self.study.best_value)
        except ValueError:
            return -float("inf") if higher_is_better(self.lgbm_params) else float("inf")

    @property
    def best_params(self) -> dict[str, Any]:
        """The LightGBM parameters of the best trial (the defaults and the given ones before any trial)."""
        try:
            params: dict[str, Any] = json.loads(self.study.best_trial.system_attrs[LGBM_PARAMS_KEY])
        except ValueError:
            params = copy.deepcopy(DEFAULT_PARAMETERS)
            params.update(self.lgbm_params)
        if self._custom_objective is not None:
            params["objective"] = self._custom_objective  # recorded by name only: put the function back
        return params

    def _load_best_booster(self) -> Any:
        if len(self.study.trials) == 0:
            raise ValueError("The best booster is not available because no trials completed.")
        name = type(self).__name__
        if self._model_dir is None:
            raise ValueError(
                "The best booster cannot be found. It may be found in the other processes due to resuming or "
                f"distributed computing. Please set the `model_dir` argument of `{name}.__init__` and make sure "
                "that boosters are shared with all processes."
            )
        path = os.path.join(self._model_dir, f"{self.study.best_trial.number}.pkl")
        if not os.path.exists(path):
            raise ValueError(
                f"The best booster cannot be found in {self._model_dir}. If you execute `{name}` in distributed "
                "environment, please use network file system (e.g., NFS) to share models with multiple workers."
            )
        with open(path, "rb") as saved:
            return pickle.load(saved)

    def _kept_best_booster(self) -> Any:
        kept = self._best_booster_with_trial_number
        if kept is not None and kept[1] == self.study.best_trial.number:
            return kept[0]
        return None

    # The steps ---------------------------------------------------------------------------------------------------

    def run(self) -> None:
        """Run every step in order (a resumed study skips the trials its steps already have)."""
        fold_parameter_aliases(self.lgbm_params)
        self.sample_train_set()
        self.tune_feature_fraction()
        self.tune_num_leaves()
        self.tune_bagging()
        self.tune_feature_fraction_stage2()
        self.tune_regularization_factors()
        self.tune_min_data_in_leaf()

    def sample_train_set(self) -> None:
        """With ``sample_size``, tune on the last ``sample_size`` rows of the training set."""
        size = self.auto_options["sample_size"]
        if size is None:
            return
        import numpy as np

        self.train_set.construct()
        n_rows = self.train_set.get_label().shape[0]
        if n_rows > size:
            self.train_subset = self.train_set.subset(n_rows - size + np.arange(size))

    def tune_feature_fraction(self, n_trials: int = 7) -> None:
        """Step 1: feature_fraction on a grid from 0.4 to 1.0."""
        import numpy as np

        values = [float(v) for v in np.linspace(0.4, 1.0, n_trials)]
        sampler = GridSampler({"feature_fraction": values}, seed=self._optuna_seed)
        self._tune_params(["feature_fraction"], len(values), sampler, "feature_fraction")

    def tune_num_leaves(self, n_trials: int = 20) -> None:
        """Step 2: num_leaves with TPE."""
        self._tune_params(["num_leaves"], n_trials, TPESampler(seed=self._optuna_seed), "num_leaves")

    def tune_bagging(self, n_trials: int = 10) -> None:
        """Step 3: bagging_fraction and bagging_freq with TPE."""
        sampler = TPESampler(seed=self._optuna_seed)
        self._tune_params(["bagging_fraction", "bagging_freq"], n_trials, sampler, "bagging")

    def tune_feature_fraction_stage2(self, n_trials: int = 6) -> None:
        """Step 4: feature_fraction again, on a grid within 0.08 of the best so far."""
        import numpy as np

        best = self.best_params["feature_fraction"]
        values = [float(v) for v in np.linspace(best - 0.08, best + 0.08, n_trials) if 0.4 <= v <= 1.0]
        sampler = GridSampler({"feature_fraction": values}, seed=self._optuna_seed)
        self._tune_params(["feature_fraction"], len(values), sampler, "feature_fraction_stage2")

    def tune_regularization_factors(self, n_trials: int = 20) -> None:
        """Step 5: lambda_l1 and lambda_l2 with TPE."""
        sampler = TPESampler(seed=self._optuna_seed)
        self._tune_params(["lambda_l1", "lambda_l2"], n_trials, sampler, "regularization_factors")

    def tune_min_data_in_leaf(self) -> None:
        """Step 6: min_child_samples on the grid 5, 10, 25, 50, 100."""
        values = [5, 10, 25, 50, 100]
        sampler = GridSampler({"min_child_samples": values}, seed=self._optuna_seed)
        self._tune_params(["min_child_samples"], len(values), sampler, "min_child_samples")

    def _tune_params(
        self, target_param_names: list[str], n_trials: int, sampler: BaseSampler, step_name: str
    ) -> TrainObjective:
        pbar = self._progress_bar(n_trials)
        self.lgbm_params.update(self.best_params)
        train_set = self.train_subset if self.train_subset is not None else self.train_set
        objective = self._objective_class(
            target_param_names,
            self.lgbm_params,
            train_set,
            self.lgbm_kwargs,
            self.best_score,
            step_name=step_name,
            model_dir=self._model_dir,
            pbar=pbar,
        )
        done = [
            t
            for t in self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
            if t.system_attrs.get(STEP_NAME_KEY) == step_name
        ]
        if self._start_time is None:
            self._start_time = time.perf_counter()
        budget = self.auto_options["time_budget"]
        timeout = None if budget is None else max(0.0, budget - (time.perf_counter() - self._start_time))
        if n_trials - len(done) > 0:
            # The step's sampler drives the user's study for the step's trials, then the study gets its own back.
            own_sampler = self.study.sampler
            self.study.sampler = sampler
            try:
                self.study.optimize(
                    objective,
                    n_trials=n_trials - len(done),
                    timeout=timeout,
                    catch=(),
                    callbacks=self._optuna_callbacks,
                )
            finally:
                self.study.sampler = own_sampler
        if pbar is not None:
            pbar.close()
        if objective.best_booster_with_trial_number is not None:
            self._best_booster_with_trial_number = objective.best_booster_with_trial_number
        return objective

    def _progress_bar(self, n_trials: int) -> Any:
        if not self.auto_options["show_progress_bar"]:
            return None
        try:
            import tqdm
        except ImportError:
            return None  # the bar is a nicety: without tqdm the tuner runs without one
        return tqdm.tqdm(total=n_trials, ascii=True)


class LightGBMTuner(_BaseTuner):
    """Tune ``lightgbm.train``'s parameters step by step, scoring each trial on the last validation set.

    Arguments are those of ``lightgbm.train`` (``valid_sets`` is required) plus:

    Args:
        time_budget: Seconds after which no new trial starts.
        sample_size: Tune on the last ``sample_size`` rows of ``train_set``.
        study: The study to record trials in (its direction must match the metric); None creates one.
        optuna_callbacks: Called as ``callback(study, frozen_trial)`` after each trial.
        model_dir: Pickle each trial's booster there as ``<trial number>.pkl`` (so that
            :meth:`get_best_booster` works across processes and resumed runs).
        show_progress_bar: Show a tqdm bar per step (when tqdm is installed).
        optuna_seed: Seed of the steps' samplers (set LightGBM's ``deterministic`` too for reproducible runs).
    """

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        num_boost_round: int = 1000,
        valid_sets: Any = None,
        valid_names: Any | None = None,
        feval: Callable[..., Any] | None = None,
        feature_name: str | None = None,
        categorical_feature: str | None = None,
        keep_training_booster: bool = False,
        callbacks: list[Callable[..., Any]] | None = None,
        time_budget: int | None = None,
        sample_size: int | None = None,
        study: Study | None = None,
        optuna_callbacks: list[Callable[[Study, FrozenTrial], None]] | None = None,
        model_dir: str | None = None,
        *,
        show_progress_bar: bool = True,
        optuna_seed: int | None = None,
    ) -> None:
        super().__init__(
            params,
            train_set,
            callbacks=callbacks,
            num_boost_round=num_boost_round,
            feval=feval,
            feature_name=feature_name,
            categorical_feature=categorical_feature,
            time_budget=time_budget,
            sample_size=sample_size,
            study=study,
            optuna_callbacks=optuna_callbacks,
            show_progress_bar=show_progress_bar,
            model_dir=model_dir,
            optuna_seed=optuna_seed,
        )
        self.lgbm_kwargs.update(
            valid_sets=valid_sets, valid_names=valid_names, keep_training_booster=keep_training_booster
        )
        if valid_sets is None:
            raise ValueError("`valid_sets` is required.")

    def get_best_booster(self) -> Any:
        """The ``lightgbm.Booster`` of the best trial (from memory, or from ``model_dir``)."""
        kept = self._kept_best_booster()
        return kept if kept is not None else self._load_best_booster()


class LightGBMTunerCV(_BaseTuner):
    """Tune ``lightgbm.cv``'s parameters step by step, scoring each trial by the mean over folds.

    Arguments are those of ``lightgbm.cv`` plus those of :class:`LightGBMTuner` (``time_budget``,
    ``sample_size``, ``study``, ``optuna_callbacks``, ``model_dir``, ``show_progress_bar``, ``optuna_seed``).
    ``return_cvbooster=True`` keeps the folds' boosters, for :meth:`get_best_booster`.
    """

    _objective_class = CVObjective

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        num_boost_round: int = 1000,
        folds: Any = None,
        nfold: int = 5,
        stratified: bool = True,
        shuffle: bool = True,
        feval: Callable[..., Any] | None = None,
        feature_name: str | None = None,
        categorical_feature: str | None = None,
        fpreproc: Callable[..., Any] | None = None,
        seed: int = 0,
        callbacks: list[Callable[..., Any]] | None = None,
        time_budget: int | None = None,
        sample_size: int | None = None,
        study: Study | None = None,
        optuna_callbacks: list[Callable[[Study, FrozenTrial], None]] | None = None,
        *,
        show_progress_bar: bool = True,
        model_dir: str | None = None,
        return_cvbooster: bool = False,
        optuna_seed: int | None = None,
    ) -> None:
        super().__init__(
            params,
            train_set,
            callbacks=callbacks,
            num_boost_round=num_boost_round,
            feval=feval,
            feature_name=feature_name,
            categorical_feature=categorical_feature,
            time_budget=time_budget,
            sample_size=sample_size,
            study=study,
            optuna_callbacks=optuna_callbacks,
            show_progress_bar=show_progress_bar,
            model_dir=model_dir,
            optuna_seed=optuna_seed,
        )
        self.lgbm_kwargs.update(
            folds=folds,
            nfold=nfold,
            stratified=stratified,
            shuffle=shuffle,
            seed=seed,
            fpreproc=fpreproc,
            return_cvbooster=return_cvbooster,
        )

    def get_best_booster(self) -> Any:
        """The ``lightgbm.CVBooster`` of the best trial (needs ``return_cvbooster=True``)."""
        if self.lgbm_kwargs.get("return_cvbooster") is not True:
            raise ValueError(
                "LightGBMTunerCV requires `return_cvbooster=True` for method `get_best_booster()`."
            )
        kept = self._kept_best_booster()
        if kept is not None:
            return kept
        import lightgbm as lgb

        boosters, best_iteration = self._load_best_booster()
        cvbooster = lgb.CVBooster()
        cvbooster.boosters = boosters
        cvbooster.best_iteration = best_iteration
        return cvbooster
