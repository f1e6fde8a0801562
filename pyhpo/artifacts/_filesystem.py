"""An artifact store in a local (or mounted network) folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pyhpo.artifacts.exceptions import ArtifactNotFound

if TYPE_CHECKING:
    from typing import BinaryIO

__all__ = ["FileSystemArtifactStore"]


class FileSystemArtifactStore:
    """Keeps each artifact as one file named by its id in ``base_path``.

    Writes go to a temporary file in the same folder and are renamed into place, so a reader never sees half an
    artifact and a crash mid-upload leaves no file under the id. Ids that would leave ``base_path``
    (``../x``, absolute paths) are refused.

    Example::

        store = pyhpo.artifacts.FileSystemArtifactStore("./artifacts")
        pyhpo.artifacts.upload_artifact(artifact_store=store, file_path="model.pt", study_or_trial=trial)
    """

    def __init__(self, base_path: str | Path) -> None:
        if not isinstance(base_path, (str, os.PathLike)):
            raise TypeError(
                f"base_path must be a str or a path, got {type(base_path).__name__}: {base_path!r}."
            )
        self._base_path = Path(base_path)

    def _path_of(self, artifact_id: str) -> Path:
        if not isinstance(artifact_id, str) or not artifact_id:
            raise ValueError(f"Invalid artifact_id: {artifact_id!r} (a non-empty string was expected).")
        base = os.path.abspath(self._base_path)
        path = os.path.abspath(os.path.join(base, artifact_id))
        if os.path.isabs(artifact_id) or os.path.commonpath([base, path]) != base or path == base:
            raise ValueError(f"Invalid artifact_id: {artifact_id!r} (it must name a file inside {base}).")
        return Path(path)

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Open the artifact for reading (the caller closes it)."""
        path = self._path_of(artifact_id)
        try:
            return open(path, "rb")
        except FileNotFoundError as e:
            raise ArtifactNotFound(f"No artifact {artifact_id!r} in {self._base_path}.") from e

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store ``content_body`` under ``artifact_id``, replacing an artifact of that id atomically."""
        path = self._path_of(artifact_id)
        fd, tmp = tempfile.mkstemp(prefix=".upload-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(content_body, out)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact's file."""
        path = self._path_of(artifact_id)
        try:
            os.remove(path)
        except FileNotFoundError as e:
            raise ArtifactNotFound(f"No artifact {artifact_id!r} in {self._base_path}.") from e
