"""``python -m pyhpo.bench``: how fast pyhpo's storages are, alone and next to Optuna's.

The harness runs a matrix of storage backends (:data:`BACKENDS`) x workloads (:data:`WORKLOADS`) x
concurrency (worker processes and threads) x libraries (pyhpo and any ``--compare`` peer with Optuna's API),
checks after every measurement that the study holds exactly the trials it should, and prints a table (JSON
and a PNG plot on request). See ``python -m pyhpo.bench --help`` and docs/benchmarks.md.
"""

from __future__ import annotations

from pyhpo.bench._backends import BACKENDS, Backend
from pyhpo.bench._cli import main
from pyhpo.bench._runner import BenchConfig, CellFailure, run_matrix
from pyhpo.bench._workloads import WORKLOADS, Workload

__all__ = ["BACKENDS", "WORKLOADS", "Backend", "BenchConfig", "CellFailure", "Workload", "main", "run_matrix"]
