"""Samplers: the algorithms that propose parameter values (Optuna's ``optuna.samplers``).

* :class:`RandomSampler` -- independent uniform sampling.
* :class:`TPESampler` -- Tree-structured Parzen Estimator, the default for single-objective studies.
* :class:`GridSampler`, :class:`QMCSampler`, :class:`CmaEsSampler`, :class:`NSGAIISampler`.
* :class:`GPSampler` -- Gaussian-process Bayesian optimisation (needs scipy, the ``gp`` extra).

Every sampler derives from :class:`BaseSampler`.
"""

from __future__ import annotations

import importlib
from typing import Any

from pyhpo.samplers._base import BaseSampler
from pyhpo.samplers._random import RandomSampler

__all__ = [
    "BaseGASampler",
    "BaseSampler",
    "BruteForceSampler",
    "CmaEsSampler",
    "GPSampler",
    "GridSampler",
    "NSGAIIISampler",
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomSampler",
    "TPESampler",
]

# Loaded on first access so that ``import pyhpo.samplers`` stays light and never depends on an optional
# sampler importing cleanly.
_LAZY = {
    "BaseGASampler": "pyhpo.samplers._ga",
    "BruteForceSampler": "pyhpo.samplers._brute_force",
    "CmaEsSampler": "pyhpo.samplers._cmaes",
    "GPSampler": "pyhpo.samplers._gp",
    "GridSampler": "pyhpo.samplers._grid",
    "NSGAIISampler": "pyhpo.samplers._nsgaii",
    "NSGAIIISampler": "pyhpo.samplers._nsgaiii",
    "PartialFixedSampler": "pyhpo.samplers._partial_fixed",
    "QMCSampler": "pyhpo.samplers._qmc",
    "TPESampler": "pyhpo.samplers._tpe.sampler",
}


def __getattr__(name: str) -> Any:
    if name == "nsgaii":  # the public submodule of NSGA-II operators (``optuna.samplers.nsgaii``)
        return importlib.import_module("pyhpo.samplers.nsgaii")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
