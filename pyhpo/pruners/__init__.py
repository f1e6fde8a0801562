"""Pruners: decide from intermediate values whether a trial should stop early (Optuna's API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pyhpo.pruners._base import BasePruner
from pyhpo.pruners._hyperband import HyperbandPruner, _BracketStudy
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

    With a :class:`HyperbandPruner`, a view whose ``get_trials`` lists only the trials of
    ``trial``'s bracket; otherwise the study itself. Optuna's ``Trial`` passes this view to the
    sampler and pruner; ``HyperbandPruner.prune`` builds it itself, so pruning is per bracket
    either way.
    """
    pruner = study.pruner
    if isinstance(pruner, HyperbandPruner):
        # Initialise the brackets if possible so the trial lands in its final bracket.
        if not pruner._pruners:
            pruner._try_initialization(study)
        if pruner._pruners:
            return cast("Study", _BracketStudy(study, pruner, pruner._get_bracket_id(study, trial)))
    return study
