"""The ``pyhpo`` command against Optuna's ``optuna`` command: same arguments, outputs, exit statuses and errors.

Each comparison runs both commands in fresh processes on storages of the same kind (SQLite, journal file) and
compares what they print, with datetimes and durations masked. The interop tests share one storage: what one
command writes the other reads and continues (ask with pyhpo, tell with Optuna, and the other way round).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import pyhpo
from pyhpo.cli import main

_OPTUNA = shutil.which("optuna", path=str(Path(sys.executable).parent)) or shutil.which("optuna")
pytestmark = [
    pytest.mark.skipif(_OPTUNA is None, reason="needs Optuna's command, `optuna`"),
    pytest.mark.interop("the optuna command line (arguments, output formats, exit statuses)"),
]

_SPACE = json.dumps(
    {
        "x": {
            "name": "FloatDistribution",
            "attributes": {"low": -5.0, "high": 5.0, "log": False, "step": None},
        },
        "n": {"name": "IntDistribution", "attributes": {"low": 1, "high": 8, "log": False, "step": 1}},
        "c": {"name": "CategoricalDistribution", "attributes": {"choices": ["a", "b", None]}},
    }
)
_DATETIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_DURATION = re.compile(r"\b\d+:\d\d:\d\d(\.\d+)?\b")


class Cli:
    """One tool (``pyhpo`` or ``optuna``) on one storage."""

    def __init__(self, tool: str, storage: list[str], cwd: Path) -> None:
        self.tool, self.storage, self.cwd = tool, storage, cwd

    def __call__(
        self, *args: str, storage: bool = True, env: dict[str, str] | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pyhpo.cli"] if self.tool == "pyhpo" else [str(_OPTUNA)]
        full_env = {k: v for k, v in os.environ.items() if not k.endswith("_STORAGE")}
        full_env.update(env or {})
        done = subprocess.run(
            [*command, *args, *(self.storage if storage else [])],
            capture_output=True,
            text=True,
            cwd=self.cwd,
            env=full_env,
            timeout=120,
            check=False,
        )
        if ok:
            assert done.returncode == 0, f"{self.tool} {args}: {done.stderr}"
        return done

    def json(self, *args: str) -> Any:
        return _masked(json.loads(self(*args, "-f", "json").stdout))


def _masked(data: Any) -> Any:
    """Datetimes and durations differ from run to run: keep only whether they are set."""
    if isinstance(data, list):
        return [_masked(d) for d in data]
    if isinstance(data, dict):
        return {
            k: (
                "<set>"
                if k in ("datetime_start", "datetime_complete", "duration") and v is not None
                else _masked(v)
            )
            for k, v in data.items()
        }
    return data


def _masked_text(text: str) -> str:
    # Masking changes the width of a column, so the table's padding is compared as "some spaces or dashes".
    text = _DURATION.sub("<duration>", _DATETIME.sub("<datetime>", text))
    return re.sub(r"[ -]+", " ", text)


def _storage(kind: str, path: Path) -> list[str]:
    if kind == "sqlite":
        return ["--storage", f"sqlite:///{path / 'cli.db'}"]
    return ["--storage", str(path / "journal.log"), "--storage-class", "JournalFileBackend"]


def _pair(kind: str, tmp_path: Path) -> tuple[Cli, Cli]:
    (tmp_path / "pyhpo").mkdir()
    (tmp_path / "optuna").mkdir()
    return (
        Cli("pyhpo", _storage(kind, tmp_path / "pyhpo"), tmp_path / "pyhpo"),
        Cli("optuna", _storage(kind, tmp_path / "optuna"), tmp_path / "optuna"),
    )


def _error(stderr: str) -> str:
    """The error, without log prefix or traceback: ``ExceptionName: message`` (first line of the message)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    logged = [line for line in lines if line.startswith("[E ")]
    if logged:
        return logged[-1].split("] ", 1)[1]
    # Optuna's traceback: the exception is the first line after the last indented (code) line.
    last_code = max(i for i, line in enumerate(lines) if line.startswith("  "))
    name, message = lines[last_code + 1].split(": ", 1)
    return f"{name.rsplit('.', 1)[-1]}: {message}"


