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

from pyhpo._values import TrialState
from pyhpo.distributions import distribution_to_json
from pyhpo.exceptions import JournalCorruptionError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from pyhpo._values import FrozenTrial, StudyDirection
    from pyhpo.distributions import BaseDistribution

__all__ = [
    "HEARTBEAT_KEY",
    "JournalOperation",
    "create_study_record",
    "create_trial_record",
    "decode_chunk",
    "decode_lines",
    "delete_study_record",
    "encode_records",
    "format_datetime",
    "intermediate_value_record",
    "now_string",
    "parse_datetime",
    "study_attr_record",
    "trial_attr_record",
    "trial_param_record",
    "trial_state_record",
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


def encode_records(records: Iterable[dict[str, Any]]) -> bytes:
    """Encode records as one batch of complete lines, ready for ``append_chunk`` (``b""`` for none)."""
    lines = [_encode(record) for record in records]
    return ("\n".join(lines) + "\n").encode("ascii") if lines else b""


def decode_lines(data: bytes) -> list[Any]:
    """The JSON value on each non-empty line of ``data``, unchecked (for backends written for Optuna)."""
    return [json.loads(line) for line in data.split(b"\n") if line]


# ---------------------------------------------------------------------------------------------- records
# One builder per operation. Keys in Optuna's order; plain ints (not enum members) keep encoding on json's
# fast path. ``worker_id`` names the writer: replay tells a worker's own records (and conflicts) by it.
_CREATE_STUDY = int(JournalOperation.CREATE_STUDY)
_DELETE_STUDY = int(JournalOperation.DELETE_STUDY)
_SET_STUDY_USER_ATTR = int(JournalOperation.SET_STUDY_USER_ATTR)
_SET_STUDY_SYSTEM_ATTR = int(JournalOperation.SET_STUDY_SYSTEM_ATTR)
_CREATE_TRIAL = int(JournalOperation.CREATE_TRIAL)
_SET_TRIAL_PARAM = int(JournalOperation.SET_TRIAL_PARAM)
_SET_TRIAL_STATE_VALUES = int(JournalOperation.SET_TRIAL_STATE_VALUES)
_SET_TRIAL_INTERMEDIATE_VALUE = int(JournalOperation.SET_TRIAL_INTERMEDIATE_VALUE)
_SET_TRIAL_USER_ATTR = int(JournalOperation.SET_TRIAL_USER_ATTR)
_SET_TRIAL_SYSTEM_ATTR = int(JournalOperation.SET_TRIAL_SYSTEM_ATTR)


def create_study_record(
    worker_id: str, study_name: str, directions: Sequence[StudyDirection]
) -> dict[str, Any]:
    return {
        "op_code": _CREATE_STUDY,
        "worker_id": worker_id,
        "study_name": study_name,
        "directions": [int(d) for d in directions],
    }


def delete_study_record(worker_id: str, study_id: int) -> dict[str, Any]:
    return {"op_code": _DELETE_STUDY, "worker_id": worker_id, "study_id": study_id}


def study_attr_record(worker_id: str, study_id: int, key: str, value: Any, *, system: bool) -> dict[str, Any]:
    if system:
        return {
            "op_code": _SET_STUDY_SYSTEM_ATTR,
            "worker_id": worker_id,
            "study_id": study_id,
            "system_attr": {key: value},
        }
    return {
        "op_code": _SET_STUDY_USER_ATTR,
        "worker_id": worker_id,
        "study_id": study_id,
        "user_attr": {key: value},
    }


def create_trial_record(worker_id: str, study_id: int, template: FrozenTrial | None = None) -> dict[str, Any]:
    """A CREATE_TRIAL record: a new RUNNING trial, or a copy of the whole ``template`` trial."""
    record: dict[str, Any] = {
        "op_code": _CREATE_TRIAL,
        "worker_id": worker_id,
        "study_id": study_id,
        "datetime_start": now_string(),
    }
    if template is None:
        return record
    record["state"] = int(template.state)
    values = template.values
    if values is not None and len(values) > 1:
        record["value"] = None
        record["values"] = list(values)
    else:
        record["value"] = template.value
        record["values"] = None
    start = template.datetime_start
    record["datetime_start"] = None if start is None else format_datetime(start)
    if template.datetime_complete is not None:
        record["datetime_complete"] = format_datetime(template.datetime_complete)
    dists = template.distributions
    record["distributions"] = {name: distribution_to_json(dist) for name, dist in dists.items()}
    record["params"] = {name: dists[name].to_internal_repr(value) for name, value in template.params.items()}
    record["user_attrs"] = template.user_attrs
    record["system_attrs"] = template.system_attrs
    record["intermediate_values"] = template.intermediate_values
    return record


def trial_param_record(
    worker_id: str, trial_id: int, name: str, value_internal: float, distribution: BaseDistribution
) -> dict[str, Any]:
    return {
        "op_code": _SET_TRIAL_PARAM,
        "worker_id": worker_id,
        "trial_id": trial_id,
        "param_name": name,
        "param_value_internal": value_internal,
        "distribution": distribution_to_json(distribution),
    }


def trial_state_record(
    worker_id: str, trial_id: int, state: TrialState, values: Sequence[float] | None
) -> dict[str, Any]:
    """A SET_TRIAL_STATE_VALUES record, stamped with the start (RUNNING) or completion (finished) time."""
    record: dict[str, Any] = {
        "op_code": _SET_TRIAL_STATE_VALUES,
        "worker_id": worker_id,
        "trial_id": trial_id,
        "state": int(state),
        "values": None if values is None else [float(v) for v in values],
    }
    if state == TrialState.RUNNING:
        record["datetime_start"] = now_string()
    elif state.is_finished():
        record["datetime_complete"] = now_string()
    return record


def intermediate_value_record(worker_id: str, trial_id: int, step: int, value: float) -> dict[str, Any]:
    return {
        "op_code": _SET_TRIAL_INTERMEDIATE_VALUE,
        "worker_id": worker_id,
        "trial_id": trial_id,
        "step": int(step),
        "intermediate_value": float(value),
    }


def trial_attr_record(worker_id: str, trial_id: int, key: str, value: Any, *, system: bool) -> dict[str, Any]:
    if system:
        return {
            "op_code": _SET_TRIAL_SYSTEM_ATTR,
            "worker_id": worker_id,
            "trial_id": trial_id,
            "system_attr": {key: value},
        }
    return {
        "op_code": _SET_TRIAL_USER_ATTR,
        "worker_id": worker_id,
        "trial_id": trial_id,
        "user_attr": {key: value},
    }


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
