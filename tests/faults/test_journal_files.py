"""Fault injection on journal files (issue 10): foreign and damaged files, a full disk, read-only journals.

Each test asserts what the user sees and that nothing already written changed (bytes compared). A writer
SIGKILLed in the middle of an append is covered by ``tests/storages/journal/test_crash.py``
(``test_writer_killed_while_holding_the_lock_...`` and the repeated kill rounds there), not repeated here.

The full-disk and read-only-mount tests run a child process in a mount namespace of its own
(``unshare -m``: a small tmpfs, a read-only bind mount). Where that is not allowed they skip, and the disk-full
case still runs with ``RLIMIT_FSIZE`` in a child process.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import pathlib
import subprocess
import sys
import tempfile
import textwrap
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import pyhpo
from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages import JournalStorage
from pyhpo.storages.journal import JournalFileBackend
from tests.storages.journal.engines import ENGINES, use_engine

if TYPE_CHECKING:
    from collections.abc import Iterator

# Every test runs once per journal engine.
pytestmark = pytest.mark.usefixtures("journal_engine")


@pytest.fixture(params=ENGINES)
def journal_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    name: str = request.param
    use_engine(monkeypatch, name)
    return name


ENGINE_LOGGER = "pyhpo.storages.journal._engine"


@contextlib.contextmanager
def engine_warnings() -> Iterator[list[str]]:
    """Collect the journal engine's warnings (pyhpo's loggers do not propagate to pytest's)."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger(ENGINE_LOGGER)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def state_of(path: pathlib.Path) -> tuple[bytes, int]:
    """What must not change: the bytes and the modification time."""
    return path.read_bytes(), path.stat().st_mtime_ns


def create_study_in(path: pathlib.Path, name: str = "pyhpo") -> pyhpo.Study:
    return pyhpo.create_study(storage=JournalStorage(JournalFileBackend(str(path))), study_name=name)


def optuna_studies(path: pathlib.Path) -> dict[str, int]:
    """Study name -> number of trials, as the real optuna package reads the journal."""
    optuna = pytest.importorskip("optuna")
    journal = pytest.importorskip("optuna.storages.journal")
    storage = optuna.storages.JournalStorage(journal.JournalFileBackend(str(path)))
    return {s.study_name: s.n_trials for s in optuna.get_all_study_summaries(storage)}


# --- foreign files: refused, never cut -------------------------------------------------------------------

FOREIGN = {
    "one-line JSON config": b'{"lr": 0.1}',
    "pretty-printed JSON config": b'{\n  "lr": 0.1,\n  "epochs": 10\n}',
    "binary starting with NUL": b"\0\x01\x02\x03\x7fELF\x02\x01\xff" * 50,
    "only NUL bytes": b"\0" * 4096,
    "only spaces": b" " * 10,
    "text without newline": b"learning rate 0.1",
    "PNG header": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
    "lines that are not records, then a record-like tail": b'name,value\nx,1\n{"op_code":0',
    "a blank line, then a record-like tail": b'\n{"op_code":0',
    "a record, then text": b'{"op_code":0,"worker_id":"w","study_name":"s","directions":[1]}\nnotes: ok',
    "a record, then NULs inside text": b'{"op_code":0,"worker_id":"w","study_name":"s","directions":[1]}\n{"op\0x',
}


@pytest.mark.parametrize("content", FOREIGN.values(), ids=FOREIGN.keys())
def test_foreign_file_is_refused_by_a_new_study_naming_the_path_and_left_untouched(
    tmp_path: pathlib.Path, content: bytes
) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content)
    before = state_of(path)
    with engine_warnings() as warned, pytest.raises(JournalCorruptionError) as info:
        create_study_in(path)
    assert info.value.path == str(path) and str(path) in str(info.value)
    assert state_of(path) == before
    assert not [w for w in warned if "Cut " in w]


@pytest.mark.parametrize("content", FOREIGN.values(), ids=FOREIGN.keys())
def test_foreign_file_is_refused_by_optunas_backend_api_and_left_untouched(
    tmp_path: pathlib.Path, content: bytes
) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content)
    before = state_of(path)
    backend = JournalFileBackend(str(path))
    with pytest.raises(
        JournalCorruptionError, match="refusing to cut them: nothing was cut or written"
    ) as info:
        backend.append_logs([{"op_code": 0, "worker_id": "w", "study_name": "s", "directions": [1]}])
    assert info.value.path == str(path)
    assert state_of(path) == before


