"""Studies: create, load and run them.

:class:`StudyDirection`, :class:`FrozenStudy` and :class:`StudySummary` live in the value layer
(:mod:`pyhpo._values`) and are re-exported here under their public names.
"""

from pyhpo._values import FrozenStudy, StudyDirection, StudySummary
from pyhpo.study._callbacks import MaxTrialsCallback
from pyhpo.study._functions import (
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from pyhpo.study._study import Study

__all__ = [
    "FrozenStudy",
    "MaxTrialsCallback",
    "Study",
    "StudyDirection",
    "StudySummary",
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]
