"""Journal backends: where :class:`~pyhpo.storages.JournalStorage` keeps its records.

Mirrors ``optuna.storages.journal``. Optuna's pre-4.0 names (``JournalFileStorage``, ``JournalRedisStorage``,
``BaseJournalLogStorage``) are offered where Optuna offers them, in :mod:`pyhpo.storages`, with its deprecation
warnings; like Optuna, this module never had them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo import _runtime
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
__getattr__, __dir__ = _runtime.lazy_exports(
    __name__,
    {
        "JournalFileBackend": "pyhpo.storages.journal._file",
        "JournalFileOpenLock": "pyhpo.storages.journal._locks",
        "JournalFileSymlinkLock": "pyhpo.storages.journal._locks",
        "JournalStorage": "pyhpo.storages.journal._storage",
        "engine_name": "pyhpo.storages.journal._engine",
    },
    globals(),
)
