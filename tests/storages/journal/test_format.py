"""The record format: encoding matches Optuna's bytes, decoding is tolerant of Optuna's old spelling and
strict about corruption."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages.journal._format import (
    JournalOperation,
    decode_chunk,
    encode_records,
    format_datetime,
    parse_datetime,
)


def _locate(byte_in_chunk: int, line_in_chunk: int) -> tuple[int, int]:
    return 1000 + byte_in_chunk, 10 + line_in_chunk + 1


def test_op_codes_are_optunas() -> None:
    assert [op.name for op in sorted(JournalOperation)] == [
        "CREATE_STUDY",
        "DELETE_STUDY",
        "SET_STUDY_USER_ATTR",
        "SET_STUDY_SYSTEM_ATTR",
        "CREATE_TRIAL",
        "SET_TRIAL_PARAM",
        "SET_TRIAL_STATE_VALUES",
        "SET_TRIAL_INTERMEDIATE_VALUE",
        "SET_TRIAL_USER_ATTR",
        "SET_TRIAL_SYSTEM_ATTR",
        "DISCARD_TRIALS",
    ]
    assert [int(op) for op in sorted(JournalOperation)] == list(range(11))


def test_encoding_is_byte_identical_to_optunas_json_dumps() -> None:
    records = [
        {"op_code": 0, "worker_id": "w-1", "study_name": "caf\u00e9 \u2603", "directions": [1, 2]},
        {"op_code": 7, "worker_id": "w-1", "trial_id": 3, "step": 2, "intermediate_value": float("nan")},
        {"op_code": 8, "worker_id": "w-1", "trial_id": 3, "user_attr": {"k": {"nested": [1.5, None, True]}}},
    ]
    expected = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records).encode("ascii")
    assert encode_records(records) == expected


def test_datetime_is_utc_iso_with_microseconds_and_reads_back_as_naive_local_time() -> None:
    moment = datetime(2024, 5, 6, 7, 8, 9, 120, tzinfo=timezone(timedelta(hours=9)))
    text = format_datetime(moment)
    assert text == "2024-05-05T22:08:09.000120+00:00"
    back = parse_datetime(text)
    assert back.tzinfo is None
    assert back == moment.astimezone().replace(tzinfo=None)


def test_old_comma_space_separators_decode_like_compact_ones() -> None:
    records = [{"op_code": 0, "worker_id": "a", "study_name": "s", "directions": [1]}, {"op_code": 10}]
    old = "".join(json.dumps(r) + "\n" for r in records).encode()
    assert b", " in old
    assert decode_chunk(old, _locate, "j") == records
    assert decode_chunk(encode_records(records), _locate, "j") == records


def test_empty_chunk_decodes_to_no_records() -> None:
    assert decode_chunk(b"", _locate, "j") == []


def test_invalid_complete_line_in_the_middle_names_offset_and_line_number() -> None:
    good = b'{"op_code":10}\n'
    data = good + good + b'{"op_code":1\n' + good
    with pytest.raises(JournalCorruptionError) as info:
        decode_chunk(data, _locate, "/tmp/journal.log")
    err = info.value
    assert err.path == "/tmp/journal.log"
    assert err.offset == 1000 + 2 * len(good)
    assert err.line_number == 13
    assert "not valid JSON" in err.reason
    assert isinstance(err, ValueError)


def test_line_that_is_json_but_not_an_object_is_corruption() -> None:
    data = b'{"op_code":10}\n[1,2]\n'
    with pytest.raises(JournalCorruptionError) as info:
        decode_chunk(data, _locate, "j")
    assert info.value.line_number == 12
    assert "list" in info.value.reason


def test_two_values_on_one_line_are_corruption_even_though_the_array_parses() -> None:
    data = b'{"op_code":10}\n{"op_code":10},{"op_code":10}\n'
    with pytest.raises(JournalCorruptionError) as info:
        decode_chunk(data, _locate, "j")
    assert info.value.offset == 1000 + len(b'{"op_code":10}\n')


def test_blank_line_is_corruption() -> None:
    with pytest.raises(JournalCorruptionError) as info:
        decode_chunk(b'{"op_code":10}\n\n{"op_code":10}\n', _locate, "j")
    assert info.value.line_number == 12
