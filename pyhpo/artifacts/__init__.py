"""Artifacts: files (models, plots, logs) stored beside a study or trial, in a store you choose.

The file goes to an artifact store (a folder, S3, Google Cloud Storage); its metadata (id, file name, MIME type,
encoding) goes into the study's or trial's system attributes under ``artifacts:<id>``, where Optuna keeps it, so
optuna-dashboard shows pyhpo's artifacts and Optuna reads them (and the other way round).
"""

from __future__ import annotations

from pyhpo.artifacts._backoff import Backoff
from pyhpo.artifacts._boto3 import Boto3ArtifactStore
from pyhpo.artifacts._filesystem import FileSystemArtifactStore
from pyhpo.artifacts._gcs import GCSArtifactStore
from pyhpo.artifacts._meta import ArtifactMeta, download_artifact, get_all_artifact_meta, upload_artifact

__all__ = [
    "ArtifactMeta",
    "Backoff",
    "Boto3ArtifactStore",
    "FileSystemArtifactStore",
    "GCSArtifactStore",
    "download_artifact",
    "get_all_artifact_meta",
    "upload_artifact",
]
