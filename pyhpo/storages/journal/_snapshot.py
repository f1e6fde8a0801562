"""Snapshots: the replayed state of a journal up to a cursor, saved as JSON beside the journal.

A process opening a large journal loads the snapshot and replays only the records after its cursor. The
journal is never modified, so Optuna (which knows nothing of snapshots) still reads it whole.

A snapshot is trusted only when it still describes the journal: the format and version are known, and the
line that ends at the snapshot's cursor is, byte for byte, the line the snapshot was taken after (its
SHA-256 is stored). A journal that was replaced, truncated or rewritten fails that check, and the snapshot is
ignored with a warning; the storage then replays the journal from the start. The layout is specified in
``docs/journal-format.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import TYPE_CHECKING, Any

from pyhpo import logging
from pyhpo._values import StudyDirection
from pyhpo.storages.journal._replay import JournalPosition, JournalReplay, _Study, _Trial

if TYPE_CHECKING:
    from pyhpo.storages.journal._base import BaseJournalBackend

__all__ = ["SNAPSHOT_FORMAT", "SNAPSHOT_VERSION", "default_snapshot_path", "load_snapshot", "write_snapshot"]

_logger = logging.get_logger(__name__)

SNAPSHOT_FORMAT = "pyhpo-journal-snapshot"
SNAPSHOT_VERSION = 1


def default_snapshot_path(backend: BaseJournalBackend) -> str | None:
    """Where the snapshot of ``backend``'s journal lives by default: beside its file (``None``: no file)."""
    file_path = getattr(backend, "file_path", None)
    return file_path + ".snapshot" if isinstance(file_path, str) else None


def write_snapshot(path: str, replay: JournalReplay, position: JournalPosition) -> None:
    """Write ``replay`` (the state of the journal up to ``position``) to ``path`` atomically."""
    shape_index: dict[tuple[tuple[str, str], ...], int] = {}
    shapes: list[list[list[str]]] = []
    rows = []
    for trial in replay.trials:
        key = tuple(trial.dists.items())
        index = shape_index.get(key)
        if index is None:
            index = shape_index[key] = len(shapes)
            shapes.append([list(pair) for pair in key])
        rows.append(
            [
                trial.study_id,
                trial.number,
                trial.state,
                trial.values,
                trial.start,
                trial.complete,
                index,
                [trial.params[name] for name, _ in key],
                trial.user_attrs,
                trial.system_attrs,
                [[step, value] for step, value in trial.inter.items()],
            ]
        )
    document = {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "journal": {
            "cursor": position.cursor,
            "lines": position.lines,
            "last_line_cursor": position.last_line_cursor,
            "last_line_sha256": hashlib.sha256(position.last_line).hexdigest(),
        },
        "next_study_id": replay.next_study_id,
        "studies": [
            {
                "study_id": study.study_id,
                "study_name": study.name,
                "directions": [int(d) for d in study.directions],
                "user_attrs": study.user_attrs,
                "system_attrs": study.system_attrs,
                "param_refs": {name: list(ref) for name, ref in study.param_refs.items()},
            }
            for study in replay.studies.values()
        ],
        # Parameter names and distributions repeat from trial to trial: each distinct set is stored once.
        "shapes": shapes,
        # One array per trial, by trial ID (see the field list in docs/journal-format.md).
        "trials": rows,
        "heartbeats": [[trial_id, beat] for trial_id, beat in replay.heartbeats.items()],
    }
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, separators=(",", ":"))
            f.flush()
            os.fsync(f.fileno())
        # rename() is atomic: readers see the old snapshot or the new one, never a mix.
        os.replace(tmp_path, path)
    except BaseException:
        try:
            os.unlink(tmp_path)
        except OSError:
            pass
        raise


