"""Optuna's pre-4.0 journal names, kept for code written against them; creating one warns.

Optuna 4.0 moved its journal classes to ``optuna.storages.journal`` and renamed the log storages to backends.
The old names stay importable from ``optuna.storages`` (only there) until Optuna 6.0, each a subclass of its
successor whose ``__init__`` first emits Optuna's ``FutureWarning``, word for word. pyhpo offers the same names
in ``pyhpo.storages`` with the same warnings, so code that filters or asserts on them keeps working.

The lock classes are a special case: ``JournalFileOpenLock`` and ``JournalFileSymlinkLock`` are current names in
``storages.journal``; only the *import path* ``storages.JournalFileOpenLock`` is deprecated, so the classes
exported from ``pyhpo.storages`` are warning subclasses of the current ones.
"""

from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING, Any, TypeVar

from pyhpo.storages.journal._base import BaseJournalBackend
from pyhpo.storages.journal._file import JournalFileBackend
from pyhpo.storages.journal._locks import JournalFileOpenLock, JournalFileSymlinkLock
from pyhpo.storages.journal._redis import JournalRedisBackend

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "BaseJournalLogStorage",
    "DeprecatedJournalFileOpenLock",
    "DeprecatedJournalFileSymlinkLock",
    "JournalFileStorage",
    "JournalRedisStorage",
]

_C = TypeVar("_C", bound=type)

# Every name here was deprecated in Optuna 4.0.0, to be removed in 6.0.0.
_DEPRECATED_IN = "4.0.0"
_REMOVED_IN = "6.0.0"


def _deprecated_class(text: str, name: str | None = None) -> Callable[[_C], _C]:
    """Make creating an instance of the class (or of a subclass that keeps its ``__init__``) warn as Optuna does.

    The message is Optuna's ``deprecated_class`` message: ``"<name> has been deprecated in v4.0.0. This feature
    will be removed in v6.0.0. See https://github.com/optuna/optuna/releases/tag/v4.0.0. <text>"``. The warning
    comes first, then whatever the inherited ``__init__`` emits (an experimental warning), as in Optuna.
    """

    def decorate(cls: _C) -> _C:
        shown = name if name is not None else cls.__name__
        message = (
            f"{shown} has been deprecated in v{_DEPRECATED_IN}. This feature will be removed in v{_REMOVED_IN}. "
            f"See https://github.com/optuna/optuna/releases/tag/v{_DEPRECATED_IN}. {text}"
        )
        inherited_init: Callable[..., None] = cls.__init__  # type: ignore[misc]

        @functools.wraps(inherited_init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            warnings.warn(message, FutureWarning, stacklevel=2)
            inherited_init(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[misc]
        cls.__doc__ = (cls.__doc__ or "").rstrip() + (
            f"\n\n.. warning::\n    Deprecated in Optuna v{_DEPRECATED_IN}, to be removed in v{_REMOVED_IN}. {text}\n"
        )
        return cls

    return decorate


@_deprecated_class("Use :class:`~pyhpo.storages.journal.BaseJournalBackend` instead.")
class BaseJournalLogStorage(BaseJournalBackend):
    """Optuna's pre-4.0 name of :class:`~pyhpo.storages.journal.BaseJournalBackend`."""


@_deprecated_class("Use :class:`~pyhpo.storages.journal.JournalFileBackend` instead.")
class JournalFileStorage(JournalFileBackend):
    """Optuna's pre-4.0 name of :class:`~pyhpo.storages.journal.JournalFileBackend`."""


@_deprecated_class("Use :class:`~pyhpo.storages.journal.JournalRedisBackend` instead.")
class JournalRedisStorage(JournalRedisBackend):
    """Optuna's pre-4.0 name of :class:`~pyhpo.storages.journal.JournalRedisBackend`."""


@_deprecated_class(
    "Use :class:`~pyhpo.storages.journal.JournalFileOpenLock` instead.",
    name="The import path :class:`~pyhpo.storages.JournalFileOpenLock`",
)
class DeprecatedJournalFileOpenLock(JournalFileOpenLock):
    """:class:`~pyhpo.storages.journal.JournalFileOpenLock` reached through its pre-4.0 import path."""


@_deprecated_class(
    "Use :class:`~pyhpo.storages.journal.JournalFileSymlinkLock` instead.",
    name="The import path :class:`~pyhpo.storages.JournalFileSymlinkLock`",
)
class DeprecatedJournalFileSymlinkLock(JournalFileSymlinkLock):
    """:class:`~pyhpo.storages.journal.JournalFileSymlinkLock` reached through its pre-4.0 import path."""
