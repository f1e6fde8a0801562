"""Which journal engine runs, how to choose it, and that C and Python engines share one journal safely."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from typing import TYPE_CHECKING

import pytest

import pyhpo
from pyhpo.storages import JournalStorage
from pyhpo.storages.journal import JournalFileBackend, _engine, engine_name
from pyhpo.storages.journal._engine import ENGINE_ENV, Engine

if TYPE_CHECKING:
    import pathlib

needs_c = pytest.mark.skipif(_engine.lib is None, reason="the C journal engine is not built")

# Run first in a child process: makes the compiled module unimportable, as on an install without a compiler.
WITHOUT_C = "import sys; sys.modules['pyhpo._cjournal'] = None\n"


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != ENGINE_ENV}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_engine_follows_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setenv(ENGINE_ENV, "python")
    assert engine_name() == "python"
    with Engine(tmp_path / "a.log") as engine:
        assert engine.engine == "python"
        assert "engine='python'" in repr(engine)
    monkeypatch.setenv(ENGINE_ENV, "bogus")
    with pytest.raises(ValueError, match="PYHPO_JOURNAL_ENGINE must be 'c' or 'python'"):
        engine_name()
    monkeypatch.delenv(ENGINE_ENV)
    assert engine_name() == ("c" if _engine.lib is not None else "python")
    with pytest.raises(ValueError, match="engine must be"):
        Engine(tmp_path / "b.log", engine="rust")


def test_without_the_extension_journals_use_the_portable_engine(tmp_path: pathlib.Path) -> None:
    done = run(
        WITHOUT_C
        + f"""
import pyhpo
from pyhpo.storages import JournalStorage
from pyhpo.storages.journal import JournalFileBackend, engine_name
backend = JournalFileBackend({str(tmp_path / "j.log")!r})
study = pyhpo.create_study(storage=JournalStorage(backend))
study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
print(engine_name(), backend._engine.engine, len(study.trials))
"""
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["python", "python", "3"]


def test_forcing_c_without_the_extension_fails_clearly() -> None:
    done = run(
        WITHOUT_C + "from pyhpo.storages.journal import engine_name\nengine_name()\n",
        PYHPO_JOURNAL_ENGINE="c",
    )
    assert done.returncode != 0
    assert "PYHPO_JOURNAL_ENGINE=c, but pyhpo's C journal engine is not built" in done.stderr


@needs_c
def test_c_and_python_engines_appending_to_one_file_never_interleave(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "mixed.log"
    engines = [Engine(path, engine="c"), Engine(path, engine="python")]

    def work(index: int) -> None:
        for i in range(300):
            body = f'{{"op_code":4,"e":{index},"i":{i},"pad":"{"x" * 300}"}}\n'.encode()
            engines[index].append(body * 3, sync=False)

    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for reader in engines:
        lines = reader.read(0).splitlines()
        assert len(lines) == 2 * 300 * 3
        # Batches are never interleaved: each triple of identical lines stays together.
        assert all(lines[k] == lines[k + 1] == lines[k + 2] for k in range(0, len(lines), 3))
    assert [engine.lock_mode for engine in engines] == ["ofd", "ofd"] or sys.platform != "linux"
    for engine in engines:
        engine.close()


@needs_c
def test_a_journal_written_by_one_engine_is_read_by_the_other(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    path = str(tmp_path / "j.log")
    monkeypatch.setenv(ENGINE_ENV, "c")
    study = pyhpo.create_study(storage=JournalStorage(JournalFileBackend(path)), study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    written = [t.params for t in study.trials]
    monkeypatch.setenv(ENGINE_ENV, "python")
    backend = JournalFileBackend(path)
    again = pyhpo.load_study(study_name="s", storage=JournalStorage(backend))
    assert backend._engine.engine == "python"
    again.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert [t.params for t in again.trials[:5]] == written
    assert len(again.trials) == 7


def test_storages_work_without_unix_only_modules(tmp_path: pathlib.Path) -> None:
    """What Windows lacks, hidden: fcntl, fork and its hooks, pread, O_CLOEXEC, O_DIRECTORY, fdatasync, the C engine.

    SQLite, in-memory and journal studies (with a lock file, as portalocker needs fcntl on POSIX) still work,
    and the portable engine reads through its seek-and-read path.
    """
    done = run(
        """
import os, sys
sys.modules["fcntl"] = None
sys.modules["pyhpo._cjournal"] = None
for name in ("fork", "register_at_fork", "pread", "O_CLOEXEC", "O_DIRECTORY", "fdatasync"):
    if hasattr(os, name):
        delattr(os, name)
import pyhpo
from pyhpo.storages import InMemoryStorage, JournalStorage, RDBStorage
from pyhpo.storages.journal import JournalFileBackend, JournalFileOpenLock
from pyhpo.storages.journal import _engine_py
assert not _engine_py._HAS_PREAD
folder = sys.argv[1]
journal = os.path.join(folder, "j.log")
storages = [
    InMemoryStorage(),
    RDBStorage("sqlite:///" + os.path.join(folder, "db.sqlite3")),
    JournalStorage(JournalFileBackend(journal, lock_obj=JournalFileOpenLock(journal), sync="always")),
]
for storage in storages:
    study = pyhpo.create_study(storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert len(study.trials) == 3, storage
reloaded = pyhpo.load_study(study_name=study.study_name, storage=JournalStorage(JournalFileBackend(journal)))
print(len(reloaded.trials), storages[1].engine.dialect.name)
""".replace("sys.argv[1]", repr(str(tmp_path)))
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3", "sqlite"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only: flock")
def test_portable_engine_without_ofd_locks_uses_portalocker_flock_which_excludes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    """What the portable engine does on macOS and the BSDs (and what journal.c does there): flock."""
    import fcntl

    from pyhpo.storages.journal import _engine_py

    monkeypatch.setattr(_engine_py, "_OFD_SETLKW", None)
    path = tmp_path / "j.log"
    record = b'{"op_code":4,"w":1}\n'
    with Engine(path, engine="python") as engine:
        fd = os.open(path, os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX)  # a C engine writer on macOS holds the lock
        done = threading.Event()
        worker = threading.Thread(target=lambda: (engine.append(record, sync=True), done.set()))
        worker.start()
        try:
            assert not done.wait(0.3), "flock must exclude"
            assert path.read_bytes() == b""
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        assert done.wait(5)
        worker.join()
        assert engine.lock_mode == "flock"
        assert engine.read(0) == record
