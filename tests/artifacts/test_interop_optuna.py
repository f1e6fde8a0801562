"""Optuna and pyhpo read each other's artifacts: the metadata lives where both look for it."""

from __future__ import annotations

from pathlib import Path

import pytest

import pyhpo
from pyhpo.artifacts import FileSystemArtifactStore, download_artifact, get_all_artifact_meta, upload_artifact

optuna = pytest.importorskip("optuna")


@pytest.mark.interop("artifact metadata in trial and study system attrs")
def test_optuna_lists_and_downloads_what_pyhpo_uploaded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    (tmp_path / "store").mkdir()
    src = tmp_path / "plot.png"
    src.write_bytes(b"\x89PNG fake")
    study = pyhpo.create_study(study_name="s", storage=url)
    trial = study.ask()
    trial_artifact = upload_artifact(
        artifact_store=FileSystemArtifactStore(tmp_path / "store"), file_path=src, study_or_trial=trial
    )
    study.tell(trial, 0.5)
    study_artifact = upload_artifact(
        artifact_store=FileSystemArtifactStore(tmp_path / "store"), file_path=src, study_or_trial=study
    )

    theirs = optuna.load_study(study_name="s", storage=url)
    their_store = optuna.artifacts.FileSystemArtifactStore(str(tmp_path / "store"))
    (meta,) = optuna.artifacts.get_all_artifact_meta(theirs.trials[0], storage=theirs._storage)
    assert (meta.artifact_id, meta.filename, meta.mimetype, meta.encoding) == (
        trial_artifact,
        "plot.png",
        "image/png",
        None,
    )
    assert [m.artifact_id for m in optuna.artifacts.get_all_artifact_meta(theirs)] == [study_artifact]
    out = tmp_path / "theirs.png"
    optuna.artifacts.download_artifact(
        artifact_store=their_store, file_path=str(out), artifact_id=meta.artifact_id
    )
    assert out.read_bytes() == src.read_bytes()


@pytest.mark.interop("artifact metadata in trial and study system attrs")
def test_pyhpo_lists_and_downloads_what_optuna_uploaded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    (tmp_path / "store").mkdir()
    src = tmp_path / "log.txt.gz"
    src.write_bytes(b"gz bytes")
    theirs = optuna.create_study(study_name="s", storage=url)
    their_trial = theirs.ask()
    artifact_id = optuna.artifacts.upload_artifact(
        artifact_store=optuna.artifacts.FileSystemArtifactStore(str(tmp_path / "store")),
        file_path=str(src),
        study_or_trial=their_trial,
    )
    theirs.tell(their_trial, 1.0)

    study = pyhpo.load_study(study_name="s", storage=url)
    (meta,) = get_all_artifact_meta(study.trials[0], storage=study._storage)
    assert (meta.artifact_id, meta.filename, meta.mimetype, meta.encoding) == (
        artifact_id,
        "log.txt.gz",
        "text/plain",
        "gzip",
    )
    out = tmp_path / "ours.gz"
    download_artifact(
        artifact_store=FileSystemArtifactStore(tmp_path / "store"), file_path=out, artifact_id=artifact_id
    )
    assert out.read_bytes() == b"gz bytes"
