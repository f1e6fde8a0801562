"""The lifecycle of a trial."""

from __future__ import annotations

import enum

__all__ = ["TrialState"]


class TrialState(enum.IntEnum):
    """State of a trial; the integer values are Optuna's and are what storages write.

    ``RUNNING`` and ``WAITING`` trials can change; ``COMPLETE``, ``PRUNED`` and ``FAIL`` are finished and never
    change again.
    """

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    # As in Optuna: str() and format() show ``TrialState.COMPLETE`` (Enum's str, not IntEnum's number) on every
    # Python version; repr stays the enum's own (``<TrialState.COMPLETE: 1>``).
    __str__ = enum.Enum.__str__

    def is_finished(self) -> bool:
        """True for COMPLETE, PRUNED and FAIL."""
        # Module globals: looking a member up on an Enum class costs several times a global's lookup.
        return self is not _RUNNING and self is not _WAITING


_RUNNING = TrialState.RUNNING
_WAITING = TrialState.WAITING
