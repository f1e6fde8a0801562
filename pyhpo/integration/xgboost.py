"""``pyhpo.integration.xgboost``, as ``optuna.integration.xgboost``: :class:`XGBoostPruningCallback`."""

from pyhpo.integration._xgboost import XGBoostPruningCallback

__all__ = ["XGBoostPruningCallback"]
