"""Artifacts in a folder: upload, list, download, remove, and the errors a user can meet."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

import pyhpo
from pyhpo.artifacts import (
    ArtifactMeta,
    FileSystemArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)
from pyhpo.artifacts.exceptions import ArtifactNotFound


@pytest.fixture
def store(tmp_path: Path) -> FileSystemArtifactStore:
    (tmp_path / "store").mkdir()
    return FileSystemArtifactStore(tmp_path / "store")


def _file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_trial_artifact_round_trips(tmp_path: Path, store: FileSystemArtifactStore) -> None:
    study = pyhpo.create_study()
    trial = study.ask()
    src = _file(tmp_path, "model.bin", b"\x00weights\xff" * 1000)
    artifact_id = upload_artifact(artifact_store=store, file_path=str(src), study_or_trial=trial)
    study.tell(trial, 1.0)

    (meta,) = get_all_artifact_meta(study.trials[0], storage=study._storage)
    assert meta == ArtifactMeta(artifact_id, "model.bin", "application/octet-stream", None)
    assert get_all_artifact_meta(trial) == [meta]
    assert get_all_artifact_meta(study) == []  # the study's own list holds study artifacts only

    out = tmp_path / "out.bin"
    download_artifact(artifact_store=store, file_path=str(out), artifact_id=artifact_id)
    assert out.read_bytes() == src.read_bytes()


def test_study_artifacts_and_guessed_types(tmp_path: Path, store: FileSystemArtifactStore) -> None:
    study = pyhpo.create_study()
    ids = [
        upload_artifact(
            artifact_store=store, file_path=_file(tmp_path, "a.csv.gz", b"x"), study_or_trial=study
        ),
        upload_artifact(
            artifact_store=store,
            file_path=_file(tmp_path, "b.dat", b"y"),
            study_or_trial=study,
            mimetype="application/x-mine",
            encoding="br",
        ),
    ]
    metas = get_all_artifact_meta(study)
    assert [m.artifact_id for m in metas] == ids
    assert (metas[0].mimetype, metas[0].encoding) == ("text/csv", "gzip")
    assert (metas[1].mimetype, metas[1].encoding) == ("application/x-mine", "br")


def test_a_frozen_trial_needs_the_storage(tmp_path: Path, store: FileSystemArtifactStore) -> None:
    study = pyhpo.create_study()
    study.ask()
    frozen = study.trials[0]  # a running trial, as a FrozenTrial (a finished one can no longer be changed)
    src = _file(tmp_path, "f.txt", b"z")
    with pytest.raises(ValueError, match="storage is required for FrozenTrial"):
        upload_artifact(artifact_store=store, file_path=src, study_or_trial=frozen)
    artifact_id = upload_artifact(
        artifact_store=store, file_path=src, study_or_trial=frozen, storage=study._storage
    )
    assert [m.artifact_id for m in get_all_artifact_meta(frozen, storage=study._storage)] == [artifact_id]


def test_bad_targets_and_missing_arguments_are_named(tmp_path: Path, store: FileSystemArtifactStore) -> None:
    src = _file(tmp_path, "f.txt", b"z")
    with pytest.raises(TypeError, match="got str: 'study'"):
        upload_artifact(artifact_store=store, file_path=src, study_or_trial="study")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="missing required keyword argument: 'artifact_store'"):
        upload_artifact(file_path=src, study_or_trial=pyhpo.create_study())


def test_positional_arguments_work_with_optunas_future_warning(
    tmp_path: Path, store: FileSystemArtifactStore
) -> None:
    study = pyhpo.create_study()
    src = _file(tmp_path, "f.txt", b"z")
    with pytest.warns(FutureWarning, match="as positional arguments"):
        artifact_id = upload_artifact(study, str(src), store)
    assert [m.artifact_id for m in get_all_artifact_meta(study)] == [artifact_id]


def test_download_never_overwrites_and_reports_missing_ids(
    tmp_path: Path, store: FileSystemArtifactStore
) -> None:
    study = pyhpo.create_study()
    artifact_id = upload_artifact(
        artifact_store=store, file_path=_file(tmp_path, "f.txt", b"new"), study_or_trial=study
    )
    existing = _file(tmp_path, "existing.txt", b"keep me")
    with pytest.raises(FileExistsError, match="existing.txt"):
        download_artifact(artifact_store=store, file_path=existing, artifact_id=artifact_id)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(ArtifactNotFound, match="no-such-id"):
        download_artifact(artifact_store=store, file_path=tmp_path / "x", artifact_id="no-such-id")
    assert not (tmp_path / "x").exists()


def test_store_refuses_ids_outside_its_folder(store: FileSystemArtifactStore) -> None:
    for bad in ("../escape", "/etc/passwd", "", "a/../../b"):
        with pytest.raises(ValueError, match="Invalid artifact_id"):
            store.write(bad, io.BytesIO(b"x"))
    with pytest.raises(TypeError, match="base_path must be a str or a path"):
        FileSystemArtifactStore(42)  # type: ignore[arg-type]


def test_remove_and_not_found(store: FileSystemArtifactStore) -> None:
    store.write("id-1", io.BytesIO(b"abc"))
    with store.open_reader("id-1") as f:
        assert f.read() == b"abc"
    store.remove("id-1")
    with pytest.raises(ArtifactNotFound):
        store.open_reader("id-1")
    with pytest.raises(ArtifactNotFound):
        store.remove("id-1")


class _BrokenReader(io.RawIOBase):
    """Yields some bytes, then fails, like a network stream that drops."""

    def __init__(self) -> None:
        self.sent = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        if self.sent:
            raise ConnectionError("connection reset")
        self.sent = True
        b[:4] = b"half"
        return 4


def test_a_failed_write_leaves_nothing_under_the_id(store: FileSystemArtifactStore, tmp_path: Path) -> None:
    store.write("kept", io.BytesIO(b"old content"))
    with pytest.raises(ConnectionError):
        store.write("kept", _BrokenReader())  # type: ignore[arg-type]
    with store.open_reader("kept") as f:
        assert f.read() == b"old content"  # the old artifact is intact, not half replaced
    with pytest.raises(ConnectionError):
        store.write("new", _BrokenReader())  # type: ignore[arg-type]
    assert sorted(os.listdir(tmp_path / "store")) == ["kept"]  # no temporary file left behind
