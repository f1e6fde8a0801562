"""pyhpo: hyperparameter optimisation with Optuna's API, built for fast and safe parallel runs.

Code written for Optuna runs with ``import pyhpo as optuna``.
"""

from __future__ import annotations

import importlib
from typing import Any

from pyhpo import distributions, exceptions, logging, storages, trial, version
from pyhpo import study as study
from pyhpo.exceptions import TrialPruned
from pyhpo.storages import _heartbeat as _storage_heartbeat
from pyhpo.study import (
    Study,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from pyhpo.study._heartbeat import fail_stale_trials as _fail_stale_trials
from pyhpo.trial import Trial, create_trial
from pyhpo.version import __version__

# Optuna has fail_stale_trials in optuna.storages (and optuna.storages._heartbeat). It drives a study, so it lives
# in pyhpo.study, a floor above the storages; this facade, which sees both floors, names it where Optuna has it.
storages.fail_stale_trials = _fail_stale_trials
_storage_heartbeat.fail_stale_trials = _fail_stale_trials

__all__ = [
    "Study",
    "Trial",
    "TrialPruned",
    "__version__",
    "artifacts",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "distributions",
    "exceptions",
    "get_all_study_names",
    "get_all_study_summaries",
    "importance",
    "integration",
    "load_study",
    "logging",
    "pruners",
    "samplers",
    "search_space",
    "storages",
    "study",
    "trial",
    "version",
    "visualization",
]

# Loaded on first use: they bring numpy (samplers, pruners) or optional dependencies (plotly, scikit-learn, ...).
_LAZY_SUBMODULES = (
    "artifacts",
    "importance",
    "integration",
    "pruners",
    "samplers",
    "search_space",
    "terminator",
    "visualization",
)


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        module = importlib.import_module(f"pyhpo.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'pyhpo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
