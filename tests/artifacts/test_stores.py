"""Backoff around a flaky store; S3 against a local S3-compatible server (moto); GCS through a client double."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from typing import Any

import pytest

import pyhpo
from pyhpo.artifacts import Backoff, Boto3ArtifactStore, GCSArtifactStore, download_artifact, upload_artifact
from pyhpo.artifacts.exceptions import ArtifactNotFound


class _Flaky:
    """A store in memory that fails the first ``failures`` calls of each method."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: dict[str, int] = {}
        self.data: dict[str, bytes] = {}

    def _maybe_fail(self, method: str) -> None:
        self.calls[method] = self.calls.get(method, 0) + 1
        if self.calls[method] <= self.failures:
            raise ConnectionError(f"{method} failed (call {self.calls[method]})")

    def open_reader(self, artifact_id: str) -> Any:
        self._maybe_fail("open_reader")
        if artifact_id not in self.data:
            raise ArtifactNotFound(artifact_id)
        return io.BytesIO(self.data[artifact_id])

    def write(self, artifact_id: str, content_body: Any) -> None:
        self._maybe_fail("write")
        self.data[artifact_id] = content_body.read()

    def remove(self, artifact_id: str) -> None:
        self._maybe_fail("remove")
        if self.data.pop(artifact_id, None) is None:
            raise ArtifactNotFound(artifact_id)


class _HalfWrite(_Flaky):
    def write(self, artifact_id: str, content_body: Any) -> None:
        self.calls["write"] = self.calls.get("write", 0) + 1
        if self.calls["write"] == 1:
            content_body.read(3)  # consumes part of the body, then the connection drops
            raise ConnectionError("dropped")
        self.data[artifact_id] = content_body.read()


def test_backoff_retries_until_the_backend_answers() -> None:
    flaky = _Flaky(failures=2)
    store = Backoff(flaky, min_delay=0.001, max_delay=0.002)
    store.write("a", io.BytesIO(b"abc"))
    assert store.open_reader("a").read() == b"abc"
    store.remove("a")
    assert flaky.calls == {"write": 3, "open_reader": 3, "remove": 3}


def test_backoff_gives_up_after_max_retries_with_the_last_error() -> None:
    store = Backoff(_Flaky(failures=10), max_retries=3, min_delay=0.001, max_delay=0.002)
    with pytest.raises(ConnectionError, match="call 3"):
        store.write("a", io.BytesIO(b"abc"))


def test_backoff_never_retries_not_found() -> None:
    flaky = _Flaky(failures=0)
    with pytest.raises(ArtifactNotFound):
        Backoff(flaky, min_delay=0.001, max_delay=0.002).open_reader("missing")
    assert flaky.calls == {"open_reader": 1}


def test_backoff_rewinds_the_body_before_retrying_a_write() -> None:
    backend = _HalfWrite(failures=0)
    Backoff(backend, min_delay=0.001, max_delay=0.002).write("a", io.BytesIO(b"abcdef"))
    assert backend.data["a"] == b"abcdef"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_retries": 0}, "max_retries must be a positive integer, got 0"),
        ({"multiplier": 0}, "multiplier must be positive, got 0"),
        ({"min_delay": -1.0}, "min_delay must be positive, got -1.0"),
        ({"min_delay": 2.0, "max_delay": 1.0}, r"max_delay must be greater than min_delay \(2.0\), got 1.0"),
    ],
)
def test_backoff_rejects_bad_settings(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Backoff(_Flaky(0), **kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_client() -> Iterator[Any]:
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        client = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        client.create_bucket(Bucket="pyhpo-artifacts")
        yield client
    finally:
        server.stop()


def test_s3_store_against_a_local_s3_server(s3_client: Any, tmp_path: Any) -> None:
    for avoid_buf_copy in (False, True):
        store = Boto3ArtifactStore("pyhpo-artifacts", client=s3_client, avoid_buf_copy=avoid_buf_copy)
        study = pyhpo.create_study()
        src = tmp_path / f"model-{avoid_buf_copy}.bin"
        src.write_bytes(b"s3 bytes" * 1000)
        artifact_id = upload_artifact(artifact_store=store, file_path=src, study_or_trial=study)
        out = tmp_path / f"out-{avoid_buf_copy}.bin"
        download_artifact(artifact_store=store, file_path=out, artifact_id=artifact_id)
        assert out.read_bytes() == src.read_bytes()
        store.remove(artifact_id)
        with pytest.raises(ArtifactNotFound, match="pyhpo-artifacts"):
            store.open_reader(artifact_id)


class _NotFound(Exception):
    """Named as google.api_core.exceptions.NotFound is: the store recognises it by name."""


_NotFound.__name__ = "NotFound"


class _Blob:
    def __init__(self, bucket: _Bucket, name: str) -> None:
        self.bucket, self.name = bucket, name

    def upload_from_string(self, data: bytes) -> None:
        self.bucket.blobs[self.name] = data

    def download_as_bytes(self) -> bytes:
        if self.name not in self.bucket.blobs:
            raise _NotFound(self.name)
        return self.bucket.blobs[self.name]


class _Bucket:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def blob(self, name: str) -> _Blob:
        return _Blob(self, name)

    def get_blob(self, name: str) -> _Blob | None:
        return _Blob(self, name) if name in self.blobs else None

    def delete_blob(self, name: str) -> None:
        if self.blobs.pop(name, None) is None:
            raise _NotFound(name)


class _Client:
    """The three calls of google.cloud.storage.Client's API that the store makes (no GCS emulator on PyPI)."""

    def __init__(self) -> None:
        self.buckets: dict[str, _Bucket] = {}

    def bucket(self, name: str) -> _Bucket:
        return self.buckets.setdefault(name, _Bucket())


def test_gcs_store_through_the_client_api() -> None:
    client = _Client()
    store = GCSArtifactStore("b", client=client)
    store.write("id", io.BytesIO(b"gcs bytes"))
    assert client.buckets["b"].blobs == {"id": b"gcs bytes"}
    assert store.open_reader("id").read() == b"gcs bytes"
    store.remove("id")
    with pytest.raises(ArtifactNotFound, match="'id' in bucket 'b'"):
        store.open_reader("id")
    with pytest.raises(ArtifactNotFound):
        store.remove("id")
