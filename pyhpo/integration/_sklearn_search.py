"""The search behind ``OptunaSearchCV``: subsampling, the objective, pruning by ``partial_fit``, the refit.

Each trial
suggests the parameters of ``param_distributions``, cross-validates a clone of the estimator, stores the fold
scores as user attributes (``split0_test_score``, ``mean_test_score``, ...) and returns the mean test score;
the study maximizes it, as scikit-learn's scorers are "greater is better".
"""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Mapping
from numbers import Number
from typing import TYPE_CHECKING, Any

from pyhpo._values import StudyDirection
from pyhpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from pyhpo.exceptions import TrialPruned
from pyhpo.logging import get_logger
from pyhpo.samplers import TPESampler
from pyhpo.study import create_study

if TYPE_CHECKING:
    from pyhpo.trial import Trial

__all__ = ["check_search_params", "run_search", "suggest", "validate_distributions"]

_logger = get_logger(__name__)

# The key Optuna's terminator reads the fold scores from (``report_cross_validation_scores``).
_CV_SCORES_KEY = "terminator:cv_scores"
_DEPRECATED_DISTRIBUTIONS = (
    "UniformDistribution",
    "LogUniformDistribution",
    "DiscreteUniformDistribution",
    "IntUniformDistribution",
    "IntLogUniformDistribution",
)


def suggest(trial: Trial, name: str, distribution: BaseDistribution) -> Any:
    """Ask ``trial`` for ``name`` from ``distribution`` through the public ``suggest_*`` API."""
    if isinstance(distribution, FloatDistribution):
        return trial.suggest_float(
            name, distribution.low, distribution.high, step=distribution.step, log=distribution.log
        )
    if isinstance(distribution, IntDistribution):
        return trial.suggest_int(
            name, distribution.low, distribution.high, step=distribution.step, log=distribution.log
        )
    if isinstance(distribution, CategoricalDistribution):
        return trial.suggest_categorical(name, distribution.choices)
    raise ValueError(f"Value of {name} must be a optuna distribution, got {distribution!r}")


def _num_samples(x: Any) -> int:
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape) > 0 and isinstance(shape[0], int):
        return int(shape[0])
    try:
        return len(x)
    except TypeError:
        raise TypeError(f"Expected sequence or array-like, got {type(x)}.") from None


def _index(x: Any, indices: Any) -> Any:
    from sklearn.utils import _safe_indexing

    return None if x is None else _safe_indexing(x, indices)


def _subsample_fit_params(x: Any, fit_params: dict[str, Any], indices: Any) -> dict[str, Any]:
    """Fit parameters with one entry per sample (``sample_weight``) follow the subsample; others pass as given."""
    out = {}
    for key, value in fit_params.items():
        per_sample = hasattr(value, "__len__") or hasattr(value, "shape")
        out[key] = _index(value, indices) if per_sample and _num_samples(value) == _num_samples(x) else value
    return out


def _store_scores(trial: Trial, scores: Mapping[str, Any]) -> None:
    import numpy as np

    for name, array in scores.items():
        values = np.asarray(array, dtype=float)
        if name in ("test_score", "train_score"):
            for i, score in enumerate(values):
                trial.set_user_attr(f"split{i}_{name}", float(score))
        present = values[~np.isnan(values)]  # failed folds score nan; nanmean would warn when all failed
        trial.set_user_attr(f"mean_{name}", float(present.mean()) if present.size else math.nan)
        trial.set_user_attr(f"std_{name}", float(present.std()) if present.size else math.nan)


