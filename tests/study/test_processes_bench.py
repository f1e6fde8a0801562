"""The process-parallel workloads of ``python -m pyhpo.bench`` (cpu, cpu-procs) run and pass its checks."""

from __future__ import annotations

import multiprocessing

import pytest

from pyhpo.bench import BenchConfig, run_matrix
from pyhpo.bench._backends import server_urls
from pyhpo.bench._cli import build_parser, config_from_args
from pyhpo.bench._workloads import OPT_IN_WORKLOADS, WORKLOADS


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_cpu_workloads_run_with_threads_and_processes_and_hold_every_trial() -> None:
    cfg = BenchConfig(
        storages=["memory"],
        workloads=list(OPT_IN_WORKLOADS.values()),
        procs=[1],
        threads=[2],
        trials=4,
        repeat=1,
        study_size=10,
        compare=[],
        urls=server_urls({}),
        timeout=120.0,
        progress=False,
    )
    result = run_matrix(cfg)
    rows = {(r["workload"], r["threads"]): r for r in result["rows"]}
    assert set(rows) == {("cpu", 1), ("cpu", 2), ("cpu-procs", 1), ("cpu-procs", 2)}
    for row in rows.values():
        assert row["status"] == "ok", row["reason"]
        assert row["runs"][0]["count"] == 4


def test_cpu_workloads_run_only_when_named() -> None:
    parser = build_parser()
    default = config_from_args(parser.parse_args([]))
    assert [w.name for w in default.workloads] == list(WORKLOADS)
    named = config_from_args(parser.parse_args(["--workloads", "cpu-procs", "random"]))
    assert [w.name for w in named.workloads] == ["cpu-procs", "random"]
