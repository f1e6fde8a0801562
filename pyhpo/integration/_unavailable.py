"""Optuna's integrations that pyhpo does not ship, and the error that says so.

``optuna.integration`` forwards to the separate ``optuna-integration`` package, which imports Optuna's private
modules and so cannot run on pyhpo. pyhpo builds the integrations of the gradient-boosting libraries,
scikit-learn and Dask itself; for the others, asking ``pyhpo.integration`` for the name raises
:class:`ImportError` pointing to ``docs/integrations.md``.
"""

from __future__ import annotations

__all__ = ["UNAVAILABLE", "unavailable_error"]

# Optuna's name -> the optuna-integration module that holds it.
UNAVAILABLE: dict[str, str] = {
    "BoTorchSampler": "botorch",
    "CometCallback": "comet",
    "FastAIPruningCallback": "fastaiv2",
    "FastAIV2PruningCallback": "fastaiv2",
    "KerasPruningCallback": "keras",
    "MLflowCallback": "mlflow",
    "PyCmaSampler": "cma",
    "PyTorchIgnitePruningHandler": "pytorch_ignite",
    "PyTorchLightningPruningCallback": "pytorch_lightning",
    "ShapleyImportanceEvaluator": "shap",
    "SkorchPruningCallback": "skorch",
    "TensorBoardCallback": "tensorboard",
    "TensorFlowPruningHook": "tensorflow",
    "TFKerasPruningCallback": "tfkeras",
    "TorchDistributedTrial": "pytorch_distributed",
    "TrackioCallback": "trackio",
    "WeightsAndBiasesCallback": "wandb",
    # Optuna's submodules of those integrations, and ones removed from Optuna long ago.
    "allennlp": "allennlp",
    "botorch": "botorch",
    "chainer": "chainer",
    "chainermn": "chainermn",
    "cma": "cma",
    "comet": "comet",
    "fastaiv2": "fastaiv2",
    "keras": "keras",
    "mlflow": "mlflow",
    "pytorch_distributed": "pytorch_distributed",
    "pytorch_ignite": "pytorch_ignite",
    "pytorch_lightning": "pytorch_lightning",
    "shap": "shap",
    "skopt": "skopt",
    "skorch": "skorch",
    "tensorboard": "tensorboard",
    "tensorflow": "tensorflow",
    "tfkeras": "tfkeras",
    "trackio": "trackio",
    "wandb": "wandb",
}


def unavailable_error(name: str) -> ImportError:
    """The error for Optuna's integration ``name``, which pyhpo does not provide."""
    return ImportError(
        f"optuna.integration.{name} (from the optuna-integration package, module {UNAVAILABLE[name]!r}) is not "
        "available in pyhpo: optuna-integration imports Optuna's private modules and does not run on pyhpo. "
        "See docs/integrations.md for the integrations pyhpo has and what to use instead.",
        name=name,
    )
