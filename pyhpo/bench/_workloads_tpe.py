"""The TPE-growth workload: the cost of a TPE trial on a study that already holds many trials.

TPE reads every finished trial at every proposal, so its cost per trial grows with the study; this workload
shows how fast. It runs on the big study of ``--study-size`` trials that the harness fills for the ``grown``
workload (two float parameters, ``x`` and ``y``, the very space of the objective), so TPE models the whole
history, and every storage backend can run it.
"""

from __future__ import annotations

from typing import Any

from pyhpo.bench._workloads import GrownStudy

__all__ = ["TPEGrown"]


class TPEGrown(GrownStudy):
    name = "tpe-grown"
    description = (
        "TPESampler on a study that already holds --study-size trials: TPE's cost per trial at that size "
        "(Optuna takes ~0.1 s a trial at 10,000)"
    )

    def sampler(self, lib: Any, seed: int) -> Any:
        return lib.samplers.TPESampler(seed=seed)
