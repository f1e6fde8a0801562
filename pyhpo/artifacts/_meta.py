"""Uploading, listing and downloading artifacts: the store keeps the bytes, the study's storage the metadata.

Metadata lives in the system attributes of the trial or study the artifact belongs to, under
``artifacts:<artifact_id>``, as a JSON object with ``artifact_id``, ``filename``, ``mimetype`` and ``encoding``:
the key and the fields Optuna uses, so each library (and optuna-dashboard) lists the other's artifacts.
"""

from __future__ import annotations

import dataclasses
import json
import mimetypes
import os
import shutil
import uuid
import warnings
from typing import TYPE_CHECKING, Any

from pyhpo._values import FrozenTrial
from pyhpo.study import Study
from pyhpo.trial import Trial

if TYPE_CHECKING:
    from pyhpo.artifacts._protocol import ArtifactStore
    from pyhpo.storages import BaseStorage

__all__ = ["ArtifactMeta", "download_artifact", "get_all_artifact_meta", "upload_artifact"]

ARTIFACTS_ATTR_PREFIX = "artifacts:"
DEFAULT_MIME_TYPE = "application/octet-stream"
_POSITIONAL = ("study_or_trial", "file_path", "artifact_store")


@dataclasses.dataclass
class ArtifactMeta:
    """What is known of an artifact without downloading it.

    Attributes:
        artifact_id: The id under which the store keeps it (pass it to :func:`download_artifact`).
        filename: The uploaded file's base name.
        mimetype: Its MIME type (given, or guessed from the file name; ``application/octet-stream`` otherwise).
        encoding: Its content encoding, such as ``gzip``, or None.
    """

    artifact_id: str
    filename: str
    mimetype: str
    encoding: str | None


def _target(study_or_trial: object, storage: BaseStorage | None, func: str) -> tuple[BaseStorage, str, int]:
    """The storage and the ("trial"|"study", id) an artifact call is about."""
    if isinstance(study_or_trial, Trial):
        return storage or study_or_trial.storage, "trial", study_or_trial._trial_id
    if isinstance(study_or_trial, Study):
        return storage or study_or_trial._storage, "study", study_or_trial._study_id
    if isinstance(study_or_trial, FrozenTrial):
        if storage is None:
            raise ValueError("storage is required for FrozenTrial.")
        return storage, "trial", study_or_trial._trial_id
    raise TypeError(
        f"{func}() needs a Trial, a FrozenTrial or a Study as study_or_trial, got "
        f"{type(study_or_trial).__name__}: {study_or_trial!r}."
    )


