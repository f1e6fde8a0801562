"""``pyhpo.integration.catboost``, as ``optuna.integration.catboost``: :class:`CatBoostPruningCallback`."""

from pyhpo.integration._catboost import CatBoostPruningCallback

__all__ = ["CatBoostPruningCallback"]
