"""LightGBM's parameter and metric aliases, folded to the names the tuner reads and tunes.

LightGBM accepts several names for one parameter (``subsample`` for ``bagging_fraction``, ``reg_alpha`` for
``lambda_l1``, ...) and for one metric (``binary`` for ``binary_logloss``, ``mse`` for ``l2``, ...). The tuner sets
the canonical names, so an alias left in the parameters would override what it tunes.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

__all__ = ["fold_metric_aliases", "fold_parameter_aliases"]

_PARAMETER_ALIASES: dict[str, tuple[str, ...]] = {
    "bagging_fraction": ("sub_row", "subsample", "bagging"),
    "learning_rate": ("shrinkage_rate", "eta"),
    "min_child_samples": ("min_data_per_leaf", "min_data", "min_data_in_leaf", "min_samples_leaf"),
    "min_sum_hessian_in_leaf": (
        "min_sum_hessian_per_leaf",
        "min_sum_hessian",
        "min_hessian",
        "min_child_weight",
    ),
    "num_leaves": ("num_leaf", "max_leaves", "max_leaf", "max_leaf_nodes"),
    "bagging_freq": ("subsample_freq",),
    "feature_fraction": ("sub_feature", "colsample_bytree"),
    "lambda_l1": ("reg_alpha", "l1_regularization"),
    "lambda_l2": ("reg_lambda", "lambda", "l2_regularization"),
    "min_gain_to_split": ("min_split_gain",),
}

_METRIC_ALIASES: dict[str, tuple[str, ...]] = {
    "ndcg": ("lambdarank", "rank_xendcg", "xendcg", "xe_ndcg", "xe_ndcg_mart", "xendcg_mart"),
    "map": ("mean_average_precision",),
    "l2": ("regression", "regression_l2", "mean_squared_error", "mse"),
    "l1": ("regression_l1", "mean_absolute_error", "mae"),
    "binary_logloss": ("binary",),
    "multi_logloss": ("multiclass", "softmax", "multiclassova", "multiclass_ova", "ova", "ovr"),
    "cross_entropy": ("xentropy",),
    "cross_entropy_lambda": ("xentlambda",),
    "kullback_leibler": ("kldiv",),
    "mape": ("mean_absolute_percentage_error",),
    "custom": ("none", "null", "na"),
    "rmse": ("l2_root", "root_mean_squared_error"),
}
_CANONICAL_METRIC = {alias: name for name, aliases in _METRIC_ALIASES.items() for alias in aliases}


def fold_parameter_aliases(params: dict[str, Any]) -> None:
    """Rename aliased parameters in place to their canonical names (warning when several aliases disagree)."""
    for name, aliases in _PARAMETER_ALIASES.items():
        found = {alias: params.pop(alias) for alias in aliases if alias in params}
        if not found:
            continue
        params[name] = list(found.values())[-1]
        if len(found) > 1:
            warnings.warn(
                f"{name} in param detected multiple identical aliases {found}, but we use {name}={params[name]}.",
                stacklevel=3,
            )


def fold_metric_aliases(params: dict[str, Any]) -> None:
    """Rename the ``metric`` parameter (a name or an iterable of names) in place to canonical metric names."""
    if "metric" not in params:
        return
    metric = params["metric"]
    if isinstance(metric, str):
        params["metric"] = _CANONICAL_METRIC.get(metric, metric)
    elif isinstance(metric, Iterable):
        params["metric"] = [_CANONICAL_METRIC.get(m, m) for m in metric]
    else:
        raise ValueError(  # noqa: TRY004 - Optuna's error type
            f"The `metric` parameter is expected to be a string or an iterable object, but got {type(metric)}."
        )
