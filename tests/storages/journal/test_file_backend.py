"""JournalFileBackend: Optuna's backend API, the raw chunk API, bad input, and corruption in the LevelDB way.

Build the extension in place first: ``python csrc/ffi_build.py`` (from the root of a clone).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pathlib
import pickle
import subprocess
import tempfile
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages.journal._file import JournalFileBackend

if TYPE_CHECKING:
    from collections.abc import Iterator

ENGINE_LOGGER = "pyhpo.storages.journal._engine"


# --- corruption helpers (LevelDB's log_test.cc style) ----------------------------------------------------


def shrink_file(path: pathlib.Path, nbytes: int) -> None:
    """Drop the last ``nbytes`` bytes."""
    os.truncate(path, path.stat().st_size - nbytes)


def flip_byte(path: pathlib.Path, offset: int, mask: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


def append_cut_off_tail(path: pathlib.Path, record: dict[str, Any], keep: int) -> bytes:
    """Append the first ``keep`` bytes of a record's line, as a writer killed mid-write leaves them."""
    tail = (json.dumps(record, separators=(",", ":")) + "\n").encode()[:keep]
    with open(path, "ab") as f:
        f.write(tail)
    return tail


def zero_fill(path: pathlib.Path, offset: int, nbytes: int) -> None:
    """Overwrite (or extend the file with) zeros, as a file system may leave unwritten blocks after a crash."""
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(b"\0" * nbytes)


