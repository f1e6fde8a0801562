"""Trials: what an objective receives (:class:`Trial`), what storages return (:class:`FrozenTrial`)."""

from pyhpo.trial._base import BaseTrial
from pyhpo.trial._fixed import FixedTrial
from pyhpo.trial._frozen import FrozenTrial, create_trial
from pyhpo.trial._state import TrialState
from pyhpo.trial._trial import Trial

__all__ = ["BaseTrial", "FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial"]
