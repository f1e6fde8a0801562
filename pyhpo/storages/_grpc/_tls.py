"""Certificate and key problems of the proxy, found at once and named.

gRPC reports them late and vaguely: a server given a broken PEM file or a key that does not belong to its
certificate says only "Failed to bind to address"; a client that does not trust the server's certificate,
or reaches it under a name the certificate does not list, sees UNAVAILABLE -- the code of a server that is
down -- and would retry for its whole ``retry_timeout``. So the server checks its files with the standard
``ssl`` module before gRPC sees them, the client checks its CA file when it is built, and the client
recognises a failed certificate check in the status details and gives up at once, saying which file or
name is wrong.

The shared token's environment variable (:data:`TOKEN_ENV`) and the reading of PEM files given as paths are
here too, so client and server define them once.
"""

from __future__ import annotations

import os
import re
import ssl
import tempfile
from pathlib import Path

__all__ = [
    "TOKEN_ENV",
    "check_root_certificates",
    "check_server_pair",
    "handshake_failure",
    "read_pem",
    "resolve_token",
    "source_of",
]

# Where client and server read the shared token from when ``token=None``.
TOKEN_ENV = "PYHPO_GRPC_TOKEN"


def resolve_token(token: str | None) -> str | None:
    """``None`` means "take the token from TOKEN_ENV if set"; an empty string means "no token"."""
    if token is None:
        token = os.environ.get(TOKEN_ENV)
    return token or None


def read_pem(value: bytes | str | os.PathLike[str] | None, what: str) -> bytes | None:
    """Accept PEM bytes or the path of a PEM file; ``what`` names the file in the error."""
    if value is None or isinstance(value, bytes):
        return value
    path = Path(value)
    try:
        return path.read_bytes()
    except OSError as e:
        raise ValueError(f"cannot read the {what} from {str(path)!r}: {e.strerror}") from e


def source_of(value: bytes | str | os.PathLike[str]) -> str:
    """How a message names where PEM text came from: the path, or that it was given as bytes."""
    if isinstance(value, bytes):
        return "(given as PEM bytes)"
    return repr(str(Path(value)))


def _certificates(pem: bytes, what: str) -> None:
    """Raise ValueError unless ``pem`` holds PEM certificates that OpenSSL parses."""
    text = pem.decode("ascii", errors="replace")
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ValueError(f"{what} holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' line)")
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=text)
    except (ssl.SSLError, ValueError) as e:
        raise ValueError(f"{what} is not a valid PEM certificate: {_reason(e)}") from e


def check_root_certificates(pem: bytes, source: str) -> None:
    """Refuse a client's ``root_certificates`` that hold no valid certificate.

    Raises:
        ValueError: Naming the file (``source``) and what is wrong with it.
    """
    _certificates(pem, f"root_certificates {source}")


def check_server_pair(chain: bytes, key: bytes, chain_source: str, key_source: str) -> None:
    """Refuse a server certificate chain or private key that gRPC could not use.

    The certificates are parsed, then the pair is loaded the way a TLS server loads it, which checks that the
    key parses and belongs to the first certificate of the chain.

    Raises:
        ValueError: Naming the file that is wrong (``chain_source`` or ``key_source``) and why.
    """
    _certificates(chain, f"the certificate chain {chain_source}")
    key_text = key.decode("ascii", errors="replace")
    if not re.search(r"-----BEGIN [A-Z ]*PRIVATE KEY-----", key_text):
        raise ValueError(
            f"the private key {key_source} holds no PEM private key (no '-----BEGIN ... PRIVATE KEY-----' line)"
        )
    if "ENCRYPTED" in key_text:
        raise ValueError(f"the private key {key_source} is encrypted; the gRPC server needs it unencrypted")
    # ssl loads a pair only from files: a private directory (0700) and files (0600), removed at once.
    with tempfile.TemporaryDirectory(prefix="pyhpo-tls-") as directory:
        chain_path = os.path.join(directory, "chain.pem")
        key_path = os.path.join(directory, "key.pem")
        for path, data in ((chain_path, chain), (key_path, key)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(chain_path, key_path, password=b"")
        except ssl.SSLError as e:
            if "KEY_VALUES_MISMATCH" in str(e):
                raise ValueError(
                    f"the private key {key_source} does not belong to the first certificate of {chain_source}"
                ) from e
            raise ValueError(
                f"the private key {key_source} is not a valid PEM private key: {_reason(e)}"
            ) from e


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None)
    return f"{reason} ({error})" if reason else str(error)


# What gRPC's status details say when the TLS handshake fails for a reason no retry can fix.
_VERIFY_FAILED = re.compile(r"CERTIFICATE_VERIFY_FAILED:?\s*([^:]*)")
_NAME_MISMATCH = "Hostname Verification Check failed"
_NOT_TLS = "WRONG_VERSION_NUMBER"


def handshake_failure(details: str, target: str, roots_source: str | None, name: str) -> str | None:
    """The message for an UNAVAILABLE status that is really a failed certificate check, or None.

    Args:
        details: The status details gRPC gave.
        target: ``host:port`` the client connects to.
        roots_source: Where the client's root certificates came from (None: the system's).
        name: The name the server certificate is checked against (``server_name`` or the host).
    """
    verify = _VERIFY_FAILED.search(details)
    if verify is not None:
        roots = f"the root certificates {roots_source}" if roots_source else "the system's root certificates"
        why = verify.group(1).strip()
        return (
            f"TLS: the certificate of the gRPC storage proxy at {target} is not trusted by {roots}"
            f"{f' ({why})' if why else ''}; pass root_certificates= the CA certificate that signed it"
        )
    if _NAME_MISMATCH in details:
        return (
            f"TLS: the certificate of the gRPC storage proxy at {target} is not valid for the name {name!r}; "
            "connect with a host name the certificate lists, or pass server_name= one of them"
        )
    if _NOT_TLS in details:
        return (
            f"TLS: the gRPC storage proxy at {target} does not answer in TLS; start it with "
            "certificate_chain= and private_key=, or connect without TLS"
        )
    return None