@contextlib.contextmanager
def captured_warnings(name: str = ENGINE_LOGGER) -> Iterator[list[str]]:
    """Collect warning messages from a pyhpo logger (pyhpo's root logger does not propagate to pytest's)."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def records(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [{"op_code": 4, "worker_id": "w", "study_id": 0, "i": i} for i in range(start, start + n)]


def encoded(logs: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(log, separators=(",", ":")) + "\n" for log in logs).encode()


@pytest.fixture
def path(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "journal.log"


# --- the API ------------------------------------------------------------------------------------------------


def test_append_logs_then_read_logs_round_trips_in_optunas_encoding(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    backend.append_logs(records(3))
    backend.append_logs(records(2, start=3))
    assert list(backend.read_logs(0)) == records(5)
    assert list(backend.read_logs(3)) == records(2, start=3)
    assert list(backend.read_logs(5)) == []
    assert list(backend.read_logs(1)) == records(4, start=1)  # going back rereads from the start
    assert path.read_bytes() == encoded(records(5))


def test_read_chunk_returns_complete_lines_and_the_next_cursor(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    assert backend.read_chunk(0) == (b"", 0)
    backend.append_chunk(encoded(records(2)), durable=False)
    data, cursor = backend.read_chunk(0)
    assert (data, cursor) == (encoded(records(2)), len(encoded(records(2))))
    append_cut_off_tail(path, records(1, start=2)[0], keep=7)
    assert backend.read_chunk(cursor) == (b"", cursor)


def test_two_backends_on_one_file_see_each_others_records(path: pathlib.Path) -> None:
    first, second = JournalFileBackend(str(path)), JournalFileBackend(str(path))
    for i in range(10):
        (first if i % 2 else second).append_logs(records(1, start=i))
    assert list(first.read_logs(0)) == list(second.read_logs(0)) == records(10)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("always", [True, True]), ("trial", [True, False]), ("never", [False, False])],
)
def test_sync_policy_decides_which_appends_are_synced(
    path: pathlib.Path, policy: str, expected: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = JournalFileBackend(str(path), sync=policy)  # type: ignore[arg-type]
    seen: list[bool] = []
    real_append = backend._engine.append
    monkeypatch.setattr(
        backend._engine,
        "append",
        lambda data, *, sync, lock_obj: seen.append(sync) or real_append(data, sync=sync, lock_obj=lock_obj),
    )
    backend.append_chunk(encoded(records(1)), durable=True)
    backend.append_chunk(encoded(records(1, start=1)), durable=False)
    assert seen == expected
    assert list(backend.read_logs(0)) == records(2)


def test_lock_obj_replaces_the_kernel_lock_and_the_tail_is_still_cut(path: pathlib.Path) -> None:
    class CountingLock:
        def __init__(self) -> None:
            self.calls: list[str] = []

        def acquire(self) -> bool:
            self.calls.append("acquire")
            return True

        def release(self) -> None:
            self.calls.append("release")

    lock = CountingLock()
    backend = JournalFileBackend(str(path), lock_obj=lock)  # type: ignore[arg-type]
    backend.append_logs(records(1))
    tail = append_cut_off_tail(path, records(1, start=1)[0], keep=9)
    with captured_warnings() as warned:
        backend.append_logs(records(1, start=2))
    assert lock.calls == ["acquire", "release"] * 2
    assert backend._engine.lock_mode == "none"  # the kernel lock was never taken
    assert path.read_bytes() == encoded(records(1) + records(1, start=2))
    assert len(warned) == 1 and f"Cut {len(tail)} bytes" in warned[0]


def test_backend_survives_pickling_and_the_copy_appends(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path), sync="trial")
    backend.append_logs(records(1))
    copy = pickle.loads(pickle.dumps(backend))
    copy.append_logs(records(1, start=1))
    assert list(backend.read_logs(0)) == records(2)
    assert repr(copy) == f"JournalFileBackend({str(path)!r}, sync='trial')"


# --- bad input: a clear error and nothing changes on disk ---------------------------------------------------


def test_path_in_a_missing_folder_is_refused_naming_it(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "nope" / "journal.log"
    with pytest.raises(FileNotFoundError) as info:
        JournalFileBackend(str(missing))
    assert info.value.filename == str(missing)
    assert not (tmp_path / "nope").exists()


def test_directory_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(IsADirectoryError) as info:
        JournalFileBackend(str(tmp_path))
    assert info.value.filename == str(tmp_path)


def test_read_only_file_reads_and_refuses_appends_with_permission_error(path: pathlib.Path) -> None:
    path.write_bytes(encoded(records(1)))
    if os.geteuid() == 0:
        # chmod does not stop root; the immutable attribute does.
        if subprocess.run(["chattr", "+i", str(path)], check=False, capture_output=True).returncode != 0:
            pytest.skip("running as root and cannot make a file immutable here")
        undo = ["chattr", "-i", str(path)]
    else:
        path.chmod(0o444)
        undo = ["chmod", "644", str(path)]
    try:
        backend = JournalFileBackend(str(path))  # Optuna reads a read-only journal; so do we
        assert list(backend.read_logs(0)) == records(1)
        with pytest.raises(PermissionError, match="the journal is read-only") as info:
            backend.append_logs(records(1, start=1))
        assert info.value.filename == str(path)
    finally:
        subprocess.run(undo, check=True)
    assert path.read_bytes() == encoded(records(1))


def test_non_journal_file_raises_corruption_at_read_time_and_stays_untouched(path: pathlib.Path) -> None:
    content = b"name,value\nx,1\n"
    path.write_bytes(content)
    before = path.stat()
    backend = JournalFileBackend(str(path))
    with pytest.raises(JournalCorruptionError) as info:
        list(backend.read_logs(0))
    assert (info.value.path, info.value.offset, info.value.line_number) == (str(path), 0, 1)
    assert path.read_bytes() == content and path.stat().st_mtime_ns == before.st_mtime_ns


def test_bad_arguments_name_the_bad_value(path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="'sometimes'"):
        JournalFileBackend(str(path), sync="sometimes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="acquire"):
        JournalFileBackend(str(path), lock_obj=object())  # type: ignore[arg-type]
    backend = JournalFileBackend(str(path))
    with pytest.raises(ValueError, match="log_number_from"):
        list(backend.read_logs(-1))
    with pytest.raises(ValueError, match="complete lines"):
        backend.append_chunk(b'{"a":1}')
    assert path.read_bytes() == b""


# --- corruption -------------------------------------------------------------------------------------------


def test_cut_off_tail_is_invisible_to_readers_and_cut_by_the_next_writer(path: pathlib.Path) -> None:
    writer = JournalFileBackend(str(path))
    writer.append_logs(records(3))
    good = path.stat().st_size
    tail = append_cut_off_tail(path, records(1, start=99)[0], keep=20)
    reader = JournalFileBackend(str(path))
    assert list(reader.read_logs(0)) == records(3)
    with captured_warnings() as warned:
        writer.append_logs(records(1, start=3))
    assert warned == [
        (
            f"Cut {len(tail)} bytes of an incomplete last line at byte offset {good} of journal {path} "
            "(a writer died mid-append)."
        )
    ]
    assert list(reader.read_logs(0)) == records(4)
    assert path.read_bytes() == encoded(records(4))


def test_shrunk_file_loses_only_the_cut_line(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    backend.append_logs(records(3))
    shrink_file(path, 5)  # the third line loses its last bytes and its newline
    assert list(JournalFileBackend(str(path)).read_logs(0)) == records(2)
    with captured_warnings() as warned:
        backend.append_logs(records(1, start=7))
    assert len(warned) == 1 and f"Cut {len(encoded(records(1, start=2))) - 5} bytes" in warned[0]
    assert list(JournalFileBackend(str(path)).read_logs(0)) == records(2) + records(1, start=7)


def test_reader_past_a_shrunk_end_gets_corruption_not_silence(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    backend.append_logs(records(3))
    _, cursor = backend.read_chunk(0)
    shrink_file(path, len(encoded(records(1, start=2))))
    with pytest.raises(JournalCorruptionError, match="shorter than the reader's position") as info:
        backend.read_chunk(cursor)
    assert info.value.offset == cursor


def test_flipped_byte_in_a_middle_line_names_its_offset_and_line(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    backend.append_logs(records(3))
    second = len(encoded(records(1)))
    flip_byte(path, second + 1)  # '"' -> '#': the second line is no longer JSON
    yielded: list[dict[str, Any]] = []
    with pytest.raises(JournalCorruptionError) as info:
        yielded.extend(JournalFileBackend(str(path)).read_logs(0))
    assert yielded == records(1)
    assert (info.value.offset, info.value.line_number) == (second, 2)
    assert "not valid JSON" in info.value.reason


def test_flipped_newline_merges_two_lines_into_a_reported_bad_one(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    backend.append_logs(records(3))
    first = len(encoded(records(1)))
    flip_byte(path, first - 1, mask=ord("\n") ^ ord(" "))
    with pytest.raises(JournalCorruptionError) as info:
        list(JournalFileBackend(str(path)).read_logs(0))
    assert (info.value.offset, info.value.line_number) == (0, 1)


def test_zero_filled_tail_is_cut_like_a_torn_write(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    backend.append_logs(records(2))
    size = path.stat().st_size
    zero_fill(path, size, 4096)  # the size grew but the data never arrived
    assert list(JournalFileBackend(str(path)).read_logs(0)) == records(2)
    with captured_warnings() as warned:
        backend.append_logs(records(1, start=2))
    assert len(warned) == 1 and "Cut 4096 bytes" in warned[0] and f"offset {size}" in warned[0]
    assert path.read_bytes() == encoded(records(3))


def test_zero_filled_block_in_the_middle_is_corruption(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    backend.append_logs(records(4))
    second = len(encoded(records(1)))
    zero_fill(path, second, 10)
    with pytest.raises(JournalCorruptionError) as info:
        list(JournalFileBackend(str(path)).read_logs(0))
    assert (info.value.offset, info.value.line_number) == (second, 2)


def test_foreign_incomplete_tail_is_reported_not_cut(path: pathlib.Path) -> None:
    backend = JournalFileBackend(str(path))
    backend.append_logs(records(1))
    with open(path, "ab") as f:
        f.write(b"garbage without newline")
    before = path.read_bytes()
    with pytest.raises(JournalCorruptionError, match="refusing to cut") as info:
        backend.append_logs(records(1, start=1))
    assert (info.value.offset, info.value.line_number) == (len(encoded(records(1))), 2)
    assert path.read_bytes() == before


@settings(max_examples=60, deadline=None)
@given(
    logs=st.lists(
        st.fixed_dictionaries(
            {
                "op_code": st.integers(0, 10),
                "worker_id": st.text(max_size=8),
                "value": st.floats(allow_nan=False),
            }
        ).map(
            lambda log: {"op_code": log["op_code"], **log}
        ),  # records start with op_code, as writers put it
        min_size=1,
        max_size=8,
    ),
    data=st.data(),
)
def test_any_byte_prefix_of_a_journal_reads_as_a_prefix_of_its_records(
    logs: list[dict[str, Any]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        full = pathlib.Path(tmp, "full.log")
        JournalFileBackend(str(full)).append_logs(logs)
        content = full.read_bytes()
        cut = data.draw(st.integers(0, len(content)), label="prefix length")
        prefix = pathlib.Path(tmp, "prefix.log")
        prefix.write_bytes(content[:cut])
        backend = JournalFileBackend(str(prefix))
        complete = content[:cut].count(b"\n")
        assert list(backend.read_logs(0)) == logs[:complete]
        chunk, cursor = backend.read_chunk(0)
        assert chunk == content[: content.rfind(b"\n", 0, cut) + 1] and cursor == len(chunk)
        # And the next writer repairs the prefix into a valid journal again.
        backend.append_logs(logs[-1:])
        assert list(JournalFileBackend(str(prefix)).read_logs(0)) == logs[:complete] + logs[-1:]


# --- interop with the real optuna package ----------------------------------------------------------------


def test_optuna_reads_our_records_and_we_read_optunas(path: pathlib.Path) -> None:
    optuna_journal = pytest.importorskip("optuna.storages.journal")
    ours = JournalFileBackend(str(path))
    theirs = optuna_journal.JournalFileBackend(str(path))
    ours.append_logs(records(2))
    theirs.append_logs(records(2, start=2))
    ours.append_logs(records(1, start=4))
    assert list(theirs.read_logs(0)) == list(ours.read_logs(0)) == records(5)
    assert path.read_bytes() == encoded(records(5))  # byte-identical encoding
