"""TerminatorCallback: a :meth:`~pyhpo.study.Study.optimize` callback that stops the study when a terminator
says so (Optuna's ``optuna.terminator.callback``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pyhpo.terminator._deprecation import warn_deprecated
from pyhpo.terminator.terminator import BaseTerminator, Terminator

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study

__all__ = ["TerminatorCallback"]

_logger = logging.getLogger("pyhpo.terminator.callback")


class TerminatorCallback:
    """After each trial, ask ``terminator`` (default :class:`~pyhpo.terminator.Terminator`) and stop if it says so.

    With ``n_jobs > 1`` the trials already running still finish, as with any call to
    :meth:`~pyhpo.study.Study.stop`.
    """

    def __init__(self, terminator: BaseTerminator | None = None) -> None:
        warn_deprecated()
        self._terminator = terminator or Terminator()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self._terminator.should_terminate(study=study):
            _logger.info("The study has been stopped by the terminator.")
            study.stop()