def test_json_config_error_says_what_was_found_and_that_it_is_not_a_journal(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b'{"lr": 0.1}')
    with pytest.raises(JournalCorruptionError) as info:
        create_study_in(path)
    assert (info.value.offset, info.value.line_number) == (0, 1)
    assert "11 bytes b'{\"lr\": 0.1}'" in info.value.reason
    assert "not a journal file (wrong path?)" in info.value.reason
    assert path.read_bytes() == b'{"lr": 0.1}'


def test_file_whose_complete_lines_are_not_records_is_refused_at_load(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"name,value\nx,1\n")
    before = state_of(path)
    with pytest.raises(JournalCorruptionError) as info:
        create_study_in(path)
    assert (info.value.path, info.value.offset, info.value.line_number) == (str(path), 0, 1)
    assert state_of(path) == before


def test_empty_file_becomes_a_journal_that_optuna_reads(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "journal.log"
    path.touch()
    with engine_warnings() as warned:
        study = create_study_in(path)
        study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=2)
    assert warned == []
    assert optuna_studies(path) == {"pyhpo": 2}


RECORD = b'{"op_code":0,"worker_id":"w","study_name":"s","directions":[1]}\n'


@settings(max_examples=300, deadline=None)
@given(
    content=st.one_of(
        st.binary(max_size=200),
        st.builds(lambda n, tail: RECORD * n + tail, st.integers(0, 2), st.binary(max_size=40)),
        st.builds(
            lambda n, keep, nuls: RECORD * n + RECORD[:keep] + b"\0" * nuls,
            st.integers(0, 2),
            st.integers(0, len(RECORD) - 1),
            st.integers(0, 9),
        ),
    )
)
@example(b'{"op_code":0}\n\n{"op')
@example(b'{"op_code":0}\r\n{"op')
@example(b'{"op_code":0}\n\0\0')
@example(b"\0")
@example(b'{"op_code": 0, "worker_id"')
def test_any_file_is_either_refused_untouched_or_only_its_torn_record_is_cut(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp, "file")
        path.write_bytes(content)
        keep = content.rfind(b"\n") + 1
        tail = content[keep:]
        torn = tail.rstrip(b"\0")
        plausible = (
            (torn != b"" or keep > 0)
            and torn[: len(b'{"op_code":')] == b'{"op_code":'[: len(torn)]
            and all(byte >= 0x20 for byte in torn)
            and (keep == 0 or content[: keep - 1].removesuffix(b"\r").endswith(b"}"))
        )
        backend = JournalFileBackend(str(path))
        try:
            backend.append_logs([json.loads(RECORD)])
        except JournalCorruptionError as error:
            assert tail and not plausible, content
            assert error.path == str(path) and error.offset == keep
            assert path.read_bytes() == content
        else:
            assert not tail or plausible, content
            assert path.read_bytes() == content[:keep] + RECORD


# --- torn tails of real Optuna journals: repaired, logged, everything before kept --------------------------


