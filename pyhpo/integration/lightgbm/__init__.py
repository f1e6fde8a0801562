"""``pyhpo.integration.lightgbm``: LightGBM with tuning, as ``optuna.integration.lightgbm``.

``import pyhpo.integration.lightgbm as lgb`` gives a module that works like ``lightgbm`` itself (``lgb.Dataset``,
``lgb.early_stopping``, ... are LightGBM's own, found on first use) except that ``lgb.train`` tunes the
parameters first (:func:`train`), plus the stepwise tuners :class:`LightGBMTuner` and :class:`LightGBMTunerCV`
and the pruning callback. LightGBM is imported only when one of them is used.
"""

from __future__ import annotations

from typing import Any

from pyhpo.integration._framework import requires as _requires
from pyhpo.integration._lightgbm import LightGBMPruningCallback
from pyhpo.integration.lightgbm._train import train
from pyhpo.integration.lightgbm._tuner import LightGBMTuner, LightGBMTunerCV

__all__ = ["LightGBMPruningCallback", "LightGBMTuner", "LightGBMTunerCV", "train"]


def __getattr__(name: str) -> Any:
    # The rest of LightGBM's public API, as Optuna's module re-exports it.
    if name.startswith("__"):
        raise AttributeError(name)
    with _requires("lightgbm", f"pyhpo.integration.lightgbm.{name}"):
        import lightgbm
    if name in getattr(lightgbm, "__all__", ()):
        return getattr(lightgbm, name)
    raise AttributeError(f"module 'pyhpo.integration.lightgbm' has no attribute {name!r}")
