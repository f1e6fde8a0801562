"""Quickstart: minimise (x - 2)^2 + (y + 1)^2 with TPE, trials kept in an embedded SQLite database.

Run: python examples/quickstart.py [STORAGE_URL]
Without an argument the study lives in a SQLite file in a fresh temporary folder: no server needed. The log lines
are Optuna's: one per study created and one per finished trial.
"""

from __future__ import annotations

import os
import sys
import tempfile

import pyhpo


def objective(trial: pyhpo.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_int("y", -5, 5)
    return (x - 2) ** 2 + (y + 1) ** 2


def main() -> None:
    url = (
        sys.argv[1] if len(sys.argv) > 1 else "sqlite:///" + os.path.join(tempfile.mkdtemp(), "quickstart.db")
    )
    study = pyhpo.create_study(study_name="quickstart", storage=url, load_if_exists=True)
    study.optimize(objective, n_trials=40)
    print(f"Best value {study.best_value:.4g} with {study.best_params} ({len(study.trials)} trials in {url})")


if __name__ == "__main__":
    main()