@pytest.fixture(scope="module")
def optuna_journal(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """The lines (each with its newline) of a journal written by the real optuna package."""
    optuna = pytest.importorskip("optuna")
    journal = pytest.importorskip("optuna.storages.journal")
    path = tmp_path_factory.mktemp("optuna") / "journal.log"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.JournalStorage(journal.JournalFileBackend(str(path)))
    study = optuna.create_study(storage=storage, study_name="optuna")
    study.optimize(lambda trial: trial.suggest_float("x", -1, 1) ** 2, n_trials=2)
    return path.read_bytes().splitlines(keepends=True)


def test_optuna_journal_cut_at_every_byte_of_its_first_record_is_repaired(
    tmp_path: pathlib.Path, optuna_journal: list[bytes]
) -> None:
    first = optuna_journal[0]
    assert first.startswith(b'{"op_code":0,')
    for keep in range(1, len(first)):  # up to the whole record without its newline
        path = tmp_path / f"cut-{keep}.log"
        path.write_bytes(first[:keep])
        with engine_warnings() as warned:
            create_study_in(path)
        cut = f"Cut {keep} bytes of an incomplete last line at byte offset 0 of journal {path}"
        assert warned == [cut + " (a writer died mid-append)."], keep
        assert b"optuna" not in path.read_bytes() and path.read_bytes().endswith(b"\n")
    assert optuna_studies(path) == {"pyhpo": 0}


@pytest.mark.parametrize("nuls", [0, 512], ids=["torn", "torn-then-zero-filled"])
def test_optuna_journal_cut_at_every_byte_of_a_later_record_keeps_what_came_before(
    tmp_path: pathlib.Path, optuna_journal: list[bytes], nuls: int
) -> None:
    index = next(i for i, line in enumerate(optuna_journal) if line.startswith(b'{"op_code":5,'))
    before, torn = b"".join(optuna_journal[:index]), optuna_journal[index]
    step = 1 if nuls == 0 else 7
    for keep in range(1, len(torn), step):
        path = tmp_path / f"cut-{keep}.log"
        path.write_bytes(before + torn[:keep] + b"\0" * nuls)
        storage = JournalStorage(JournalFileBackend(str(path)))
        study = pyhpo.load_study(study_name="optuna", storage=storage)
        assert [t.params for t in study.trials] == [{}]  # the torn parameter record is not there yet
        with engine_warnings() as warned:
            study.set_user_attr("repaired", keep)
        cut = f"Cut {keep + nuls} bytes of an incomplete last line at byte offset {len(before)} of journal {path}"
        assert warned == [cut + " (a writer died mid-append)."], keep
        after = path.read_bytes()
        assert after.startswith(before) and after.count(b"\n") == index + 1, keep
    assert optuna_studies(path) == {"optuna": 1}


# --- a full disk -----------------------------------------------------------------------------------------

# Fills the journal until an append fails, then checks from inside the child (the tmpfs dies with it).
DISK_FULL_CHILD = textwrap.dedent(
    """
    import json, os, resource, signal, sys
    import pyhpo
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    directory, mode, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    path = os.path.join(directory, "journal.log")
    filler = os.path.join(directory, "filler")
    if mode == "fsize":
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    else:
        with open(filler, "wb") as f:  # leave about `limit` bytes free on the tmpfs
            f.write(b"f" * (int(sys.argv[4]) - limit))

    failures = []

    class Watched(JournalFileBackend):
        def append_chunk(self, data, *, durable=True):
            before = open(path, "rb").read()
            try:
                super().append_chunk(data, durable=durable)
            except OSError as err:
                after = open(path, "rb").read()
                failures.append(dict(errno=err.errno, filename=err.filename, message=str(err),
                                     unchanged=after == before, size=len(after)))
                raise

    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    study = pyhpo.create_study(storage=JournalStorage(Watched(path)), study_name="full")
    told = 0
    error = None
    while error is None:
        try:
            trial = study.ask()
            trial.suggest_float("x", 0, 1)
            trial.set_user_attr("pad", "p" * 200)
            study.tell(trial, 0.5)
            told += 1
        except OSError as err:
            error = type(err).__name__
    content = open(path, "rb").read()
    reread = pyhpo.load_study(study_name="full", storage=JournalStorage(JournalFileBackend(path)))
    complete = sum(t.state == pyhpo.trial.TrialState.COMPLETE for t in reread.trials)
    # Space again: the same study goes on, and what was there is still there.
    if mode == "fsize":
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    else:
        os.remove(filler)
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=1)
    grown = open(path, "rb").read()
    print(json.dumps(dict(error=error, failures=failures, told=told, complete=complete,
                          lines_complete=content.endswith(b"\\n"), kept=grown.startswith(content),
                          after=len(reread.trials))))
    """
)


def run_disk_full_child(command: list[str]) -> dict[str, Any]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def assert_full_disk_outcome(outcome: dict[str, Any], err: int, directory: str) -> None:
    assert outcome["told"] > 0 and outcome["error"] in ("OSError", "PermissionError")
    (failure,) = outcome["failures"]
    assert failure["errno"] == err and failure["filename"] == os.path.join(directory, "journal.log")
    assert (
        os.strerror(err) in failure["message"]
        and "the journal keeps its complete records" in failure["message"]
    )
    assert failure["unchanged"], "a failed append must leave the file as it was"
    assert outcome["lines_complete"] and outcome["kept"]
    assert outcome["complete"] == outcome["told"]


def test_disk_full_on_a_small_tmpfs_fails_clearly_and_keeps_every_record(tmp_path: pathlib.Path) -> None:
    size = 256 * 1024
    script = 'mount -t tmpfs -o size="$1" tmpfs "$2" && exec "$3" -c "$4" "$2" tmpfs 20000 "$1"'
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', str(tmp_path)],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs in a mount namespace here: {probe.stderr.decode().strip()}")
    outcome = run_disk_full_child(
        ["unshare", "-m", "sh", "-c", script, "sh", str(size), str(tmp_path), sys.executable, DISK_FULL_CHILD]
    )
    assert_full_disk_outcome(outcome, errno.ENOSPC, str(tmp_path))


def test_file_size_limit_fails_clearly_and_keeps_every_record(tmp_path: pathlib.Path) -> None:
    outcome = run_disk_full_child([sys.executable, "-c", DISK_FULL_CHILD, str(tmp_path), "fsize", "20000"])
    assert_full_disk_outcome(outcome, errno.EFBIG, str(tmp_path))


# --- read-only journals --------------------------------------------------------------------------------

READ_ONLY_CHILD = textwrap.dedent(
    """
    import json, sys
    import pyhpo
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    storage = JournalStorage(JournalFileBackend(sys.argv[1]))
    study = pyhpo.load_study(study_name="done", storage=storage)
    out = dict(trials=len(study.trials), best=study.best_value, errors=[])
    attempts = [
        lambda: study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=1),
        lambda: study.set_user_attr("k", 1),
        lambda: pyhpo.create_study(storage=storage, study_name="new"),
    ]
    for attempt in attempts:
        try:
            attempt()
            out["errors"].append(None)
        except OSError as err:
            out["errors"].append([type(err).__name__, err.errno, err.filename, str(err)])
    print(json.dumps(out))
    """
)


def finished_study(path: pathlib.Path) -> bytes:
    study = create_study_in(path, "done")
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=3)
    return path.read_bytes()


