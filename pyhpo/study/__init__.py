"""Studies: create, load and run them."""

from pyhpo.study._callbacks import MaxTrialsCallback
from pyhpo.study._frozen import FrozenStudy, StudySummary
from pyhpo.study._functions import (
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from pyhpo.study._study import Study
from pyhpo.study._study_direction import StudyDirection

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
