"""The ``pyhpo`` command: studies, storage upgrade, delegation to bench and grpc-proxy, usage errors.

The comparison with Optuna's ``optuna`` command is in ``test_cli_optuna.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo
from pyhpo.cli import main

if TYPE_CHECKING:
    from pathlib import Path


def _make_studies(storage: Any) -> None:
    study = pyhpo.create_study(storage=storage, study_name="alpha", sampler=pyhpo.samplers.RandomSampler(0))
    study.optimize(lambda t: (t.suggest_float("x", -1, 1) - 0.5) ** 2, n_trials=4)
    pyhpo.create_study(storage=storage, study_name="beta", directions=["minimize", "maximize"])


def _studies(capsys: Any, storage: str) -> dict[str, dict[str, Any]]:
    capsys.readouterr()
    assert main(["studies", "--storage", storage, "-f", "json"]) == 0
    return {s["name"]: s for s in json.loads(capsys.readouterr().out)}


def test_version(capsys: Any) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"pyhpo {pyhpo.__version__}"


def test_studies_lists_names_directions_and_trials_on_sqlite(tmp_path: Path, capsys: Any) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    _make_studies(url)
    rows = _studies(capsys, url)
    assert rows["alpha"]["direction"] == ["MINIMIZE"] and rows["alpha"]["n_trials"] == 4
    assert rows["beta"] == {
        "name": "beta",
        "direction": ["MINIMIZE", "MAXIMIZE"],
        "n_trials": 0,
        "datetime_start": None,
    }
    assert main(["studies", "--storage", url]) == 0  # the default format is Optuna's table
    table = capsys.readouterr().out.splitlines()
    assert table[1].split() == ["|", "name", "|", "direction", "|", "n_trials", "|", "datetime_start", "|"]
    assert [line.split()[1] for line in table[3:-1]] == ["alpha", "beta"]


def test_studies_reads_a_journal_file_path(tmp_path: Path, capsys: Any) -> None:
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    path = tmp_path / "journal.log"
    _make_studies(JournalStorage(JournalFileBackend(str(path))))
    assert set(_studies(capsys, str(path))) == {"alpha", "beta"}


def test_studies_on_an_empty_storage_prints_no_rows(tmp_path: Path, capsys: Any) -> None:
    assert _studies(capsys, f"sqlite:///{tmp_path / 'empty.db'}") == {}


def test_a_missing_journal_file_is_an_error_not_a_new_file(tmp_path: Path, capsys: Any) -> None:
    missing = tmp_path / "missing.log"
    assert main(["studies", "--storage", str(missing)]) == 1
    assert "neither a database URL" in capsys.readouterr().err
    assert not missing.exists()


def test_storage_upgrade_on_a_current_database(tmp_path: Path, capsys: Any) -> None:
    url = f"sqlite:///{tmp_path / 'up.db'}"
    pyhpo.storages.RDBStorage(url)
    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert "This storage is up-to-date." in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["studies"], "Storage URL is not specified."),
        (["storage", "upgrade"], "Storage URL is not specified."),
        (["storage", "upgrade", "--storage", "journal.log"], "Invalid RDBStorage URL."),
    ],
)
def test_usage_found_after_parsing_exits_1_with_a_message(argv: list[str], message: str, capsys: Any) -> None:
    assert main(argv) == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["nosuch"], ["storage"], ["bench", "--procs", "0"]])
def test_argparse_errors_exit_2(argv: list[str], capsys: Any) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_unreachable_database_is_a_one_line_error(capsys: Any) -> None:
    pytest.importorskip("psycopg2")
    assert main(["studies", "--storage", "postgresql+psycopg2://postgres@127.0.0.1:1/test"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("[E ") and "Cannot open the database" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bench_is_delegated(capsys: Any) -> None:
    code = main(
        [
            "bench",
            "--storages",
            "memory",
            "--workloads",
            "random",
            "--procs",
            "1",
            "--threads",
            "1",
            "--trials",
            "3",
            "--repeat",
            "1",
            "--no-progress",
        ]
    )
    assert code == 0
    assert "memory" in capsys.readouterr().out


def test_grpc_proxy_is_delegated(capsys: Any) -> None:
    pytest.importorskip("grpc")
    with pytest.raises(SystemExit) as info:
        main(["grpc-proxy", "--help"])
    assert info.value.code == 0
    assert "--storage" in capsys.readouterr().out


def test_module_entry_point_runs_in_a_fresh_process() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pyhpo.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == f"pyhpo {pyhpo.__version__}"
