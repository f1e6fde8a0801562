"""NSGA-II: the sampler, its crossover and mutation operators, and its strategies."""

from __future__ import annotations

from pyhpo.samplers._nsgaii._child_generation import NSGAIIChildGenerationStrategy
from pyhpo.samplers._nsgaii._crossovers import (
    BaseCrossover,
    BLXAlphaCrossover,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from pyhpo.samplers._nsgaii._mutations import BaseMutation, PolynomialMutation
from pyhpo.samplers._nsgaii._sampler import NSGAIISampler
from pyhpo.samplers._nsgaii._selection import NSGAIIElitePopulationSelectionStrategy

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "BaseMutation",
    "NSGAIIChildGenerationStrategy",
    "NSGAIIElitePopulationSelectionStrategy",
    "NSGAIISampler",
    "PolynomialMutation",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]
