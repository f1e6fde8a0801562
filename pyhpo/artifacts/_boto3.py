"""An artifact store in an S3 bucket (AWS or any S3-compatible server), through boto3."""

from __future__ import annotations

import io
import shutil
from typing import TYPE_CHECKING, Any

from pyhpo.artifacts.exceptions import ArtifactNotFound

if TYPE_CHECKING:
    from typing import BinaryIO

__all__ = ["Boto3ArtifactStore"]

_EXTRA = 'Boto3ArtifactStore needs boto3: pip install "pyhpo-opt[boto3]".'


class Boto3ArtifactStore:
    """Keeps each artifact as one object, keyed by its id, in ``bucket_name``.

    Args:
        bucket_name: The bucket (it must exist).
        client: A boto3 S3 client; by default ``boto3.client("s3")`` with the usual AWS configuration (pass a
            client made with ``endpoint_url=`` for MinIO and other S3-compatible servers).
        avoid_buf_copy: Upload straight from the caller's file object instead of a copy in memory. boto3's
            ``upload_fileobj`` may close the object it is given, so by default it gets a copy.
    """

    def __init__(self, bucket_name: str, client: Any = None, *, avoid_buf_copy: bool = False) -> None:
        if client is None:
            try:
                import boto3
            except ImportError as e:
                raise ImportError(_EXTRA) from e
            client = boto3.client("s3")
        self.bucket = bucket_name
        self.client = client
        self._avoid_buf_copy = avoid_buf_copy

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Stream the object's body."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=artifact_id)
        except Exception as e:
            if _is_not_found(e):
                raise ArtifactNotFound(f"No artifact {artifact_id!r} in bucket {self.bucket!r}.") from e
            raise
        body: BinaryIO = response["Body"]
        return body

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Upload ``content_body`` as the object ``artifact_id``."""
        source: BinaryIO = content_body
        if not self._avoid_buf_copy:
            source = io.BytesIO()
            shutil.copyfileobj(content_body, source)
            source.seek(0)
        self.client.upload_fileobj(source, self.bucket, artifact_id)

    def remove(self, artifact_id: str) -> None:
        """Delete the object (S3 does not say whether it existed)."""
        self.client.delete_object(Bucket=self.bucket, Key=artifact_id)


def _is_not_found(error: Exception) -> bool:
    # botocore's ClientError carries the service's answer in `response`; anything else is not a "not found".
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return False
    code = response.get("Error", {}).get("Code")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("NoSuchKey", "404", "NotFound") or status == 404