def _fill(cli: Cli) -> None:
    """The tutorial's loop: create a study, ask (TPE, a fixed seed, a search space), tell, in every state."""
    assert cli("create-study", "--study-name", "single", "--direction", "minimize").stdout == "single\n"
    for number, tell in enumerate([["--values", "0.25"], ["--state", "pruned"], ["--state", "fail"], None]):
        asked = json.loads(
            cli(
                "ask",
                "--study-name",
                "single",
                "--sampler",
                "TPESampler",
                "--sampler-kwargs",
                '{"seed": 7}',
                "--search-space",
                _SPACE,
            ).stdout
        )
        assert asked["number"] == number
        if tell is not None:
            cli("tell", "--study-name", "single", "--trial-number", str(number), *tell)
    cli("study", "set-user-attr", "--study-name", "single", "-k", "owner", "--value", "me")
    cli("create-study", "--study-name", "multi", "--directions", "minimize", "maximize")
    for values in (["1", "2"], ["2", "1"]):
        asked = cli(
            "ask",
            "--study-name",
            "multi",
            "--sampler",
            "RandomSampler",
            "--sampler-kwargs",
            '{"seed": 5}',
            "--search-space",
            _SPACE,
        )
        number = json.loads(asked.stdout)["number"]
        cli("tell", "--study-name", "multi", "--trial-number", str(number), "--values", *values)
    cli("create-study", "--study-name", "empty")


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_the_ask_and_tell_loop_prints_what_optuna_prints(kind: str, tmp_path: Path) -> None:
    ours, theirs = _pair(kind, tmp_path)
    with ThreadPoolExecutor(2) as pool:  # two processes at a time: the tools run side by side
        list(pool.map(_fill, (ours, theirs)))
    for command in (
        ["studies"],
        ["studies", "--flatten"],
        ["study-names"],
        ["trials", "--study-name", "single"],
        ["trials", "--study-name", "multi", "--flatten"],
        ["best-trial", "--study-name", "single"],
        ["best-trials", "--study-name", "multi"],
    ):
        assert ours.json(*command) == theirs.json(*command), command
    # The other formats, on a command whose cells are of every kind (numbers, None, strings, dicts).
    for fmt in ("table", "value", "yaml"):
        command = ["trials", "--study-name", "single", "-f", fmt]
        assert _masked_text(ours(*command).stdout) == _masked_text(theirs(*command).stdout), fmt
    for command in (
        ["studies", "-f", "table"],
        ["studies", "-f", "yaml", "--flatten"],
        ["study-names"],
        ["best-trials", "--study-name", "multi", "-f", "table", "--flatten"],
    ):
        assert _masked_text(ours(*command).stdout) == _masked_text(theirs(*command).stdout), command


def test_ask_prints_the_trial_as_json_and_flattens_params(tmp_path: Path) -> None:
    ours, theirs = _pair("sqlite", tmp_path)
    for cli in (ours, theirs):
        cli("create-study", "--study-name", "s")
    ask = ["ask", "--study-name", "s", "--sampler", "RandomSampler", "--sampler-kwargs", '{"seed": 3}']
    for extra in (
        ["--search-space", _SPACE],
        ["--search-space", _SPACE, "--flatten", "-f", "table"],
        ["-f", "yaml"],
        ["--flatten"],
        ["--search-space", _SPACE, "-f", "value"],
    ):
        assert ours(*ask, *extra).stdout == theirs(*ask, *extra).stdout, extra
    first = json.loads(ours(*ask, "--search-space", _SPACE).stdout)
    assert set(first) == {"number", "params"} and set(first["params"]) == {"x", "n", "c"}


