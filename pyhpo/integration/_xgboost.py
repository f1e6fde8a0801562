"""XGBoost pruning: an ``xgboost.callback.TrainingCallback`` that reports a metric each round.

Works with ``xgboost.train``, ``xgboost.cv`` (the mean over folds) and the scikit-learn estimators
(``callbacks=``; their evaluation sets are named ``validation_0``, ``validation_1``, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo.exceptions import TrialPruned
from pyhpo.integration._framework import requires

if TYPE_CHECKING:
    from pyhpo.trial import Trial

__all__ = ["XGBoostPruningCallback"]


class XGBoostPruningCallback:
    """An XGBoost training callback that reports ``observation_key`` to a trial and prunes when it should.

    XGBoost accepts only ``TrainingCallback`` objects; this class is registered as one (an abstract base
    class's virtual subclass) when the first instance is made, so ``import pyhpo.integration`` does not load
    XGBoost.

    Args:
        trial: The trial the objective is evaluating.
        observation_key: ``"<evaluation set>-<metric>"``, e.g. ``"validation-error"`` for
            ``evals=[(dvalid, "validation")]``, or ``"validation_0-logloss"`` with the scikit-learn API.
    """

    def __init__(self, trial: Trial, observation_key: str) -> None:
        with requires("xgboost", "XGBoostPruningCallback"):
            import xgboost as xgb
        xgb.callback.TrainingCallback.register(XGBoostPruningCallback)
        self._trial = trial
        self._observation_key = observation_key
        self._is_cv = False

    def before_training(self, model: Any) -> Any:
        """Note whether this is ``xgboost.cv`` (its model is not a single ``Booster``)."""
        import xgboost

        self._is_cv = not isinstance(model, xgboost.Booster)
        return model

    def after_training(self, model: Any) -> Any:
        """Nothing to do after training; part of XGBoost's callback protocol."""
        return model

    def before_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
        """Never stops training before a round; part of XGBoost's callback protocol."""
        return False

    def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
        """Report the latest value of ``observation_key``; raise ``TrialPruned`` if the pruner says so."""
        latest: dict[str, float] = {}
        for dataset, metrics in evals_log.items():
            for metric, history in metrics.items():
                last = history[-1]
                # xgboost.cv logs (mean, std) pairs; the mean is what is reported.
                latest[f"{dataset}-{metric}"] = float(last[0] if self._is_cv else last)
        if self._observation_key not in latest:
            raise KeyError(
                f"observation_key {self._observation_key!r} is not in XGBoost's evaluation log; "
                f"the keys are {sorted(latest)}"
            )
        self._trial.report(latest[self._observation_key], step=epoch)
        if self._trial.should_prune():
            raise TrialPruned(f"Trial was pruned at iteration {epoch}.")
        return False
