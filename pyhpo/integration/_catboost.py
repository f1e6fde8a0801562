"""CatBoost pruning: report a validation metric each iteration, stop training, and raise after ``fit``.

CatBoost swallows exceptions raised inside callbacks, so the callback stops training by returning ``False``
and the objective calls :meth:`CatBoostPruningCallback.check_pruned` after ``fit`` to raise ``TrialPruned``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo._experimental import experimental_class
from pyhpo.exceptions import TrialPruned
from pyhpo.integration._framework import requires

if TYPE_CHECKING:
    from pyhpo.trial import Trial

__all__ = ["CatBoostPruningCallback"]


@experimental_class("3.0.0")
class CatBoostPruningCallback:
    """A CatBoost callback (``callbacks=`` of ``fit``) that reports ``metric`` and stops pruned trials.

    Call :meth:`check_pruned` after ``fit``. CatBoost runs user callbacks on CPU only.

    Args:
        trial: The trial the objective is evaluating.
        metric: The CatBoost metric to report, e.g. ``"Logloss"`` or ``"AUC"`` (it must be computed on the
            evaluation set: the loss or one of ``eval_metric`` / ``custom_metric``).
        eval_set_index: With several ``eval_set`` entries, which one to read (0, 1, ...); None with one.
    """

    def __init__(self, trial: Trial, metric: str, eval_set_index: int | None = None) -> None:
        with requires("catboost", "CatBoostPruningCallback"):
            import catboost  # noqa: F401 - fails early, naming the extra, if missing
        self._trial = trial
        self._metric = metric
        self._valid_name = "validation" if eval_set_index is None else f"validation_{eval_set_index}"
        self._pruned = False
        self._message = ""

    def after_iteration(self, info: Any) -> bool:
        """Called by CatBoost after each iteration; returns False to stop training once the trial is pruned.

        Args:
            info: CatBoost's namespace with ``iteration`` (1-based) and ``metrics``
                (``{"validation": {"Logloss": [...]}, ...}``).
        """
        step = info.iteration - 1
        if self._valid_name not in info.metrics:
            raise ValueError(
                f'The entry associated with the validation name "{self._valid_name}" is not found in the '
                f"evaluation result list {info}."
            )
        history = info.metrics[self._valid_name]
        if self._metric not in history:
            raise ValueError(
                f'The entry associated with the metric name "{self._metric}" is not found in the evaluation '
                f"result list {info}."
            )
        self._trial.report(float(history[self._metric][-1]), step=step)
        if self._trial.should_prune():
            self._message = f"Trial was pruned at iteration {step}."
            self._pruned = True
            return False
        return True

    def check_pruned(self) -> None:
        """Raise ``TrialPruned`` if training was stopped because the trial was pruned."""
        if self._pruned:
            raise TrialPruned(self._message)
