"""An artifact store in a Google Cloud Storage bucket."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from pyhpo.artifacts.exceptions import ArtifactNotFound

if TYPE_CHECKING:
    from typing import BinaryIO

__all__ = ["GCSArtifactStore"]

_EXTRA = 'GCSArtifactStore needs google-cloud-storage: pip install "pyhpo-opt[gcs]".'


class GCSArtifactStore:
    """Keeps each artifact as one blob, named by its id, in ``bucket_name``.

    Args:
        bucket_name: The bucket (it must exist).
        client: A ``google.cloud.storage.Client``; by default one made from the environment's credentials.
    """

    def __init__(self, bucket_name: str, client: Any = None) -> None:
        if client is None:
            try:
                from google.cloud import storage
            except ImportError as e:
                raise ImportError(_EXTRA) from e
            client = storage.Client()
        self.bucket_name = bucket_name
        self.client = client
        self.bucket_obj = client.bucket(bucket_name)

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Download the blob and return its bytes as a file object."""
        blob = self.bucket_obj.get_blob(artifact_id)
        if blob is None:
            raise ArtifactNotFound(f"No artifact {artifact_id!r} in bucket {self.bucket_name!r}.")
        try:
            data = blob.download_as_bytes()
        except Exception as e:
            # The blob was deleted between the lookup and the download.
            if type(e).__name__ == "NotFound":
                raise ArtifactNotFound(f"No artifact {artifact_id!r} in bucket {self.bucket_name!r}.") from e
            raise
        return io.BytesIO(data)

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Upload everything ``content_body`` yields as the blob ``artifact_id``."""
        self.bucket_obj.blob(artifact_id).upload_from_string(content_body.read())

    def remove(self, artifact_id: str) -> None:
        """Delete the blob."""
        try:
            self.bucket_obj.delete_blob(artifact_id)
        except Exception as e:
            if type(e).__name__ == "NotFound":
                raise ArtifactNotFound(f"No artifact {artifact_id!r} in bucket {self.bucket_name!r}.") from e
            raise
