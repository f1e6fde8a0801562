"""Certificate and key mistakes on either side of the proxy fail at once and say what is wrong (issue 10, item 6).

Before, a client with the wrong CA or a name the certificate does not list retried for a minute and then raised
a ``ConnectionError`` about an unavailable server, naming the resolved address; a server given a broken PEM file or
a key of another certificate said "Failed to bind". Certificates are made with ``cryptography``.
"""

from __future__ import annotations

import datetime
import ipaddress
import time
from dataclasses import dataclass

import pytest

pytest.importorskip("grpc")
x509 = pytest.importorskip("cryptography.x509")

from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pyhpo.storages import InMemoryStorage
from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.storages._grpc.server import GrpcProxyServer, make_server

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

FAST = 10.0  # seconds: far below the client's default retry_timeout of 60 s


@dataclass
class Pair:
    cert: Path
    key: Path


def _pair(directory: Path, stem: str, names: list[str]) -> Pair:
    """A self-signed CA certificate (PEM file) for ``names`` (DNS names or IP addresses) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.timezone.utc)
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pair = Pair(directory / f"{stem}.crt", directory / f"{stem}.key")
    pair.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pair.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return pair


@pytest.fixture
def server_pair(tmp_path: Path) -> Pair:
    return _pair(tmp_path, "server", ["localhost", "127.0.0.1"])


@pytest.fixture
def tls_server(server_pair: Pair) -> Iterator[GrpcProxyServer]:
    server = make_server(
        InMemoryStorage(), "127.0.0.1", 0, certificate_chain=server_pair.cert, private_key=server_pair.key
    ).start()
    try:
        yield server
    finally:
        server.stop(grace=None)


def _first_call_fails(client: GrpcStorageProxy) -> tuple[ConnectionError, float]:
    started = time.monotonic()
    try:
        with pytest.raises(ConnectionError) as info:
            client.get_all_studies()
    finally:
        client.close()
    return info.value, time.monotonic() - started


# Client side ------------------------------------------------------------------------------------------------


def test_client_with_the_wrong_ca_fails_at_once_naming_its_ca_file(
    tls_server: GrpcProxyServer, tmp_path: Path
) -> None:
    other = _pair(tmp_path, "other-ca", ["other.example"])
    client = GrpcStorageProxy(host="127.0.0.1", port=tls_server.port, root_certificates=other.cert)
    error, took = _first_call_fails(client)
    assert took < FAST
    message = str(error)
    assert f"127.0.0.1:{tls_server.port}" in message and "is not trusted by the root certificates" in message
    assert repr(str(other.cert)) in message and "root_certificates=" in message


def test_client_reaching_the_server_under_a_name_its_certificate_lacks_fails_at_once_naming_it(
    tls_server: GrpcProxyServer, server_pair: Pair
) -> None:
    client = GrpcStorageProxy(
        host="127.0.0.1", port=tls_server.port, root_certificates=server_pair.cert, server_name="db.example"
    )
    error, took = _first_call_fails(client)
    assert took < FAST
    assert "is not valid for the name 'db.example'" in str(error) and "server_name=" in str(error)


def test_name_checked_is_the_host_when_no_server_name_is_given(tmp_path: Path) -> None:
    only_dns = _pair(tmp_path, "dns-only", ["proxy.example"])
    with make_server(
        InMemoryStorage(), "127.0.0.1", 0, certificate_chain=only_dns.cert, private_key=only_dns.key
    ) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port, root_certificates=only_dns.cert)
        error, took = _first_call_fails(client)
        assert took < FAST and "is not valid for the name '127.0.0.1'" in str(error)
        # The same certificate with the name it lists works.
        good = GrpcStorageProxy(
            host="127.0.0.1", port=server.port, root_certificates=only_dns.cert, server_name="proxy.example"
        )
        try:
            assert good.get_all_studies() == []
        finally:
            good.close()


def test_tls_client_of_a_plaintext_server_fails_at_once(server_pair: Pair) -> None:
    with make_server(InMemoryStorage(), "127.0.0.1", 0) as server:
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port, root_certificates=server_pair.cert)
        error, took = _first_call_fails(client)
        assert took < FAST and "does not answer in TLS" in str(error)


def test_root_certificates_that_are_not_a_certificate_are_refused_when_the_client_is_built(
    server_pair: Pair, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=r"root_certificates '.*server\.key' holds no PEM certificate"):
        GrpcStorageProxy(host="127.0.0.1", port=1, root_certificates=server_pair.key)
    broken = tmp_path / "broken.crt"
    broken.write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")
    with pytest.raises(ValueError, match=r"root_certificates '.*broken\.crt' is not a valid PEM certificate"):
        GrpcStorageProxy(host="127.0.0.1", port=1, root_certificates=broken)


# Server side ------------------------------------------------------------------------------------------------


def _serve(cert: Path | bytes, key: Path | bytes) -> None:
    make_server(InMemoryStorage(), "127.0.0.1", 0, certificate_chain=cert, private_key=key)


def test_server_with_a_garbage_certificate_file_names_that_file(server_pair: Pair, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.crt"
    garbage.write_bytes(b"\x00\x01 not pem at all")
    with pytest.raises(ValueError, match=r"the certificate chain '.*garbage\.crt' holds no PEM certificate"):
        _serve(garbage, server_pair.key)


def test_server_with_files_swapped_names_the_key_file(server_pair: Pair) -> None:
    with pytest.raises(ValueError, match=r"the certificate chain '.*server\.key' holds no PEM certificate"):
        _serve(server_pair.key, server_pair.cert)
    with pytest.raises(ValueError, match=r"the private key '.*server\.crt' holds no PEM private key"):
        _serve(server_pair.cert, server_pair.cert)


def test_server_with_the_key_of_another_certificate_says_so(server_pair: Pair, tmp_path: Path) -> None:
    other = _pair(tmp_path, "other", ["localhost"])
    with pytest.raises(ValueError, match=r"private key '.*other\.key' does not belong to .*server\.crt"):
        _serve(server_pair.cert, other.key)


def test_server_with_a_corrupt_or_encrypted_key_names_the_key_file(server_pair: Pair, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.key"
    corrupt.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    with pytest.raises(ValueError, match=r"the private key '.*corrupt\.key' is not a valid PEM private key"):
        _serve(server_pair.cert, corrupt)
    key = serialization.load_pem_private_key(server_pair.key.read_bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    with pytest.raises(ValueError, match=r"private key \(given as PEM bytes\) is encrypted"):
        _serve(server_pair.cert.read_bytes(), encrypted)


def test_server_with_a_good_pair_given_as_bytes_serves_tls(server_pair: Pair) -> None:
    with make_server(
        InMemoryStorage(), "127.0.0.1", 0,
        certificate_chain=server_pair.cert.read_bytes(), private_key=server_pair.key.read_bytes(),
    ) as server:  # fmt: skip
        client = GrpcStorageProxy(host="127.0.0.1", port=server.port, root_certificates=server_pair.cert)
        try:
            assert client.get_all_studies() == []
        finally:
            client.close()
