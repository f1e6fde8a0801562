"""TLS with a self-signed certificate, and the shared token checked on every call."""

from __future__ import annotations

import datetime
import ipaddress
from typing import TYPE_CHECKING, Any

import pytest

from pyhpo.storages import InMemoryStorage
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.study._study_direction import StudyDirection

from .conftest import serving

if TYPE_CHECKING:
    from pathlib import Path

MIN = [StudyDirection.MINIMIZE]


def _self_signed() -> tuple[bytes, bytes]:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def test_tls_round_trip_with_a_self_signed_certificate(tmp_path: Path) -> None:
    cert, key = _self_signed()
    (tmp_path / "cert.pem").write_bytes(cert)
    (tmp_path / "key.pem").write_bytes(key)
    with serving(certificate_chain=tmp_path / "cert.pem", private_key=tmp_path / "key.pem") as server:
        assert server.secure
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port, root_certificates=tmp_path / "cert.pem")
        try:
            study_id = client.create_new_study(MIN, "tls")
            assert client.get_study_name_from_id(study_id) == "tls"
        finally:
            client.close()
        # A plaintext client cannot talk to a TLS server: a clear connection error, fast.
        plain = GrpcStorageProxy(host="127.0.0.1", port=server.port, retry_timeout=0.5)
        try:
            with pytest.raises(ConnectionError, match="unavailable"):
                plain.get_all_studies()
        finally:
            plain.close()


def test_wrong_or_missing_token_is_unauthenticated_and_writes_nothing(monkeypatch: Any) -> None:
    monkeypatch.delenv("PYHPO_GRPC_TOKEN", raising=False)
    backend = InMemoryStorage()
    with serving(backend, token="s3cret") as server:
        for token in ("", "wrong", "s3cret-but-longer"):
            intruder = GrpcStorageProxy(host="127.0.0.1", port=server.port, token=token)
            try:
                with pytest.raises(PermissionError, match="refused CreateNewStudy"):
                    intruder.create_new_study(MIN, "intruder")
                with pytest.raises(PermissionError):
                    intruder.get_all_studies()
            finally:
                intruder.close()
        assert backend.get_all_studies() == []

        monkeypatch.setenv("PYHPO_GRPC_TOKEN", "s3cret")  # the client reads the variable too
        friend = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        try:
            friend.create_new_study(MIN, "friend")
            assert [s.study_name for s in friend.get_all_studies()] == ["friend"]
        finally:
            friend.close()


def test_server_takes_its_token_from_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("PYHPO_GRPC_TOKEN", "from-env")
    with serving() as server:
        ok = GrpcStorageProxy(host="127.0.0.1", port=server.port)
        bad = GrpcStorageProxy(host="127.0.0.1", port=server.port, token="nope")
        try:
            assert ok.get_all_studies() == []
            with pytest.raises(PermissionError):
                bad.get_all_studies()
        finally:
            ok.close()
            bad.close()