def load_snapshot(path: str, backend: BaseJournalBackend) -> tuple[JournalReplay, JournalPosition] | None:
    """Load the snapshot at ``path`` if it exists and matches the journal of ``backend``.

    Returns:
        ``(replay, position)``, or ``None`` when there is no snapshot or it cannot be trusted (a warning says
        why).
    """
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    try:
        document = json.loads(raw)
        return _restore(document, backend)
    except _Mismatch as err:
        _logger.warning(f"Ignoring journal snapshot {path}: {err}. Replaying the journal from the start.")
    except (ValueError, KeyError, TypeError, IndexError) as err:
        _logger.warning(
            f"Ignoring journal snapshot {path}: not a valid snapshot ({type(err).__name__}: {err}). "
            "Replaying the journal from the start."
        )
    return None


class _Mismatch(Exception):
    pass


def _restore(document: Any, backend: BaseJournalBackend) -> tuple[JournalReplay, JournalPosition]:
    if not isinstance(document, dict) or document.get("format") != SNAPSHOT_FORMAT:
        raise _Mismatch("not a pyhpo journal snapshot")
    if document.get("version") != SNAPSHOT_VERSION:
        raise _Mismatch(f"unknown snapshot version {document.get('version')!r}, expected {SNAPSHOT_VERSION}")
    journal = document["journal"]
    cursor, lines, last_cursor = (
        int(journal["cursor"]),
        int(journal["lines"]),
        int(journal["last_line_cursor"]),
    )
    last_line = b""
    if lines > 0:
        data, _ = backend.read_chunk(last_cursor)
        last_line = data[: data.find(b"\n") + 1]
        if not last_line or hashlib.sha256(last_line).hexdigest() != journal["last_line_sha256"]:
            raise _Mismatch("it does not match the journal (the journal was replaced or rewritten)")

    replay = JournalReplay()
    replay.next_study_id = int(document["next_study_id"])
    for item in document["studies"]:
        study = _Study(
            int(item["study_id"]), item["study_name"], [StudyDirection(d) for d in item["directions"]]
        )
        study.user_attrs = dict(item["user_attrs"])
        study.system_attrs = dict(item["system_attrs"])
        study.param_refs = {name: (int(ref[0]), str(ref[1])) for name, ref in item["param_refs"].items()}
        replay.studies[study.study_id] = study
        replay.study_names[study.name] = study.study_id
    deleted: dict[int, _Study] = {}  # stand-ins for the deleted studies some trials belonged to
    shapes = [
        ([str(name) for name, _ in shape], {str(name): str(text) for name, text in shape})
        for shape in document["shapes"]
    ]
    for trial_id, row in enumerate(document["trials"]):
        (
            study_id,
            number,
            state,
            values,
            start,
            complete,
            shape,
            param_values,
            user_attrs,
            system_attrs,
            inter,
        ) = row
        names, dists = shapes[shape]
        if len(param_values) != len(names):
            raise ValueError(
                f"trial {trial_id} has {len(param_values)} parameter values for {len(names)} names"
            )
        owner: _Study | None = replay.studies.get(int(study_id))
        if owner is None:
            owner = deleted.get(int(study_id))
            if owner is None:
                owner = deleted[int(study_id)] = _Study(int(study_id), "", [])
                owner.deleted = True
        trial = _Trial(trial_id, owner, int(number))  # owner is set on every path above
        trial.state = int(state)
        trial.values = values
        trial.start = start
        trial.complete = complete
        trial.params = dict(zip(names, param_values))
        trial.dists = dict(dists)
        trial.user_attrs = user_attrs
        trial.system_attrs = system_attrs
        trial.inter = {int(step): value for step, value in inter}
        replay.trials.append(trial)
        if not owner.deleted:
            owner.trial_ids.append(trial_id)
    for study in replay.studies.values():
        if [replay.trials[t].number for t in study.trial_ids] != list(range(len(study.trial_ids))):
            raise ValueError(f"trial numbers of study {study.study_id} are not dense")
    replay.reindex()
    replay.heartbeats = {int(trial_id): float(beat) for trial_id, beat in document["heartbeats"]}
    return replay, JournalPosition(cursor, lines, last_line, last_cursor)
