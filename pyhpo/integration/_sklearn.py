"""``OptunaSearchCV``: scikit-learn's hyperparameter search (like ``RandomizedSearchCV``) driven by a study.

The class subclasses scikit-learn's ``BaseEstimator`` (so ``clone``, ``get_params``, pipelines and tags work),
which means it can only be made once scikit-learn is imported: :func:`search_cv_class` builds it on first use
and ``pyhpo.integration.OptunaSearchCV`` (or this module's ``OptunaSearchCV``) returns it. Instances pickle as
usual, since pickle finds the class under this module's name.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from pyhpo._experimental import experimental_class
from pyhpo.integration._framework import requires
from pyhpo.integration._sklearn_search import run_search, validate_distributions

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["OptunaSearchCV", "search_cv_class"]  # noqa: F822 - OptunaSearchCV is served by __getattr__


@functools.cache
def search_cv_class() -> type:
    """The ``OptunaSearchCV`` class, built (and scikit-learn imported) on the first call."""
    with requires("sklearn", "OptunaSearchCV"):
        import numpy as np
        from sklearn.base import BaseEstimator
        from sklearn.utils import get_tags
        from sklearn.utils.validation import check_is_fitted

    class OptunaSearchCV(BaseEstimator):  # type: ignore[misc]
        """Hyperparameter search with cross-validation, sampling with a study instead of a grid.

        Args:
            estimator: The scikit-learn estimator to tune (it needs ``score`` unless ``scoring`` is given).
            param_distributions: Parameter name -> pyhpo distribution (``FloatDistribution``, ...).
            cv: None (5-fold), a number of folds, a CV splitter, or an iterable of (train, test) indices.
            enable_pruning: Train fold by fold with ``partial_fit`` for up to ``max_iter`` epochs, reporting the
                mean test score each epoch so the study's pruner can stop the trial.
            error_score: The score of a fit that fails; ``"raise"`` raises the error instead.
            max_iter: The number of ``partial_fit`` epochs under ``enable_pruning``.
            n_jobs: Trials run in parallel threads (None means 1).
            n_trials: How many trials to run (None: until ``timeout``).
            random_state: Seeds the subsample and the default sampler (a ``TPESampler``).
            refit: Refit the best parameters on the whole data into ``best_estimator_``.
            return_train_score: Also score each fold's training data.
            scoring: A scorer name or callable; None uses the estimator's ``score``.
            study: The study to run in (it must maximize); None creates one in memory.
            subsample: Samples used for the search: a fraction (float) or a count (int); the refit uses all.
            timeout: Seconds after which no new trial starts.
            verbose: 0 warnings only, 1 info, 2 debug.
            callbacks: Called as ``callback(study, frozen_trial)`` after each trial.
            catch: Exceptions of the objective that fail a trial without stopping the search.

        The study maximizes the mean test score (scikit-learn's scorers are "greater is better"); negate a loss.
        """

        _required_parameters = ("estimator", "param_distributions")

        def __init__(
            self,
            estimator: Any,
            param_distributions: Mapping[str, BaseDistribution],
            *,
            cv: int | Any | Iterable[Any] | None = None,
            enable_pruning: bool = False,
            error_score: float | str = np.nan,
            max_iter: int = 1000,
            n_jobs: int | None = None,
            n_trials: int | None = 10,
            random_state: int | np.random.RandomState | None = None,
            refit: bool = True,
            return_train_score: bool = False,
            scoring: Callable[..., float] | str | None = None,
            study: Study | None = None,
            subsample: float = 1.0,
            timeout: float | None = None,
            verbose: int = 0,
            callbacks: list[Callable[[Study, FrozenTrial], None]] | None = None,
            catch: Iterable[type[Exception]] | type[Exception] = (),
        ) -> None:
            self.estimator = estimator
            self.param_distributions = validate_distributions(param_distributions)
            self.cv = cv
            self.enable_pruning = enable_pruning
            self.error_score = error_score
            self.max_iter = max_iter
            self.n_jobs = n_jobs if n_jobs else 1
            self.n_trials = n_trials
            self.random_state = random_state
            self.refit = refit
            self.return_train_score = return_train_score
            self.scoring = scoring
            self.study = study
            self.subsample = subsample
            self.timeout = timeout
            self.verbose = verbose
            self.callbacks = callbacks
            self.catch = catch

        def __sklearn_tags__(self) -> Any:
            tags = super().__sklearn_tags__()
            inner = get_tags(self.estimator)
            tags.estimator_type = inner.estimator_type
            tags.classifier_tags = inner.classifier_tags
            tags.regressor_tags = inner.regressor_tags
            tags.non_deterministic = True
            return tags

        def _check_is_fitted(self) -> None:
            attributes = ["n_splits_", "sample_indices_", "scorer_", "study_"]
            if self.refit:
                attributes.append("best_estimator_")
            check_is_fitted(self, attributes)

        def fit(self, X: Any, y: Any = None, groups: Any = None, **fit_params: Any) -> OptunaSearchCV:
            """Search: run the trials (each cross-validating a clone of the estimator), then refit the best.

            Args:
                X: Training data.
                y: Target values.
                groups: Group labels for group-aware CV splitters.
                **fit_params: Passed to the estimator's ``fit`` (per-sample ones follow the subsample).
            """
            run_search(self, X, y, groups, fit_params)
            return self

        def score(self, X: Any, y: Any = None) -> float:
            """The scorer's value of ``best_estimator_`` on ``X`` and ``y``."""
            return float(self.scorer_(self.best_estimator_, X, y))

        # Results -------------------------------------------------------------------------------------------

        @property
        def best_trial_(self) -> FrozenTrial:
            """The study's best trial."""
            self._check_is_fitted()
            return self.study_.best_trial  # type: ignore[no-any-return]

        @property
        def best_index_(self) -> int:
            """The number of the best trial."""
            return self.best_trial_.number

        @property
        def best_params_(self) -> dict[str, Any]:
            """The parameters of the best trial."""
            self._check_is_fitted()
            return self.study_.best_params  # type: ignore[no-any-return]

        @property
        def best_score_(self) -> float:
            """The mean cross-validated score of the best trial."""
            self._check_is_fitted()
            return float(self.study_.best_value)

        @property
        def trials_(self) -> list[FrozenTrial]:
            """All trials of the study."""
            self._check_is_fitted()
            return self.study_.trials  # type: ignore[no-any-return]

        @property
        def n_trials_(self) -> int:
            """The number of trials run."""
            return len(self.trials_)

        @property
        def user_attrs_(self) -> dict[str, Any]:
            """The study's user attributes."""
            self._check_is_fitted()
            return self.study_.user_attrs  # type: ignore[no-any-return]

        @property
        def cv_results_(self) -> dict[str, list[Any]]:
            """Each score attribute (``mean_test_score``, ``split0_test_score``, ...) listed over the trials."""
            attrs = [trial.user_attrs for trial in self.trials_]
            return {key: [a.get(key) for a in attrs] for key in (attrs[0] if attrs else {})}

        @property
        def classes_(self) -> Any:
            """The class labels of ``best_estimator_``."""
            self._check_is_fitted()
            return self.best_estimator_.classes_

        @property
        def trials_dataframe(self) -> Callable[..., Any]:
            """The study's ``trials_dataframe``."""
            self._check_is_fitted()
            return self.study_.trials_dataframe  # type: ignore[no-any-return]

        @property
        def set_user_attr(self) -> Callable[..., None]:
            """The study's ``set_user_attr``."""
            self._check_is_fitted()
            return self.study_.set_user_attr  # type: ignore[no-any-return]

        @property
        def score_samples(self) -> Callable[..., Any]:
            """``best_estimator_.score_samples``."""
            self._check_is_fitted()
            return self.best_estimator_.score_samples  # type: ignore[no-any-return]

        # Delegation to the refitted estimator -----------------------------------------------------------------

        def predict(self, X: Any, **kwargs: Any) -> Any:
            """``best_estimator_.predict`` (needs ``refit=True``)."""
            self._check_is_fitted()
            return self.best_estimator_.predict(X, **kwargs)

        def predict_proba(self, X: Any, **kwargs: Any) -> Any:
            """``best_estimator_.predict_proba`` (needs ``refit=True``)."""
            self._check_is_fitted()
            return self.best_estimator_.predict_proba(X, **kwargs)

        def predict_log_proba(self, X: Any, **kwargs: Any) -> Any:
            """``best_estimator_.predict_log_proba`` (needs ``refit=True``)."""
            self._check_is_fitted()
            return self.best_estimator_.predict_log_proba(X, **kwargs)

        def decision_function(self, X: Any, **kwargs: Any) -> Any:
            """``best_estimator_.decision_function`` (needs ``refit=True``)."""
            self._check_is_fitted()
            return self.best_estimator_.decision_function(X, **kwargs)

        def transform(self, X: Any, *args: Any, **kwargs: Any) -> Any:
            """``best_estimator_.transform`` (needs ``refit=True``)."""
            self._check_is_fitted()
            return self.best_estimator_.transform(X, *args, **kwargs)

        def inverse_transform(self, X: Any, *args: Any, **kwargs: Any) -> Any:
            """``best_estimator_.inverse_transform`` (needs ``refit=True``)."""
            self._check_is_fitted()
            return self.best_estimator_.inverse_transform(X, *args, **kwargs)

    OptunaSearchCV.__module__ = __name__
    OptunaSearchCV.__qualname__ = "OptunaSearchCV"
    return experimental_class("0.17.0")(OptunaSearchCV)


def __getattr__(name: str) -> Any:
    if name == "OptunaSearchCV":
        return search_cv_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # Lists the class served by __getattr__, so tools that read a module by inspection (the API reference) see it.
    return sorted([*globals(), "OptunaSearchCV"])
