"""Optuna's pre-4.0 import path of the journal file locks, ``optuna.storages.JournalFileOpenLock`` and
``JournalFileSymlinkLock``: deprecated there, so creating one through this path warns. The classes are the
warning subclasses of :mod:`pyhpo.storages.journal`'s locks, under the names Optuna gave them here, so that
``pyhpo.storages`` can load them by name on first use (``lazy_exports``)."""

from __future__ import annotations

from pyhpo.storages.journal._deprecated import DeprecatedJournalFileOpenLock as JournalFileOpenLock
from pyhpo.storages.journal._deprecated import DeprecatedJournalFileSymlinkLock as JournalFileSymlinkLock

__all__ = ["JournalFileOpenLock", "JournalFileSymlinkLock"]
