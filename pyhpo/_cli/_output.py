"""How the ``pyhpo`` command prints records: Optuna's ``table``, ``value``, ``json`` and ``yaml`` formats.

A record maps a column to a cell. A column is a pair ``(name, key)``: ``key`` is ``""`` for a plain column
(``("number", "")``), a name for a member of a mapping (``("params", "x")``), or an int for an element of a
list (``("values", 0)``). Scripts parse this output (Optuna's CLI tutorial reads ``ask``'s JSON), so the shapes
are Optuna's exactly:

* nested (the default): the members of a column gather again, ``{"params": {"x": 1.0}}``, ``{"values":
  [1.0, 2.0]}``;
* ``--flatten``: one column each, ``params_x``, ``values_0``; a plain column holding a list or tuple
  (``studies``' ``direction``) is spread over ``direction_0``, ``direction_1``, ...

Cells are made printable first: datetimes become ``YYYY-MM-DD HH:MM:SS``, numbers and None stay as they are,
lists, tuples and dicts are converted member by member, anything else (a timedelta, a string) becomes ``str``.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from pyhpo.exceptions import CLIUsageError

Column = tuple[str, Any]
Record = dict[Column, Any]

FORMATS = ("value", "json", "table", "yaml")
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _printable(value: Any) -> Any:
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, list):
        return [_printable(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_printable(v) for v in value)
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    return str(value)


def _spread(records: list[Record], column: Column) -> bool:
    """Whether a plain column is spread over ``name_0, name_1, ...`` by ``--flatten``."""
    return any(isinstance(r.get(column), (list, tuple)) for r in records)


def _flat(records: list[Record], columns: list[Column]) -> tuple[list[dict[str, Any]], list[str]]:
    header: list[str] = []
    spread = {c for c in columns if c[1] == "" and _spread(records, c)}
    for name, key in columns:
        if key != "":
            header.append(f"{name}_{key}")
        elif (name, key) in spread:
            longest = max((len(r[(name, key)]) for r in records if (name, key) in r), default=0)
            header.extend(f"{name}_{i}" for i in range(longest))
        else:
            header.append(name)
    rows = []
    for record in records:
        row: dict[str, Any] = {}
        for name, key in columns:
            if (name, key) not in record:
                continue
            cell = _printable(record[(name, key)])
            if key != "":
                row[f"{name}_{key}"] = cell
            elif (name, key) in spread:
                row.update({f"{name}_{i}": v for i, v in enumerate(cell)})
            else:
                row[name] = cell
        rows.append(row)
    return rows, header


def _nested(records: list[Record], columns: list[Column]) -> tuple[list[dict[str, Any]], list[str]]:
    header = list(dict.fromkeys(name for name, _ in columns))
    rows = []
    for record in records:
        # A column with members starts as an empty mapping, so a trial without params shows ``{}``.
        row: dict[str, Any] = {name: {} for name in header}
        for name, key in columns:
            if (name, key) not in record:
                continue
            cell = _printable(record[(name, key)])
            if isinstance(key, int):
                # Members keyed by position rebuild the list, with None where a position is missing.
                if row[name] == {}:
                    row[name] = []
                row[name].extend([None] * (key + 1 - len(row[name])))
                row[name][key] = cell
            elif key != "":
                row[name][key] = cell
            else:
                row[name] = cell
        rows.append(row)
    return rows, header


def _as_value(rows: list[dict[str, Any]], header: list[str]) -> str:
    # One line per record, cells separated by a space; None prints as nothing.
    return "\n".join(
        " ".join("" if row.get(name) is None else str(row[name]) for name in header) for row in rows
    )


def _as_table(rows: list[dict[str, Any]], header: list[str]) -> str:
    # A column of numbers (None counts as a number) is aligned right, any other column left.
    lines_sep = "+"
    head = "|"
    body = ["|"] * len(rows)
    for name in header:
        cells = [row.get(name) for row in rows]
        numeric = all(c is None or isinstance(c, (int, float)) for c in cells)
        width = max([len(name)] + [len(str(c)) for c in cells])
        lines_sep += "-" * (width + 2) + "+"
        head += f" {name:>{width}} |" if numeric else f" {name:<{width}} |"
        for i, c in enumerate(cells):
            text = " " * width if c is None else (f"{c!s:>{width}}" if numeric else f"{c!s:<{width}}")
            body[i] += f" {text} |"
    return "\n".join([lines_sep, head, lines_sep, *body, lines_sep])


def _as_yaml(data: Any) -> str:
    try:
        import yaml
    except ImportError as e:
        raise ImportError(
            "The yaml output format needs PyYAML, which is not installed: pip install pyyaml "
            "(or choose another format with -f value|json|table)."
        ) from e
    return str(yaml.safe_dump(data)).strip()


def render(records: list[Record] | Record, columns: list[Column], output_format: str, flatten: bool) -> str:
    """The text to print for ``records`` (one record prints as an object in json and yaml, not a list)."""
    many = isinstance(records, list)
    listed: list[Record] = records if isinstance(records, list) else [records]
    rows, header = (_flat if flatten else _nested)(listed, columns)
    if output_format == "value":
        return _as_value(rows, header).strip()
    if output_format == "table":
        return _as_table(rows, header).strip()
    if output_format == "json":
        return json.dumps(rows if many else rows[0]).strip()
    if output_format == "yaml":
        return _as_yaml(rows if many else rows[0])
    raise CLIUsageError(
        f"pyhpo's command does not support the {output_format!r} format; choose from {FORMATS}."
    )