@pytest.mark.parametrize("kind", ["sqlite", "journal"])
def test_a_storage_written_by_one_command_is_continued_by_the_other(kind: str, tmp_path: Path) -> None:
    ours = Cli("pyhpo", _storage(kind, tmp_path), tmp_path)
    theirs = Cli("optuna", ours.storage, tmp_path)
    theirs("create-study", "--study-name", "shared", "--direction", "maximize")
    asked = json.loads(ours("ask", "--study-name", "shared", "--search-space", _SPACE).stdout)
    theirs("tell", "--study-name", "shared", "--trial-number", str(asked["number"]), "--values", "4")
    asked = json.loads(theirs("ask", "--study-name", "shared", "--search-space", _SPACE).stdout)
    ours("tell", "--study-name", "shared", "--trial-number", str(asked["number"]), "--values", "9")
    ours(
        "tell",
        "--study-name",
        "shared",
        "--trial-number",
        str(asked["number"]),
        "--values",
        "1",
        "--skip-if-finished",
    )
    for command in (
        ["trials", "--study-name", "shared"],
        ["best-trial", "--study-name", "shared"],
        ["studies"],
    ):
        assert ours.json(*command) == theirs.json(*command), command
    assert ours.json("best-trial", "--study-name", "shared")["value"] == 9.0
    ours("delete-study", "--study-name", "shared")
    assert theirs("study-names").stdout == "\n"


def test_global_options_may_come_before_the_command(tmp_path: Path) -> None:
    ours, theirs = _pair("sqlite", tmp_path)
    for cli in (ours, theirs):
        cli("create-study", "--study-name", "s")
    ours_out = ours("-q", *ours.storage, "study-names", "-f", "json", storage=False)
    theirs_out = theirs("-q", *theirs.storage, "study-names", "-f", "json", storage=False)
    assert ours_out.stdout == theirs_out.stdout == '[{"name": "s"}]\n'


_STUDY = ["--study-name", "s"]


@pytest.mark.parametrize(
    "args",
    [
        ["create-study", *_STUDY],  # the name is taken
        ["delete-study", "--study-name", "nosuch"],
        ["tell", *_STUDY, "--trial-number", "0", "--values", "1"],  # already finished
        ["tell", *_STUDY, "--trial-number", "7", "--values", "1"],  # no such trial
        ["ask", "--study-name", "nosuch"],  # no implicit creation
        ["ask", *_STUDY, "--sampler-kwargs", "{}"],  # kwargs without a sampler
        ["best-trial", "--study-name", "empty"],
        ["trials", "--study-name", "nosuch"],
        ["create-study", "--direction", "minimize", "--directions", "minimize"],
    ],
)
def test_errors_while_working_exit_1_with_optuna_s_exception_and_message(
    args: list[str], tmp_path: Path
) -> None:
    ours, theirs = _pair("sqlite", tmp_path)
    for cli in (ours, theirs):  # the same starting state for both, written through pyhpo's API
        study = pyhpo.create_study(storage=cli.storage[1], study_name="s")
        pyhpo.create_study(storage=cli.storage[1], study_name="empty")
        study.tell(study.ask(), 0.5)
    with ThreadPoolExecutor(2) as pool:
        mine, optuna = pool.map(lambda cli: cli(*args, ok=False), (ours, theirs))
    assert (mine.returncode, mine.stdout) == (optuna.returncode, optuna.stdout) == (1, "")
    assert _error(mine.stderr).splitlines()[0] == _error(optuna.stderr).replace("optuna", "pyhpo")
    assert "Traceback" not in mine.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["studies"],  # no --storage and no environment variable
        ["studies", "--storage", "nosuch.log"],  # neither a URL nor a file
        ["storage", "upgrade", "--storage", "nosuch.log"],
    ],
)
def test_usage_errors_found_after_parsing_exit_1(args: list[str], tmp_path: Path) -> None:
    ours, theirs = Cli("pyhpo", [], tmp_path), Cli("optuna", [], tmp_path)
    mine, optuna = ours(*args, ok=False), theirs(*args, ok=False)
    assert mine.returncode == optuna.returncode == 1
    # Our message may add what to do; it starts with Optuna's.
    assert _error(mine.stderr).startswith(_error(optuna.stderr))
    assert mine.stdout.replace("pyhpo", "optuna").split("\n")[0] == optuna.stdout.split("\n")[0]
    assert not (tmp_path / "nosuch.log").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["nosuch"],
        ["create-study", "--direction", "sideways"],
        ["studies", "--storage-class", "RedisStorage"],
        ["studies", "-f", "csv"],
        ["tell", "--state", "running"],
        ["tell", "--trial-number", "one"],
        ["study", "set-user-attr", "--study-name", "s"],
    ],
)
def test_argument_errors_exit_2_with_argparse_s_message(args: list[str], tmp_path: Path) -> None:
    ours, theirs = Cli("pyhpo", [], tmp_path), Cli("optuna", [], tmp_path)
    mine, optuna = ours(*args, ok=False), theirs(*args, ok=False)
    assert mine.returncode == optuna.returncode == 2
    last = mine.stderr.strip().splitlines()[-1]
    # Our choices of commands add grpc-proxy and bench; the rest of the line is Optuna's.
    last = (
        last.replace("pyhpo", "optuna")
        .replace(", 'grpc-proxy', 'bench'", "")
        .replace(",grpc-proxy,bench}", "}")
    )
    assert last == (optuna.stderr.strip().splitlines()[-1])


