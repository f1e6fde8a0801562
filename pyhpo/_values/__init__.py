"""The value layer: the plain data every other floor of pyhpo passes around.

Directions, trial states, frozen trials and studies are what a storage returns, what a sampler or a pruner reads
and what a study hands to user code. They live here, at the bottom of the house, so that storages, samplers and
pruners can use them without importing :mod:`pyhpo.study` or :mod:`pyhpo.trial` (whose packages also hold the
classes that drive a study, and so import the storages). Those two packages re-export these names, which are the
public ones (``pyhpo.trial.FrozenTrial``, ``pyhpo.study.StudyDirection``, ...).

Modules here import only the standard library, numpy, and the other floor-1 modules (:mod:`pyhpo.distributions`,
:mod:`pyhpo.exceptions`, :mod:`pyhpo.logging`); ``tests/test_layers.py`` holds them to it, and
``docs/architecture.md`` draws the floors.
"""

from pyhpo._values._base_trial import BaseTrial
from pyhpo._values._frozen_study import FrozenStudy, StudySummary
from pyhpo._values._frozen_trial import FrozenTrial, create_trial
from pyhpo._values._study_direction import StudyDirection
from pyhpo._values._trial_state import TrialState

__all__ = [
    "BaseTrial",
    "FrozenStudy",
    "FrozenTrial",
    "StudyDirection",
    "StudySummary",
    "TrialState",
    "create_trial",
]
