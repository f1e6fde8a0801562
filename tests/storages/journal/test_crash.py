"""Real processes, real SIGKILL: appenders go on when a lock holder dies, and nothing complete is lost.

Build the extension in place first: ``python csrc/ffi_build.py`` (from the root of a clone).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from typing import TYPE_CHECKING

import pytest

from pyhpo.storages.journal._engine import Engine
from pyhpo.storages.journal._file import JournalFileBackend

if TYPE_CHECKING:
    import pathlib
    from collections.abc import Iterator

# Every test runs once per journal engine (tests/storages/journal/conftest.py: journal_engine).
pytestmark = pytest.mark.usefixtures("journal_engine")

APPENDER = textwrap.dedent(
    """
    import json, random, sys
    from pyhpo.storages.journal._file import JournalFileBackend
    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    backend = JournalFileBackend(path, sync="never")
    rng = random.Random(name)
    seq = 0
    print("ready", flush=True)
    while seq < count:
        batch = [{"op_code": 4, "w": name, "seq": seq + k} for k in range(min(rng.randint(1, 3), count - seq))]
        backend.append_logs(batch)
        seq += len(batch)
    print("done", flush=True)
    """
)

# Reads incrementally until it has seen `expected` lines, then dumps every byte it was ever given.
READER = textwrap.dedent(
    """
    import sys, time
    from pyhpo.storages.journal._file import JournalFileBackend
    path, out, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
    backend = JournalFileBackend(path)
    seen, cursor, deadline = [], 0, time.monotonic() + 60
    while sum(chunk.count(b"\\n") for chunk in seen) < expected and time.monotonic() < deadline:
        data, cursor = backend.read_chunk(cursor)
        if data:
            seen.append(data)
        else:
            time.sleep(0.001)
    open(out, "wb").write(b"".join(seen))
    """
)

# Appends one 4 MB batch per "go" line on stdin, so the test decides when a write() is under way.
VICTIM = textwrap.dedent(
    """
    import sys
    from pyhpo.storages.journal._engine import Engine
    path, round_ = sys.argv[1], int(sys.argv[2])
    engine = Engine(path)
    pad = "v" * 4000
    batch = "".join(
        '{"op_code":4,"w":"victim","round":%d,"seq":%d,"pad":"%s"}\\n' % (round_, i, pad) for i in range(1024)
    ).encode()
    print("ready", flush=True)
    while sys.stdin.readline():
        engine.append(batch, sync=False)
    """
)


# Takes the journal's OFD lock with fcntl() itself, writes half a record, and waits to be killed.
TORN_HOLDER = textwrap.dedent(
    """
    import fcntl, os, struct, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
    os.write(fd, b'{"op_code":4,"w":"torn"')
    print("locked", flush=True)
    time.sleep(60)
    """
)


DIGEST = textwrap.dedent(
    """
    import hashlib, json, sys
    from pyhpo.storages.journal._file import JournalFileBackend
    print(hashlib.sha256(json.dumps(list(JournalFileBackend(sys.argv[1]).read_logs(0))).encode()).hexdigest())
    """
)


def spawn(script: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def parse_lines(path: pathlib.Path) -> list[dict[str, object]]:
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n"), "the journal must end with a complete line"
    return [json.loads(line) for line in data.splitlines()]


@contextlib.contextmanager
def cut_warnings() -> Iterator[list[str]]:
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("pyhpo.storages.journal._engine")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def path(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "journal.log"


def test_appenders_go_on_at_once_when_the_lock_holder_is_killed(
    path: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    holder = spawn(TORN_HOLDER, path)
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    torn = len(b'{"op_code":4,"w":"torn"')
    writers, count = ["a", "b", "c"], 150
    reader_out = tmp_path / "reader.bin"
    reader = spawn(READER, path, reader_out, len(writers) * count + 1)
    appenders = [spawn(APPENDER, path, name, count) for name in writers]
    engine = Engine(path)
    stack = contextlib.ExitStack()
    warned = stack.enter_context(cut_warnings())
    record = b'{"op_code":4,"w":"test","seq":0}\n'
    waiter = threading.Thread(target=engine.append, args=(record,), kwargs={"sync": False})
    try:
        for appender in appenders:
            assert appender.stdout is not None and appender.stdout.readline() == "ready\n"
        waiter.start()
        time.sleep(0.3)  # everyone is (or soon will be) waiting in the kernel for the lock
        assert waiter.is_alive() and path.stat().st_size == torn, "nobody may write while the lock is held"
        holder.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        waiter.join(timeout=10)
        assert time.monotonic() - killed < 1.0, "a waiting appender must go on as soon as the holder dies"
        outputs = [appender.communicate(timeout=60) for appender in appenders]
        reader.communicate(timeout=60)
    finally:
        stack.close()
        for child in [holder, reader, *appenders]:
            child.kill()
            child.wait()
    engine.close()
    assert all(out == "done\n" for out, _ in outputs)
    records = parse_lines(path)
    assert sorted((r["w"], r["seq"]) for r in records) == [(w, s) for w in writers for s in range(count)] + [
        ("test", 0)
    ]
    cuts = warned + [line for _, err in outputs for line in err.splitlines() if "Cut " in line]
    assert len(cuts) == 1
    assert f"Cut {torn} bytes of an incomplete last line at byte offset 0 of journal {path}" in cuts[0]
    # The reader, polling all along, was given exactly the bytes that are in the file now.
    assert reader_out.read_bytes() == path.read_bytes()


def test_killing_appenders_at_random_moments_loses_no_complete_record(
    path: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    rng = random.Random(1234)
    engine = Engine(path)
    writers, count = ["a", "b"], 400
    appenders = [spawn(APPENDER, path, name, count) for name in writers]
    markers, latencies, torn_rounds = 0, [], []
    with cut_warnings() as warned:
        try:
            # At least 6 rounds; more (up to 20) until some kill has left a torn tail: a kill signalled while
            # write() copies pages stops it between two pages, but it may also land just before or after.
            round_ = -1
            while round_ < 5 or (not torn_rounds and round_ < 19):
                round_ += 1
                victim = spawn(VICTIM, path, round_)
                assert victim.stdout is not None and victim.stdout.readline() == "ready\n"
                assert victim.stdin is not None
                with open(path, "rb") as watch:
                    start = os.fstat(watch.fileno()).st_size
                    victim.stdin.write("go\n")
                    victim.stdin.flush()
                    if round_ % 2 == 0:
                        # Aim: kill as soon as the batch's write() is seen under way (the other appenders'
                        # records are far smaller than 64 KiB).
                        deadline = time.monotonic() + 10
                        while (
                            os.fstat(watch.fileno()).st_size - start < 65536 and time.monotonic() < deadline
                        ):
                            pass
                    else:
                        time.sleep(rng.uniform(0, 0.01))  # anywhere: before, inside or after its append
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                with open(path, "rb") as check:
                    if check.read()[-1:] != b"\n":
                        torn_rounds.append(round_)
                started = time.monotonic()
                engine.append(
                    json.dumps({"op_code": 4, "w": "marker", "seq": round_}).encode() + b"\n", sync=False
                )
                latencies.append(time.monotonic() - started)
                markers += 1
            outputs = [appender.communicate(timeout=60) for appender in appenders]
        finally:
            for child in appenders:
                child.kill()
                child.wait()
    assert max(latencies) < 1.0, latencies
    records = parse_lines(path)  # every line is complete JSON: all torn tails were repaired
    ours = sorted((r["w"], r["seq"]) for r in records if r["w"] != "victim")
    assert ours == sorted(
        [(w, s) for w in writers for s in range(count)] + [("marker", s) for s in range(markers)]
    )
    cut_lines = warned + [line for _, err in outputs for line in err.splitlines() if "Cut " in line]
    print(
        f"{markers} kills, {len(torn_rounds)} torn tails seen, {len(cut_lines)} cut; {path.stat().st_size} bytes; "
        f"slowest append after a kill {max(latencies) * 1000:.1f} ms"
    )
    assert torn_rounds, "no kill landed inside write() in 20 rounds"
    assert len(cut_lines) >= len(torn_rounds)
    # Every reader agrees: another process replays the same records.
    mine = hashlib.sha256(json.dumps(list(JournalFileBackend(str(path)).read_logs(0))).encode()).hexdigest()
    theirs = subprocess.run(
        [sys.executable, "-c", DIGEST, str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert mine == theirs
    engine.close()