def test_journal_on_a_read_only_mount_loads_and_refuses_writes_naming_the_path(
    tmp_path: pathlib.Path,
) -> None:
    path = tmp_path / "journal.log"
    content = finished_study(path)
    mtime = path.stat().st_mtime_ns
    script = 'mount --bind -o ro "$1" "$1" && exec "$2" -c "$3" "$4"'
    done = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            script,
            "sh",
            str(tmp_path),
            sys.executable,
            READ_ONLY_CHILD,
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0 and "mount" in done.stderr and "Traceback" not in done.stderr:
        pytest.skip(f"cannot make a read-only bind mount here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["trials"] == 3 and out["best"] is not None
    assert len(out["errors"]) == 3
    for name, err, filename, message in out["errors"]:
        assert (name, err, filename) == ("OSError", errno.EROFS, str(path))
        assert "the journal is read-only" in message
    assert state_of(path) == (content, mtime)


def test_immutable_journal_loads_and_refuses_writes_with_permission_error(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "journal.log"
    content = finished_study(path)
    if os.geteuid() != 0:
        path.chmod(0o444)
        undo = ["chmod", "644", str(path)]
    elif subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode == 0:
        undo = ["chattr", "-i", str(path)]  # root writes a 0444 file; an immutable one it may not
    else:
        pytest.skip("running as root and cannot make a file immutable here")
    try:
        mtime = path.stat().st_mtime_ns
        storage = JournalStorage(JournalFileBackend(str(path)))
        study = pyhpo.load_study(study_name="done", storage=storage)
        assert len(study.trials) == 3
        with pytest.raises(PermissionError, match="the journal is read-only") as info:
            study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=1)
        assert info.value.filename == str(path)
        assert state_of(path) == (content, mtime)
    finally:
        subprocess.run(undo, check=True)
