"""``train``: a drop-in for ``lightgbm.train`` that tunes the parameters first (with :class:`LightGBMTuner`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo.integration.lightgbm._tuner import LightGBMTuner

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["train"]


def train(
    params: dict[str, Any],
    train_set: Any,
    num_boost_round: int = 1000,
    valid_sets: Any = None,
    valid_names: Any | None = None,
    feval: Callable[..., Any] | None = None,
    feature_name: str | None = None,
    categorical_feature: str | None = None,
    keep_training_booster: bool = False,
    callbacks: list[Callable[..., Any]] | None = None,
    time_budget: int | None = None,
    sample_size: int | None = None,
    study: Study | None = None,
    optuna_callbacks: list[Callable[[Study, FrozenTrial], None]] | None = None,
    model_dir: str | None = None,
    *,
    show_progress_bar: bool = True,
    optuna_seed: int | None = None,
) -> Any:
    """Tune ``params`` step by step on ``valid_sets``, then return the best trial's booster.

    Takes ``lightgbm.train``'s arguments and :class:`LightGBMTuner`'s; use the tuner itself to resume or run
    in parallel.
    """
    tuner = LightGBMTuner(
        params,
        train_set,
        num_boost_round=num_boost_round,
        valid_sets=valid_sets,
        valid_names=valid_names,
        feval=feval,
        feature_name=feature_name,
        categorical_feature=categorical_feature,
        keep_training_booster=keep_training_booster,
        callbacks=callbacks,
        time_budget=time_budget,
        sample_size=sample_size,
        study=study,
        optuna_callbacks=optuna_callbacks,
        model_dir=model_dir,
        show_progress_bar=show_progress_bar,
        optuna_seed=optuna_seed,
    )
    tuner.run()
    return tuner.get_best_booster()
