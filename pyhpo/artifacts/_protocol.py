"""What an artifact store is: three methods on opaque ids. Any object that has them works."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from typing import BinaryIO

__all__ = ["ArtifactStore"]


class ArtifactStore(Protocol):
    """A place that keeps bytes under an id: a folder, a bucket, or your own backend."""

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Return a readable binary file object of the artifact; raise ArtifactNotFound if there is none."""
        ...

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store everything ``content_body`` yields under ``artifact_id``."""
        ...

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact; raise ArtifactNotFound if there is none."""
        ...
