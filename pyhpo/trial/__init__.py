"""Trials: what an objective receives (:class:`Trial`), what storages return (:class:`FrozenTrial`).

:class:`FrozenTrial`, :class:`TrialState`, :class:`BaseTrial` and :func:`create_trial` live in the value layer
(:mod:`pyhpo._values`) and are re-exported here under their public names.
"""

from pyhpo._values import BaseTrial, FrozenTrial, TrialState, create_trial
from pyhpo.trial._fixed import FixedTrial
from pyhpo.trial._trial import Trial

__all__ = ["BaseTrial", "FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial"]
