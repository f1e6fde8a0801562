"""Public namespace of NSGA-II operators, mirroring ``optuna.samplers.nsgaii``.

``pyhpo.samplers.nsgaii.SBXCrossover()`` and friends are passed to
:class:`~pyhpo.samplers.NSGAIISampler` as ``crossover=`` / ``mutation=``.
"""

from __future__ import annotations

from pyhpo.samplers._nsgaii import (
    BaseCrossover,
    BaseMutation,
    BLXAlphaCrossover,
    PolynomialMutation,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "BaseMutation",
    "PolynomialMutation",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]
