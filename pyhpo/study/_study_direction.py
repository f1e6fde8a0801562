"""The old home of :class:`~pyhpo.study.StudyDirection`, now in the value layer (:mod:`pyhpo._values`).

Kept so that imports and pickles naming this module's old path still work (a ``FrozenTrial`` pickled by
an earlier pyhpo names ``pyhpo.trial._frozen.FrozenTrial``).
"""

from pyhpo._values._study_direction import StudyDirection

__all__ = ["StudyDirection"]
