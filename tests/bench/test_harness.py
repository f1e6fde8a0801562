"""The benchmark harness on in-memory and journal-file storage with tiny trial counts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from pyhpo.bench import WORKLOADS, BenchConfig, main, run_matrix
from pyhpo.bench._backends import server_urls
from pyhpo.bench._report import format_table
from pyhpo.bench._workloads import split, spread
from tests.bench._faulty import FailsOneTrial, SkipsOneTrial

if TYPE_CHECKING:
    from pathlib import Path

CLOSED = {"postgres": "postgresql+psycopg2://postgres@127.0.0.1:1/test", "mysql": None, "redis": None}


def _config(**kw: Any) -> BenchConfig:
    base: dict[str, Any] = {
        "storages": ["memory", "journal-file"],
        "workloads": [WORKLOADS["random"]],
        "procs": [1, 2],
        "threads": [2],
        "trials": 6,
        "repeat": 1,
        "study_size": 12,
        "compare": [],
        "urls": server_urls({}),
        "timeout": 120.0,
        "progress": False,
    }
    base.update(kw)
    return BenchConfig(**base)


def _rows(result: dict[str, Any], **match: Any) -> list[dict[str, Any]]:
    return [r for r in result["rows"] if all(r[k] == v for k, v in match.items())]


def test_every_workload_runs_on_memory_and_journal_file_and_passes_the_integrity_check() -> None:
    result = run_matrix(_config(workloads=list(WORKLOADS.values())))
    ok = _rows(result, status="ok")
    assert {(r["backend"], r["workload"]) for r in ok} == {
        ("memory", "random"),
        ("memory", "tpe"),
        ("memory", "grown"),
        ("journal-file", "random"),
        ("journal-file", "tpe"),
        ("journal-file", "grown"),
        ("journal-file", "cold-load"),
    }
    for row in ok:
        assert len(row["runs"]) == 1 and row["runs"][0]["elapsed"] > 0
        # cold-load reads the big study: 12 seeded trials + 6 from each of the three grown runs before it
        expected = (12 + 3 * 6) * row["procs"] if row["workload"] == "cold-load" else 6
        assert row["runs"][0]["count"] == expected
    # in-memory studies cannot be shared by processes: not measured, with the reason
    (mem_p2,) = _rows(result, backend="memory", workload="random", procs=2)
    assert mem_p2["status"] == "n/a" and "one process" in mem_p2["reason"]
    assert not _rows(result, status="FAILED")


def test_a_missing_trial_fails_the_row_loudly() -> None:
    result = run_matrix(
        _config(workloads=[SkipsOneTrial()], procs=[2], threads=[], storages=["journal-file"])
    )
    (row,) = result["rows"]
    assert row["status"] == "FAILED"
    assert "integrity check failed" in row["reason"] and "4 trials instead of 6" in row["reason"]
    assert row["runs"] == []
    table = format_table(result)
    assert "FAILED" in table and "4 trials instead of 6" in table


def test_a_failed_trial_fails_the_row_and_names_the_states() -> None:
    result = run_matrix(_config(workloads=[FailsOneTrial()], procs=[1], threads=[1], storages=["memory"]))
    (row,) = result["rows"]
    assert row["status"] == "FAILED"
    assert "'FAIL': 1" in row["reason"] and "'COMPLETE': 5" in row["reason"]


def test_the_command_exits_nonzero_when_a_row_fails(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setitem(WORKLOADS, "skip-one", SkipsOneTrial())
    code = main(
        [
            "--storages",
            "memory",
            "--workloads",
            "skip-one",
            "--procs",
            "1",
            "--threads",
            "1",
            "--trials",
            "4",
            "--repeat",
            "1",
            "--no-progress",
        ]
    )
    assert code == 1
    out = capsys.readouterr()
    assert "FAILED" in out.out and "3 trials instead of 4" in out.out
    assert "1 measurement(s) FAILED" in out.err


def test_unreachable_server_and_missing_peer_are_listed_as_skipped_with_reasons() -> None:
    urls = server_urls(CLOSED)
    result = run_matrix(
        _config(
            storages=["memory", "postgres"],
            procs=[1],
            threads=[1],
            urls=urls,
            compare=["no_such_library_xyz"],
        )
    )
    assert set(result["skipped"]) == {"postgres"}
    assert (
        "not reachable" in result["skipped"]["postgres"] or "not installed" in result["skipped"]["postgres"]
    )
    assert "no_such_library_xyz" in result["peers_skipped"]
    assert result["libs"] == ["pyhpo"]
    table = format_table(result)
    assert "Skipped:" in table and "postgres:" in table and "no_such_library_xyz" in table


def test_json_holds_every_raw_figure_and_the_machine(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "bench.json"
    code = main(
        [
            "--storages",
            "journal-file",
            "--workloads",
            "random",
            "--procs",
            "1,2",
            "--threads",
            "1",
            "--trials",
            "4",
            "--repeat",
            "2",
            "--no-progress",
            "--json",
            str(out),
        ]
    )
    assert code == 0
    doc = json.loads(out.read_text())
    machine = doc["machine"]
    for key in ("cpu_count", "cpu_model", "python", "pyhpo", "tmpdir_fs", "platform"):
        assert machine[key], key
    assert doc["config"]["trials"] == 4 and doc["config"]["repeat"] == 2
    assert doc["command"].startswith("python -m pyhpo.bench")
    rows = doc["rows"]
    assert [(r["procs"], r["threads"]) for r in rows] == [(1, 1), (2, 1)]
    for row in rows:
        assert row["status"] == "ok" and len(row["runs"]) == 2
        rates = [run["trials_per_s"] for run in row["runs"]]
        assert row["min"] == min(rates) and row["max"] == max(rates)
        assert all(run["count"] == 4 for run in row["runs"])
    table = capsys.readouterr().out
    assert "journal-file" in table and "2 x 1" in table


def test_plot_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "bench.png"
    code = main(
        [
            "--storages",
            "memory",
            "--workloads",
            "random",
            "--procs",
            "1",
            "--threads",
            "2",
            "--trials",
            "4",
            "--repeat",
            "1",
            "--no-progress",
            "--plot",
            str(png),
        ]
    )
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_peer_library_runs_the_same_workload_and_gets_a_ratio() -> None:
    pytest.importorskip("optuna")
    result = run_matrix(_config(storages=["journal-file"], procs=[1], threads=[1], compare=["optuna"]))
    assert result["libs"] == ["pyhpo", "optuna"]
    assert {r["lib"]: r["status"] for r in result["rows"]} == {"pyhpo": "ok", "optuna": "ok"}
    table = format_table(result)
    assert "pyhpo/optuna" in table and "x" in table.splitlines()[2].split()[-1]


@pytest.mark.parametrize(
    "argv",
    [["--trials", "0"], ["--storages", "nosuch"], ["--procs", "two"], ["--workloads", "random,nosuch"]],
)
def test_bad_options_exit_2_with_a_message(argv: list[str], capsys: Any) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_quick_defaults_need_no_server_and_explicit_options_win() -> None:
    from pyhpo.bench._cli import build_parser, config_from_args

    cfg = config_from_args(build_parser().parse_args(["--quick"]))
    assert cfg.storages == ["memory", "journal-file"] and cfg.repeat == 1
    cfg = config_from_args(build_parser().parse_args(["--quick", "--trials", "7", "--storages", "sqlite"]))
    assert cfg.trials == 7 and cfg.storages == ["sqlite"]
    full = config_from_args(build_parser().parse_args([]))
    assert full.procs == [1, 2, 4, 8, 16, 32] and full.study_size == 10_000
    assert full.concurrencies()[:2] == [(1, 1), (2, 1)]


def test_split_and_spread() -> None:
    assert split(10, 3) == [4, 3, 3] and split(2, 4) == [1, 1, 0, 0]
    assert spread([3.0, 1.0, 2.0]) == (2.0, 1.0, 3.0)
    assert spread([1.0, 4.0]) == (2.5, 1.0, 4.0)
