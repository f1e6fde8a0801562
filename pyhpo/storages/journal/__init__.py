"""Journal backends: where :class:`~pyhpo.storages.JournalStorage` keeps its records.

Mirrors ``optuna.storages.journal``. Optuna's pre-4.0 names (``JournalFileStorage``, ``JournalRedisStorage``,
``BaseJournalLogStorage``) are offered where Optuna offers them, in :mod:`pyhpo.storages`, with its deprecation
warnings; like Optuna, this module never had them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pyhpo.storages.journal._base import BaseJournalBackend
from pyhpo.storages.journal._redis import JournalRedisBackend

if TYPE_CHECKING:
    from pyhpo.storages.journal._engine import engine_name
    from pyhpo.storages.journal._file import JournalFileBackend
    from pyhpo.storages.journal._locks import JournalFileOpenLock, JournalFileSymlinkLock
    from pyhpo.storages.journal._storage import JournalStorage

__all__ = [
    "BaseJournalBackend",
    "JournalFileBackend",
    "JournalFileOpenLock",
    "JournalFileSymlinkLock",
    "JournalRedisBackend",
    "JournalStorage",
    "engine_name",
]

# The file backend loads the journal engine (compiled, if built); import it on first use so that Redis users and
# ``import pyhpo`` do not pay for (or depend on) the extension module.
_LAZY = {
    "JournalFileBackend": ("pyhpo.storages.journal._file", "JournalFileBackend"),
    "JournalFileOpenLock": ("pyhpo.storages.journal._locks", "JournalFileOpenLock"),
    "JournalFileSymlinkLock": ("pyhpo.storages.journal._locks", "JournalFileSymlinkLock"),
    "JournalStorage": ("pyhpo.storages.journal._storage", "JournalStorage"),
    "engine_name": ("pyhpo.storages.journal._engine", "engine_name"),
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'pyhpo.storages.journal' has no attribute {name!r}")
    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