def upload_artifact(
    *args: Any,
    artifact_store: ArtifactStore | None = None,
    file_path: str | os.PathLike[str] | None = None,
    study_or_trial: Trial | FrozenTrial | Study | None = None,
    storage: BaseStorage | None = None,
    mimetype: str | None = None,
    encoding: str | None = None,
) -> str:
    """Store the file at ``file_path`` in ``artifact_store`` and link it to a trial or study; return its id.

    Args:
        artifact_store: Where the bytes go (:class:`FileSystemArtifactStore`, :class:`Boto3ArtifactStore`, ...).
        file_path: The file to upload.
        study_or_trial: The :class:`~pyhpo.trial.Trial`, :class:`~pyhpo.trial.FrozenTrial` or
            :class:`~pyhpo.study.Study` the artifact belongs to.
        storage: The study's storage; needed only with a FrozenTrial (a Trial or Study knows its own).
        mimetype: The MIME type; guessed from the file name when not given.
        encoding: The content encoding (e.g. ``gzip``); guessed from the file name when not given.

    Positional arguments (``study_or_trial, file_path, artifact_store``) still work, with Optuna's FutureWarning.
    """
    if args:
        if len(args) > len(_POSITIONAL):
            raise TypeError(
                f"upload_artifact() takes at most {len(_POSITIONAL)} positional arguments, got {len(args)}."
            )
        given = dict(zip(_POSITIONAL, args))
        warnings.warn(
            f"upload_artifact() got {sorted(given)} as positional arguments but they were expected to be given "
            f"as keyword arguments. Positional arguments {list(_POSITIONAL)} in upload_artifact() have been "
            "deprecated since v4.0.0 (Optuna). They will be replaced with the corresponding keyword arguments "
            "in v6.0.0, so please use the keyword specification instead.",
            FutureWarning,
            stacklevel=2,
        )
        study_or_trial = given.get("study_or_trial", study_or_trial)
        file_path = given.get("file_path", file_path)
        artifact_store = given.get("artifact_store", artifact_store)
    for name, value in (
        ("artifact_store", artifact_store),
        ("file_path", file_path),
        ("study_or_trial", study_or_trial),
    ):
        if value is None:
            raise TypeError(f"upload_artifact() missing required keyword argument: {name!r}")
    assert artifact_store is not None and file_path is not None
    target_storage, kind, target_id = _target(study_or_trial, storage, "upload_artifact")

    filename = os.path.basename(os.fspath(file_path))
    guessed_type, guessed_encoding = mimetypes.guess_type(filename)
    meta = ArtifactMeta(
        artifact_id=str(uuid.uuid4()),
        filename=filename,
        mimetype=mimetype or guessed_type or DEFAULT_MIME_TYPE,
        encoding=encoding or guessed_encoding,
    )
    # The bytes first: metadata that names an artifact the store does not have would be a dangling link.
    with open(file_path, "rb") as f:
        artifact_store.write(meta.artifact_id, f)
    key = ARTIFACTS_ATTR_PREFIX + meta.artifact_id
    value = json.dumps(dataclasses.asdict(meta))
    if kind == "trial":
        target_storage.set_trial_system_attr(target_id, key, value)
    else:
        target_storage.set_study_system_attr(target_id, key, value)
    return meta.artifact_id


def get_all_artifact_meta(
    study_or_trial: Trial | FrozenTrial | Study, *, storage: BaseStorage | None = None
) -> list[ArtifactMeta]:
    """The metadata of every artifact linked to ``study_or_trial``, in the order they were linked.

    A study's list holds the artifacts uploaded to the study itself, not those of its trials.
    ``storage`` is needed only with a FrozenTrial.
    """
    target_storage, kind, target_id = _target(study_or_trial, storage, "get_all_artifact_meta")
    if kind == "trial":
        attrs = target_storage.get_trial_system_attrs(target_id)
    else:
        attrs = target_storage.get_study_system_attrs(target_id)
    metas = []
    for key, value in attrs.items():
        if not key.startswith(ARTIFACTS_ATTR_PREFIX):
            continue
        fields = json.loads(value) if isinstance(value, str) else value
        metas.append(
            ArtifactMeta(
                artifact_id=fields["artifact_id"],
                filename=fields["filename"],
                mimetype=fields["mimetype"],
                encoding=fields.get("encoding"),
            )
        )
    return metas


def download_artifact(
    *, artifact_store: ArtifactStore, file_path: str | os.PathLike[str], artifact_id: str
) -> None:
    """Copy the artifact ``artifact_id`` from ``artifact_store`` to a new file at ``file_path``.

    Raises:
        FileExistsError: ``file_path`` exists (nothing is overwritten).
        pyhpo.artifacts.exceptions.ArtifactNotFound: the store has no such artifact.
    """
    if os.path.exists(file_path):
        raise FileExistsError(f"File already exists: {os.fspath(file_path)}")
    with artifact_store.open_reader(artifact_id) as reader, open(file_path, "xb") as writer:
        try:
            shutil.copyfileobj(reader, writer)
        except BaseException:
            # Never leave half a download behind under the name the caller asked for (the file is ours: "xb").
            writer.close()
            os.unlink(file_path)
            raise