def test_storage_upgrade_logs_what_optuna_logs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'up.db'}"
    pyhpo.create_study(storage=url, study_name="s")
    mine = Cli("pyhpo", ["--storage", url], tmp_path)("storage", "upgrade")
    optuna = Cli("optuna", ["--storage", url], tmp_path)("storage", "upgrade")
    assert _error_free(mine.stderr) == _error_free(optuna.stderr) == ["This storage is up-to-date."]


def _error_free(stderr: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in stderr.splitlines() if line.startswith("[")]


# In-process checks of what only pyhpo has, or what needs no comparison.


def test_the_storage_comes_from_pyhpo_storage_before_optuna_storage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = f"sqlite:///{tmp_path / 'first.db'}", f"sqlite:///{tmp_path / 'second.db'}"
    pyhpo.create_study(storage=first, study_name="in-first")
    pyhpo.create_study(storage=second, study_name="in-second")
    capsys.readouterr()
    monkeypatch.setenv("OPTUNA_STORAGE", second)
    assert main(["study-names"]) == 0
    assert capsys.readouterr().out == "in-second\n"
    monkeypatch.setenv("PYHPO_STORAGE", first)
    assert main(["study-names"]) == 0
    assert capsys.readouterr().out == "in-first\n"
    assert main(["study-names", "--storage", second]) == 0
    assert capsys.readouterr().out == "in-second\n"


