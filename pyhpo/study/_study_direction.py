"""Whether an objective is minimised or maximised."""

from __future__ import annotations

import enum

__all__ = ["StudyDirection"]


class StudyDirection(enum.IntEnum):
    """Direction of one objective; the integer values are Optuna's and are what storages write."""

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2

    # repr stays the enum's own (``<StudyDirection.MAXIMIZE: 2>``), as in Optuna.
    def __str__(self) -> str:
        return f"StudyDirection.{self.name}"
