"""Whether an objective is minimised or maximised."""

from __future__ import annotations

import enum

__all__ = ["StudyDirection"]


class StudyDirection(enum.IntEnum):
    """Direction of one objective; the integer values are Optuna's and are what storages write."""

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2

    # No __str__ of its own, as in Optuna: str() and format() are IntEnum's, so they follow the Python version
    # exactly as Optuna's do ("1" from Python 3.11 on, "StudyDirection.MINIMIZE" on 3.10).