class _Objective:
    """One trial of the search: suggest, cross-validate (or partial-fit fold by fold, pruning), store scores."""

    def __init__(self, search: Any, x: Any, y: Any, cv: Any, fit_params: dict[str, Any], groups: Any) -> None:
        self.search = search
        self.x, self.y, self.cv, self.fit_params, self.groups = x, y, cv, fit_params, groups

    def __call__(self, trial: Trial) -> float:
        from sklearn.base import clone

        search = self.search
        estimator = clone(search.estimator)
        estimator.set_params(**{n: suggest(trial, n, d) for n, d in search.param_distributions.items()})
        fit_params = copy.deepcopy(self.fit_params)
        scores = self._prune_by_partial_fit(trial, estimator, fit_params) if search.enable_pruning else None
        if scores is None:
            scores = self._cross_validate(estimator, fit_params)
        _store_scores(trial, scores)
        test_scores = [float(s) for s in scores["test_score"]]
        if len(test_scores) > 1:
            trial.set_system_attr(_CV_SCORES_KEY, test_scores)
        return float(trial.user_attrs["mean_test_score"])

    def _cross_validate(self, estimator: Any, fit_params: dict[str, Any]) -> dict[str, Any]:
        import numpy as np
        from sklearn.model_selection import cross_validate

        search = self.search
        try:
            return dict(
                cross_validate(
                    estimator,
                    self.x,
                    self.y,
                    groups=self.groups,
                    scoring=search.scorer_,
                    cv=self.cv,
                    params=fit_params,
                    return_train_score=search.return_train_score,
                    error_score=search.error_score,
                )
            )
        except ValueError:
            if search.error_score == "raise":
                raise
            # scikit-learn raises when every fold failed; the trial scores error_score, as Optuna's does.
            n_splits = self.cv.get_n_splits(self.x, self.y, self.groups)
            fill = search.error_score if search.error_score is not None else math.nan
            return {
                "fit_time": np.full(n_splits, math.nan),
                "score_time": np.full(n_splits, math.nan),
                "test_score": np.full(n_splits, fill, dtype=float),
            }

    def _prune_by_partial_fit(
        self, trial: Trial, estimator: Any, fit_params: dict[str, Any]
    ) -> dict[str, Any]:
        import numpy as np
        from sklearn.base import clone, is_classifier

        search = self.search
        partial_fit_params = dict(fit_params)
        if is_classifier(estimator):
            y = getattr(self.y, "values", self.y)
            partial_fit_params.setdefault("classes", np.unique(y) if y is not None else np.array([None]))
        folds = list(self.cv.split(self.x, self.y, groups=self.groups))
        estimators = [clone(estimator) for _ in folds]
        scores: dict[str, Any] = {
            "fit_time": np.zeros(len(folds)),
            "score_time": np.zeros(len(folds)),
            "test_score": np.empty(len(folds)),
        }
        if search.return_train_score:
            scores["train_score"] = np.empty(len(folds))
        for step in range(search.max_iter):
            for i, (train, test) in enumerate(folds):
                self._partial_fit_fold(estimators[i], i, train, test, partial_fit_params, scores)
            trial.report(float(np.nanmean(scores["test_score"])), step=step)
            if trial.should_prune():
                _store_scores(trial, scores)
                raise TrialPruned(f"trial was pruned at iteration {step}.")
        return scores

    def _partial_fit_fold(
        self, estimator: Any, i: int, train: Any, test: Any, params: dict[str, Any], scores: dict[str, Any]
    ) -> None:
        from sklearn.utils.metaestimators import _safe_split

        search = self.search
        x_train, y_train = _safe_split(estimator, self.x, self.y, train)
        x_test, y_test = _safe_split(estimator, self.x, self.y, test, train_indices=train)
        start = time.perf_counter()
        try:
            estimator.partial_fit(x_train, y_train, **params)
        except Exception as error:
            if search.error_score == "raise":
                raise
            if not isinstance(search.error_score, Number):
                raise ValueError(  # noqa: TRY004 - Optuna's error type
                    f"error_score must be 'raise' or numeric, got {search.error_score!r}"
                ) from error
            scores["fit_time"][i] += time.perf_counter() - start
            scores["test_score"][i] = search.error_score
            if search.return_train_score:
                scores["train_score"][i] = search.error_score
            return
        fitted = time.perf_counter()
        scores["fit_time"][i] += fitted - start
        scores["test_score"][i] = search.scorer_(estimator, x_test, y_test)
        scores["score_time"][i] += time.perf_counter() - fitted
        if search.return_train_score:
            scores["train_score"][i] = search.scorer_(estimator, x_train, y_train)


