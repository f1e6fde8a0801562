"""The old home of :class:`~pyhpo.trial.TrialState`, now in the value layer (:mod:`pyhpo._values`).

Kept so that imports and pickles naming this module's old path still work (a ``FrozenTrial`` pickled by
an earlier pyhpo names ``pyhpo.trial._frozen.FrozenTrial``).
"""

from pyhpo._values._trial_state import TrialState

__all__ = ["TrialState"]