def test_yaml_without_pyyaml_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'y.db'}"
    pyhpo.create_study(storage=url, study_name="s")
    capsys.readouterr()
    monkeypatch.setitem(sys.modules, "yaml", None)  # import yaml now raises ImportError
    assert main(["studies", "--storage", url, "-f", "yaml"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "needs PyYAML" in captured.err and "pip install pyyaml" in captured.err


def test_log_file_gets_the_lines_and_quiet_keeps_them_off_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    log = tmp_path / "cli.log"
    before = pyhpo.logging.get_verbosity()
    assert main(["create-study", "--storage", url, "--study-name", "s", "-q", "--log-file", str(log)]) == 0
    assert (
        main(
            [
                "study",
                "set-user-attr",
                "--storage",
                url,
                "--study-name",
                "s",
                "-k",
                "a",
                "--value",
                "1",
                "-q",
                "--log-file",
                str(log),
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out == "s\n" and captured.err == ""
    lines = log.read_text().splitlines()
    assert lines[0].startswith("[I ") and lines[0].endswith("A new study created in RDB with name: s")
    assert lines[-1].endswith("Attribute successfully written.")
    assert pyhpo.logging.get_verbosity() == before  # the command's set-up is undone
    assert (
        main(["study", "set-user-attr", "--storage", url, "--study-name", "s", "-k", "a", "--value", "2"])
        == 0
    )
    assert "Attribute successfully written." in capsys.readouterr().err
    assert pyhpo.load_study(study_name="s", storage=url).user_attrs == {"a": "2"}


def test_debug_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    assert main(["delete-study", "--storage", url, "--study-name", "nosuch"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert main(["delete-study", "--storage", url, "--study-name", "nosuch", "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "KeyError: 'Record does not exist.'" in err


def test_no_arguments_prints_the_help_and_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: pyhpo")
    for command in (
        "create-study",
        "study set-user-attr",
        "best-trials",
        "storage upgrade",
        "ask",
        "tell",
        "grpc-proxy",
        "bench",
    ):
        assert command in out
    assert main(["help"]) == 0
    assert capsys.readouterr().out == out


def test_only_options_is_not_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-v"]) == 1
    captured = capsys.readouterr()
    assert "'-v' is not a pyhpo command. see 'pyhpo --help'" in captured.err
    assert captured.out.startswith("usage: pyhpo")


def test_an_unknown_sampler_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    pyhpo.create_study(storage=url, study_name="s")
    capsys.readouterr()
    assert main(["ask", "--storage", url, "--study-name", "s", "--sampler", "NoSuchSampler"]) == 1
    err = capsys.readouterr().err
    assert "Unknown sampler 'NoSuchSampler'" in err and "TPESampler" in err
    assert pyhpo.load_study(study_name="s", storage=url).trials == []


def test_a_new_journal_file_needs_the_storage_class(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.log"
    assert main(["create-study", "--storage", str(path), "--study-name", "s"]) == 1
    assert not path.exists()
    assert "--storage-class JournalFileBackend" in capsys.readouterr().err
    assert (
        main(
            [
                "create-study",
                "--storage",
                str(path),
                "--storage-class",
                "JournalFileBackend",
                "--study-name",
                "s",
            ]
        )
        == 0
    )
    assert main(["study-names", "--storage", str(path)]) == 0  # an existing file is guessed
    assert capsys.readouterr().out == "s\ns\n"


def test_storage_upgrade_migrates_an_old_database_that_optuna_then_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asset = Path(__file__).parent / "storages" / "rdb" / "assets" / "optuna-2.10.1.db"
    shutil.copy(asset, tmp_path / "old.db")
    url = f"sqlite:///{tmp_path / 'old.db'}"
    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert _error_free(capsys.readouterr().err) == [
        "Upgrading the storage schema to the latest version.",
        "Completed to upgrade the storage.",
    ]
    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert _error_free(capsys.readouterr().err) == ["This storage is up-to-date."]
    theirs = Cli("optuna", ["--storage", url], tmp_path)
    assert theirs.json("studies") == Cli("pyhpo", ["--storage", url], tmp_path).json("studies")
    assert theirs.json("studies")  # the old studies are there


def test_the_deprecated_journal_class_name_still_works_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "old-name.log")
    with pytest.warns(FutureWarning, match="JournalFileStorage has been deprecated"):
        assert (
            main(
                [
                    "create-study",
                    "--storage",
                    path,
                    "--storage-class",
                    "JournalFileStorage",
                    "--study-name",
                    "s",
                ]
            )
            == 0
        )
    assert capsys.readouterr().out == "s\n"
    assert pyhpo.get_all_study_names(
        pyhpo.storages.JournalStorage(pyhpo.storages.journal.JournalFileBackend(path))
    ) == ["s"]


def test_metric_names_user_attrs_and_intermediate_states_print_as_optuna_prints_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'named.db'}"
    study = pyhpo.create_study(storage=url, study_name="named", directions=["minimize", "maximize"])
    study.set_metric_names(["loss", "accuracy"])
    for i in range(4):
        trial = study.ask()
        trial.suggest_int("layers", 1, 4)
        trial.set_user_attr("note", {"i": i, "tags": ["a", "b"]})
        if i == 3:
            continue  # left RUNNING: no values, no datetime_complete
        study.tell(trial, [float(i), float(i % 2)])
    ours, theirs = Cli("pyhpo", ["--storage", url], tmp_path), Cli("optuna", ["--storage", url], tmp_path)
    for command in (
        ["trials", "--study-name", "named"],
        ["trials", "--study-name", "named", "--flatten"],
        ["best-trials", "--study-name", "named"],
    ):
        assert ours.json(*command) == theirs.json(*command), command
    assert ours.json("trials", "--study-name", "named")[0]["values"] == {"loss": 0.0, "accuracy": 0.0}


def test_storage_upgrade_of_a_newer_schema_warns_and_changes_nothing(tmp_path: Path) -> None:
    import sqlalchemy

    url = f"sqlite:///{tmp_path / 'future.db'}"
    pyhpo.create_study(storage=url, study_name="s")
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("UPDATE alembic_version SET version_num = 'v99.0.0.a'"))
    engine.dispose()
    with pytest.warns(UserWarning, match="seems outdated against the storage version"):
        assert main(["storage", "upgrade", "--storage", url]) == 0
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        assert (
            connection.execute(sqlalchemy.text("SELECT version_num FROM alembic_version")).scalar()
            == "v99.0.0.a"
        )
    engine.dispose()