def check_search_params(search: Any) -> None:
    """Refuse an estimator without ``fit``, non-distributions, pruning without ``partial_fit``, and so on."""
    if not hasattr(search.estimator, "fit"):
        raise ValueError(f"estimator must be a scikit-learn estimator with fit, got {search.estimator!r}")
    for name, distribution in search.param_distributions.items():
        if not isinstance(distribution, BaseDistribution):
            raise ValueError(  # noqa: TRY004 - Optuna's error type
                f"Value of {name} must be a optuna distribution, got {distribution!r}"
            )
    if search.enable_pruning and not hasattr(search.estimator, "partial_fit"):
        raise ValueError(
            f"estimator must support partial_fit when enable_pruning is True: {search.estimator!r}"
        )
    if search.max_iter <= 0:
        raise ValueError(f"max_iter must be > 0, got {search.max_iter}.")
    if search.study is not None and search.study.direction != StudyDirection.MAXIMIZE:
        raise ValueError("direction of study must be 'maximize'.")


def run_search(search: Any, x: Any, y: Any, groups: Any, fit_params: dict[str, Any]) -> Any:
    """``OptunaSearchCV.fit``: subsample, build the study, optimize, refit the best estimator."""
    import numpy as np
    from sklearn.base import is_classifier
    from sklearn.metrics import check_scoring
    from sklearn.model_selection import check_cv
    from sklearn.utils import check_random_state

    check_search_params(search)
    random_state = check_random_state(search.random_state)
    n_samples = _num_samples(x)
    max_samples = search.subsample
    if isinstance(max_samples, float):
        max_samples = int(max_samples * n_samples)
    old_level = _logger.getEffectiveLevel()
    _logger.setLevel(
        logging.DEBUG if search.verbose > 1 else logging.INFO if search.verbose > 0 else logging.WARNING
    )
    try:
        indices = np.arange(n_samples)
        if max_samples < n_samples:
            indices = np.sort(random_state.choice(indices, max_samples, replace=False))
        search.sample_indices_ = indices
        x_res, y_res, groups_res = _index(x, indices), _index(y, indices), _index(groups, indices)
        fit_params_res = _subsample_fit_params(x, fit_params, indices)
        cv = check_cv(search.cv, y_res, classifier=is_classifier(search.estimator))
        search.n_splits_ = cv.get_n_splits(x_res, y_res, groups=groups_res)
        search.scorer_ = check_scoring(search.estimator, scoring=search.scoring)
        if search.study is None:
            seed = int(random_state.randint(0, np.iinfo("int32").max))
            search.study_ = create_study(direction="maximize", sampler=TPESampler(seed=seed))
        else:
            search.study_ = search.study
        objective = _Objective(search, x_res, y_res, cv, fit_params_res, groups_res)
        _logger.info(f"Searching the best hyperparameters using {len(indices)} samples...")
        search.study_.optimize(
            objective,
            n_trials=search.n_trials,
            timeout=search.timeout,
            n_jobs=search.n_jobs,
            catch=search.catch,
            callbacks=search.callbacks,
        )
        _logger.info("Finished hyperparameter search!")
        if search.refit:
            _refit(search, x, y, fit_params)
    finally:
        _logger.setLevel(old_level)
    return search


def _refit(search: Any, x: Any, y: Any, fit_params: dict[str, Any]) -> None:
    from sklearn.base import clone

    search.best_estimator_ = clone(search.estimator)
    try:
        search.best_estimator_.set_params(**search.study_.best_params)
    except ValueError:
        _logger.exception("The best parameters could not be set on the estimator")
    _logger.info(f"Refitting the estimator using {_num_samples(x)} samples...")
    start = time.perf_counter()
    search.best_estimator_.fit(x, y, **fit_params)
    search.refit_time_ = time.perf_counter() - start
    _logger.info(f"Finished refitting! (elapsed time: {search.refit_time_:.3f} sec.)")


def validate_distributions(param_distributions: Any) -> Mapping[str, BaseDistribution]:
    """Check ``param_distributions`` is a mapping of current (not deprecated) distributions; return it."""
    if not isinstance(param_distributions, Mapping):
        raise TypeError(
            f"param_distributions must be a dictionary, got {type(param_distributions).__name__}."
        )
    for key, distribution in param_distributions.items():
        if type(distribution).__name__ in _DEPRECATED_DISTRIBUTIONS:
            raise ValueError(
                f"Deprecated distribution is specified in `{key}` of param_distributions. Rejecting this because "
                "it may cause unexpected behavior. Please use new distributions such as FloatDistribution etc."
            )
    return param_distributions
