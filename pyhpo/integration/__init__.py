"""Integrations with machine-learning frameworks, under the names of ``optuna.integration``.

pyhpo builds these itself (Optuna forwards ``optuna.integration`` to the separate ``optuna-integration``
package, which cannot run on pyhpo). Each needs its framework, installed with an extra of ``pyhpo-opt``;
``import pyhpo.integration`` loads none of them, and using an integration whose framework is missing raises
:class:`ImportError` naming the extra:

========================================  ==================================
:class:`LightGBMPruningCallback`          ``pip install "pyhpo-opt[lightgbm]"``
:class:`LightGBMTuner`, ``LightGBMTunerCV``  ``pip install "pyhpo-opt[lightgbm]"`` (also ``pyhpo.integration.lightgbm``)
:class:`XGBoostPruningCallback`           ``pip install "pyhpo-opt[xgboost]"``
:class:`CatBoostPruningCallback`          ``pip install "pyhpo-opt[catboost]"``
:class:`OptunaSearchCV`                   ``pip install "pyhpo-opt[sklearn]"``
:class:`DaskStorage`                      ``pip install "pyhpo-opt[dask]"``
========================================  ==================================

Optuna's submodules are here too: ``pyhpo.integration.lightgbm`` (with the tuner's ``train``), ``.xgboost``,
``.catboost``, ``.sklearn`` and ``.dask``.

Optuna's other integrations (BoTorch, MLflow, Weights & Biases, Keras, PyTorch Lightning, ...) raise
:class:`ImportError` pointing to ``docs/integrations.md``, which says what to use instead.
"""

from __future__ import annotations

from typing import Any

from pyhpo.integration import _sklearn
from pyhpo.integration import catboost as catboost
from pyhpo.integration import dask as dask
from pyhpo.integration import lightgbm as lightgbm
from pyhpo.integration import sklearn as sklearn
from pyhpo.integration import xgboost as xgboost
from pyhpo.integration._catboost import CatBoostPruningCallback
from pyhpo.integration._dask import DaskStorage
from pyhpo.integration._lightgbm import LightGBMPruningCallback
from pyhpo.integration._unavailable import UNAVAILABLE as _UNAVAILABLE
from pyhpo.integration._unavailable import unavailable_error as _unavailable_error
from pyhpo.integration._xgboost import XGBoostPruningCallback
from pyhpo.integration.lightgbm import LightGBMTuner, LightGBMTunerCV

__all__ = [
    "CatBoostPruningCallback",
    "DaskStorage",
    "LightGBMPruningCallback",
    "LightGBMTuner",
    "LightGBMTunerCV",
    "OptunaSearchCV",
    "XGBoostPruningCallback",
]

# Classes that subclass their framework's base class, so they are built when first asked for.
_BUILT_ON_FIRST_USE = {"OptunaSearchCV": _sklearn}


def __getattr__(name: str) -> Any:
    if name in _BUILT_ON_FIRST_USE:
        value = getattr(_BUILT_ON_FIRST_USE[name], name)
        globals()[name] = value
        return value
    if name in _UNAVAILABLE:
        raise _unavailable_error(name)
    raise AttributeError(f"module 'pyhpo.integration' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
