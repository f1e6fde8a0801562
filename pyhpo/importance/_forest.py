"""scikit-learn's random forest, the one optional dependency of the forest-based evaluators.

scikit-learn is loaded when an evaluator is created, not when :mod:`pyhpo.importance` is imported, so that
PED-ANOVA (the default evaluator) and ``import pyhpo.importance`` work without it.
"""

from __future__ import annotations

import numbers
from typing import Any

__all__ = ["make_forest"]


def make_forest(*, n_trees: int, max_depth: int, seed: int | None) -> Any:
    """An unfitted ``sklearn.ensemble.RandomForestRegressor`` with Optuna's settings.

    Raises:
        ImportError: scikit-learn is not installed; the message names the pip extra that brings it.
        ValueError: ``n_trees`` or ``max_depth`` is not a positive integer.
    """
    for name, value in (("n_trees", n_trees), ("max_depth", max_depth)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    try:
        from sklearn.ensemble import RandomForestRegressor
    except ImportError as error:
        raise ImportError(
            "This importance evaluator fits a random forest and needs scikit-learn, which is not installed. "
            'Install it with: pip install "pyhpo-opt[importance]"'
        ) from error
    return RandomForestRegressor(
        n_estimators=int(n_trees),
        max_depth=int(max_depth),
        min_samples_split=2,
        min_samples_leaf=1,
        random_state=seed,
    )
