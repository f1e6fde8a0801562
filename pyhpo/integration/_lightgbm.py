"""LightGBM pruning: report a validation metric after each boosting round and stop pruned trials.

Works with ``lightgbm.train`` (the metric of one named validation set) and ``lightgbm.cv`` (the mean over
folds, which LightGBM names ``valid``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo._values import StudyDirection
from pyhpo.exceptions import TrialPruned
from pyhpo.integration._framework import requires

if TYPE_CHECKING:
    from pyhpo.trial import Trial

__all__ = ["LightGBMPruningCallback"]


class LightGBMPruningCallback:
    """A LightGBM callback that reports a validation metric to a trial and raises ``TrialPruned`` when it should.

    Pass it in ``callbacks=`` of ``lightgbm.train`` or ``lightgbm.cv``.

    Args:
        trial: The trial the objective is evaluating.
        metric: The LightGBM metric to report, e.g. ``"binary_error"`` or ``"multi_logloss"``.
        valid_name: Which validation set of ``lightgbm.train`` to read (its name in ``valid_names``;
            LightGBM calls the first one ``valid_0``). Ignored under ``lightgbm.cv``, whose results are the
            fold means named ``valid``.
        report_interval: Report every this many boosting rounds (the pruner still decides when to prune).
    """

    def __init__(
        self, trial: Trial, metric: str, valid_name: str = "valid_0", report_interval: int = 1
    ) -> None:
        with requires("lightgbm", "LightGBMPruningCallback"):
            import lightgbm  # noqa: F401 - fails early, naming the extra, if missing
        if not isinstance(report_interval, int) or isinstance(report_interval, bool) or report_interval < 1:
            raise ValueError(f"report_interval must be a positive integer, got {report_interval!r}")
        self._trial = trial
        self._metric = metric
        self._valid_name = valid_name
        self._report_interval = report_interval

    def _find(self, valid_name: str, results: list[tuple[Any, ...]]) -> tuple[Any, ...] | None:
        # LightGBM >= 4 names cv metrics "valid <metric>"; train metrics are the bare name.
        wanted = (self._metric, f"valid {self._metric}")
        for entry in results:
            if entry[0] == valid_name and entry[1] in wanted:
                return entry
        return None

    def __call__(self, env: Any) -> None:
        """Called by LightGBM after each boosting round with its ``CallbackEnv``."""
        if (env.iteration + 1) % self._report_interval != 0:
            return
        results = list(env.evaluation_result_list or [])
        # Entries of lightgbm.cv carry a fifth element, the standard deviation over the folds.
        valid_name = "valid" if results and len(results[0]) == 5 else self._valid_name
        entry = self._find(valid_name, results)
        if entry is None:
            raise ValueError(
                f'The entry associated with the validation name "{valid_name}" and the metric name '
                f'"{self._metric}" is not found in the evaluation result list {results}.'
            )
        score, higher_is_better = entry[2], entry[3]
        direction = self._trial.study.direction
        if higher_is_better and direction != StudyDirection.MAXIMIZE:
            raise ValueError(
                "The intermediate values are inconsistent with the objective values in terms of study "
                f"directions: {self._metric!r} is maximized but the study minimizes. Please specify a metric to "
                "be minimized for LightGBMPruningCallback."
            )
        if not higher_is_better and direction != StudyDirection.MINIMIZE:
            raise ValueError(
                "The intermediate values are inconsistent with the objective values in terms of study "
                f"directions: {self._metric!r} is minimized but the study maximizes. Please specify a metric to "
                "be maximized for LightGBMPruningCallback."
            )
        self._trial.report(float(score), step=env.iteration)
        if self._trial.should_prune():
            raise TrialPruned(f"Trial was pruned at iteration {env.iteration}.")
