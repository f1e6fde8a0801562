"""The journal record format: op codes, field names, timestamps, and the bytes of a line.

Every byte pyhpo writes to a journal is produced here, and every chunk it reads is decoded here, so the
format lives in one place. The format is Optuna's (``optuna.storages.journal``), byte for byte: one JSON
object per line, compact separators, ASCII-only escapes, keys in the order Optuna writes them. The spec is
``docs/journal-format.md``.
"""

from __future__ import annotations

import enum
import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from pyhpo.exceptions import JournalCorruptionError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "HEARTBEAT_KEY",
    "JournalOperation",
    "decode_chunk",
    "encode_records",
    "format_datetime",
    "now_string",
    "parse_datetime",
]


class JournalOperation(enum.IntEnum):
    """The ``op_code`` of a record. The numbers are Optuna's and never change."""

    CREATE_STUDY = 0
    DELETE_STUDY = 1
    SET_STUDY_USER_ATTR = 2
    SET_STUDY_SYSTEM_ATTR = 3
    CREATE_TRIAL = 4
    SET_TRIAL_PARAM = 5
    SET_TRIAL_STATE_VALUES = 6
    SET_TRIAL_INTERMEDIATE_VALUE = 7
    SET_TRIAL_USER_ATTR = 8
    SET_TRIAL_SYSTEM_ATTR = 9
    # Written only by other implementations (Optuna's Rust port); Optuna and pyhpo skip it on replay.
    DISCARD_TRIALS = 10


# A heartbeat is a SET_TRIAL_SYSTEM_ATTR record with this key, so Optuna (which has no journal heartbeat)
# replays it as an ordinary system attribute. pyhpo keeps it out of ``FrozenTrial.system_attrs``.
HEARTBEAT_KEY = "pyhpo:heartbeat"

# Optuna writes ``json.dumps(record, separators=(",", ":"))``: same escapes (ensure_ascii), NaN/Infinity
# spelled as Python's json module spells them.
_encoder = json.JSONEncoder(separators=(",", ":"))
_encode = _encoder.encode


def encode_records(records: list[dict[str, Any]]) -> bytes:
    """Encode records as one batch of complete lines, ready for ``append_chunk``."""
    return ("\n".join([_encode(record) for record in records]) + "\n").encode("ascii")


def format_datetime(value: datetime) -> str:
    """Spell a timestamp as Optuna does: UTC, ISO 8601, microseconds, explicit offset.

    A naive datetime is taken as local time, as ``datetime.astimezone`` does.
    """
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def now_string() -> str:
    """The current time in the journal's timestamp format."""
    return datetime.now(tz=timezone.utc).isoformat(timespec="microseconds")


# UTC offset of local time per minute ("2025-01-01T00:00"): time zone transitions fall on whole minutes, so
# converting a journal timestamp costs one parse and one addition instead of a time zone lookup.
_local_offsets: dict[str, timedelta] = {}


def parse_datetime(text: str) -> datetime:
    """Read a journal timestamp back as a naive local datetime, which is what ``FrozenTrial`` holds."""
    if len(text) == 32 and text.endswith("+00:00"):
        utc = datetime.fromisoformat(text[:26])
        offset = _local_offsets.get(text[:16])
        if offset is None:
            if len(_local_offsets) > 100_000:
                _local_offsets.clear()
            local = utc.replace(tzinfo=timezone.utc).astimezone()
            offset = _local_offsets[text[:16]] = local.replace(tzinfo=None) - utc
        return utc + offset
    return datetime.fromisoformat(text).astimezone().replace(tzinfo=None)


def decode_chunk(
    data: bytes, locate: Callable[[int, int], tuple[int, int]], location: str
) -> list[dict[str, Any]]:
    """Decode a chunk of complete lines into records.

    The whole chunk is parsed with one ``json.loads`` call (one C-level pass instead of one call per
    line); only when that fails is it parsed line by line to find the first bad line.

    Args:
        data:
            Complete ``b"\\n"``-terminated lines, as returned by ``read_chunk``.
        locate:
            ``locate(byte_in_chunk, line_in_chunk)`` returns ``(offset, line_number)`` of a line for
            error messages, in the backend's units.
        location:
            Names the journal (a path, a Redis key) in error messages.

    Raises:
        JournalCorruptionError: A complete line is not a JSON object.
    """
    if not data:
        return []
    body = data[:-1]
    try:
        # Lines hold JSON values; a raw b"\n" never occurs inside one (JSON escapes control characters),
        # so turning separators into commas yields one JSON array of the same values.
        records = json.loads(b"[" + body.replace(b"\n", b",") + b"]")
    except ValueError:
        records = None
    if records is not None and len(records) == body.count(b"\n") + 1:
        for _index, record in enumerate(records):
            if type(record) is not dict:
                break
        else:
            return records  # type: ignore[no-any-return]
    return _decode_lines(body, locate, location)


def decode_record(line: bytes) -> dict[str, Any] | str:
    """The record on one complete line, or (a str) why the line is not a record."""
    try:
        record = json.loads(line)
    except ValueError as err:
        return f"not valid JSON ({err})"
    if isinstance(record, dict):
        return record
    return f"a JSON {type(record).__name__}, expected an object"


def _decode_lines(
    body: bytes, locate: Callable[[int, int], tuple[int, int]], location: str
) -> list[dict[str, Any]]:
    records = []
    start = 0
    for index, line in enumerate(body.split(b"\n")):
        record = decode_record(line)
        if isinstance(record, str):
            offset, line_number = locate(start, index)
            raise JournalCorruptionError(location, offset, line_number, record)
        records.append(record)
        start += len(line) + 1
    return records
