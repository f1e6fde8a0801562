"""The mean-decrease-impurity evaluator: a random forest's own feature importances, summed per parameter."""

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

if TYPE_CHECKING:
    from pyhpo.study import Study

__all__ = ["MeanDecreaseImpurityImportanceEvaluator"]


class MeanDecreaseImpurityImportanceEvaluator(BaseImportanceEvaluator):
    """Mean decrease in impurity (MDI) of a random forest fitted to the completed trials.

    The forest (scikit-learn's ``RandomForestRegressor``) predicts the target from the parameters; a column's
    importance is the total reduction of squared error its splits achieve, averaged over the trees
    (``feature_importances_``). A categorical parameter is one column per choice, and its importance is the sum
    over its columns. Fast, but biased towards parameters with many distinct values; prefer
    :class:`~pyhpo.importance.FanovaImportanceEvaluator` or
    :class:`~pyhpo.importance.PedAnovaImportanceEvaluator` to compare parameters of different kinds.

    Requires scikit-learn (``pip install "pyhpo-opt[importance]"``).

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
        """Score the parameters of ``study``; see :meth:`BaseImportanceEvaluator.evaluate`."""
        require_target_for_multi_objective(study, target)
        space = search_space_of(study, params)
        names = list(space) if params is None else list(params)
        if not names:
            return {}
        trials = select_trials(study, names, target)
        if len(trials) <= 1:
            return dict.fromkeys(names, 0.0)

        transform = SearchSpaceTransform(space, transform_log=False, transform_step=False)
        self._forest.fit(encode_trials(trials, transform), target_values(trials, target))
        per_param = np.zeros(len(space))
        np.add.at(per_param, transform.encoded_column_to_column, self._forest.feature_importances_)
        return sort_by_importance(dict(zip(space, per_param.tolist())))
