"""Exceptions raised by pyhpo.

The hierarchy, with the builtin each one also is where it shares that builtin's meaning::

    PyhpoError (Exception)                 base of everything pyhpo raises on purpose; alias OptunaError
    ├── TrialPruned                        raised by an objective to say "stop this trial, it is not promising"
    ├── CLIUsageError                      the `pyhpo` command line was used wrongly
    ├── StorageInternalError               a storage backend failed in a way the caller cannot fix by retrying
    │   └── JournalCorruptionError (+ValueError)
    │                                      a complete journal line is not a valid record
    ├── DuplicatedStudyError               a study with that name already exists
    └── UpdateFinishedTrialError (+RuntimeError)
                                           a finished trial was asked to change

    ExperimentalWarning (Warning)          an API whose interface may still change was used (as in Optuna, not a
                                           UserWarning: filters on UserWarning leave it alone)
"""

from __future__ import annotations

__all__ = [
    "CLIUsageError",
    "DuplicatedStudyError",
    "ExperimentalWarning",
    "JournalCorruptionError",
    "OptunaError",
    "PyhpoError",
    "StorageInternalError",
    "TrialPruned",
    "UpdateFinishedTrialError",
]


class PyhpoError(Exception):
    """Base class of the errors pyhpo raises on purpose."""


OptunaError = PyhpoError
"""Optuna's name for :class:`PyhpoError`, so ``except optuna.exceptions.OptunaError`` keeps working."""


class TrialPruned(PyhpoError):
    """Raised inside an objective to prune the current trial.

    :meth:`pyhpo.study.Study.optimize` catches it and records the trial as ``PRUNED``.
    """


class CLIUsageError(PyhpoError):
    """Raised when the command line interface is used with arguments that cannot work together."""


class StorageInternalError(PyhpoError):
    """Raised when a storage backend fails in a way that retrying the same call will not fix."""


class JournalCorruptionError(StorageInternalError, ValueError):
    """Raised when a complete line of a journal file is not a valid record.

    A torn last line (a writer that died mid-write) is not corruption: readers ignore it and the next writer
    cuts it back. A complete line that does not parse, in the middle of a file, is corruption: nothing after it
    can be trusted, so the reader stops and names where.

    Attributes:
        path: The journal file.
        offset: Byte offset of the first byte of the bad line.
        line_number: 1-based line number of the bad line.
        reason: What is wrong with it.
    """

    def __init__(
        self, path: str, offset: int, line_number: int, reason: str = "not a valid journal record"
    ) -> None:
        self.path = path
        self.offset = offset
        self.line_number = line_number
        self.reason = reason
        super().__init__(f"{path}: line {line_number} at byte offset {offset}: {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, int, int, str]]:
        return (type(self), (self.path, self.offset, self.line_number, self.reason))


class DuplicatedStudyError(PyhpoError):
    """Raised when a study is created with a name that an existing study already has."""


class UpdateFinishedTrialError(PyhpoError, RuntimeError):
    """Raised when a finished trial (COMPLETE, PRUNED or FAIL) is asked to change: finished trials are immutable."""


class ExperimentalWarning(Warning):
    """Warned when an API whose interface may still change is used.

    A direct subclass of :class:`Warning`, as Optuna's is, so ``filterwarnings("ignore", category=UserWarning)``
    does not hide it and ``"ignore::optuna.exceptions.ExperimentalWarning"``-style filters port one to one.
    """
