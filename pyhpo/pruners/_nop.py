"""A pruner that never prunes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo.pruners._base import BasePruner

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["NopPruner"]


class NopPruner(BasePruner):
    """Never prunes: every trial runs to completion (``should_prune()`` is always ``False``)."""

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return False
