"""The fANOVA evaluator: a random forest, then the functional ANOVA of every tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhpo._transform import SearchSpaceTransform
from pyhpo.importance._base import (
    BaseImportanceEvaluator,
    Target,
    encode_trials,
    require_target_for_multi_objective,
    search_space_of,
    select_trials,
    sort_by_importance,
    target_values,
)
from pyhpo.importance._forest import make_forest
from pyhpo.importance._functional_anova import TreePartition

if TYPE_CHECKING:
    from pyhpo.study import Study

__all__ = ["FanovaImportanceEvaluator"]


class FanovaImportanceEvaluator(BaseImportanceEvaluator):
    """fANOVA: the share of the objective's variance each parameter explains on its own.

    The evaluator fits a random forest (scikit-learn's ``RandomForestRegressor``) that predicts the target of
    the completed trials from their parameters, then decomposes each tree's prediction over the search space
    (Hutter et al., `An Efficient Approach for Assessing Hyperparameter Importance
    <http://proceedings.mlr.press/v32/hutter14.html>`__, ICML 2014): a parameter's importance in a tree is the
    variance of the tree's prediction averaged over all other parameters, divided by the tree's total
    variance, and its importance is the mean of that over the trees. A good forest needs trials spread over
    the search space, so scores from a study run with an exploring sampler (random, QMC) are the most reliable.

    Parameters with a single possible value get 0. Requires scikit-learn
    (``pip install "pyhpo-opt[importance]"``).

    Args:
        n_trees: Number of trees of the forest.
        max_depth: Maximum depth of each tree.
        seed: Seed of the forest; the same seed on the same trials gives the same scores.
    """

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        self._forest = make_forest(n_trees=n_trees, max_depth=max_depth, seed=seed)

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Target | None = None,
    ) -> dict[str, float]:
        """Score the parameters of ``study``; see :meth:`BaseImportanceEvaluator.evaluate`.

        Raises:
            RuntimeError: Every tree of the forest is constant (e.g. every trial has the same target value).
        """
        require_target_for_multi_objective(study, target)
        space = search_space_of(study, params)
        names = list(space) if params is None else list(params)
        varying = {name: dist for name, dist in space.items() if not dist.single()}
        constant = [name for name, dist in space.items() if dist.single()]
        if not varying:
            return dict.fromkeys(constant, 0.0)

        trials = select_trials(study, names, target)
        if len(trials) <= 1:
            return dict.fromkeys(names, 0.0)

        transform = SearchSpaceTransform(varying, transform_log=False, transform_step=False)
        self._forest.fit(encode_trials(trials, transform), target_values(trials, target))
        bounds = transform.bounds
        trees = [TreePartition(estimator.tree_, bounds) for estimator in self._forest.estimators_]
        informative = [tree for tree in trees if tree.variance > 0.0]
        if not informative:
            raise RuntimeError("Encountered zero total variance in all trees.")

        scores = {
            name: float(np.mean([tree.marginal_variance(cols) / tree.variance for tree in informative]))
            for name, cols in zip(varying, transform.column_to_encoded_columns)
        }
        return sort_by_importance({**scores, **dict.fromkeys(constant, 0.0)})
