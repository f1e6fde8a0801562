"""The pruner interface."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["BasePruner"]


class BasePruner(abc.ABC):
    """Decides, from the values a trial reported so far, whether to stop it early.

    ``Trial.should_prune()`` calls :meth:`prune` with the study and a snapshot of the trial;
    users implement the method but do not call it themselves.
    """

    @abc.abstractmethod
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """Return ``True`` if ``trial`` should be pruned now.

        Args:
            study: The study the trial belongs to.
            trial: A snapshot of the trial; copy it before modifying it.
        """
        raise NotImplementedError

    def filter_study(self, study: Study, trial: FrozenTrial) -> Study:
        """The study as ``trial``'s sampler and this pruner should see it: by default, ``study`` itself.

        A pruner that compares a trial only with some of the others overrides this to return a view of the study
        listing just those (:class:`~pyhpo.pruners.HyperbandPruner` shows the trial's bracket). A trial passes
        this view to the sampler and the pruner; it is Optuna's ``optuna.pruners._filter_study`` hook, made a
        method so that the pruner that knows the view builds it.
        """
        del trial
        return study
