"""Pruners: decide from intermediate values whether a trial should stop early (Optuna's API)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo.pruners._base import BasePruner
from pyhpo.pruners._hyperband import HyperbandPruner
from pyhpo.pruners._median import MedianPruner
from pyhpo.pruners._nop import NopPruner
from pyhpo.pruners._patient import PatientPruner
from pyhpo.pruners._percentile import PercentilePruner
from pyhpo.pruners._successive_halving import SuccessiveHalvingPruner
from pyhpo.pruners._threshold import ThresholdPruner
from pyhpo.pruners._wilcoxon import WilcoxonPruner

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = [
    "BasePruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PatientPruner",
    "PercentilePruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "WilcoxonPruner",
]


def _filter_study(study: Study, trial: FrozenTrial) -> Study:
    """The study as ``trial``'s pruner and sampler should see it (Optuna's hook of this name).

    Kept for code written against Optuna's private hook; pyhpo itself calls :meth:`BasePruner.filter_study`,
    which :class:`HyperbandPruner` overrides to list only the trials of ``trial``'s bracket.
    """
    return study.pruner.filter_study(study, trial)
