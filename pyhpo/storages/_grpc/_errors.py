"""What a failed call of the proxy means to the caller: gRPC status codes turned back into the exceptions the
storage behind the server raised (the storage contract's KeyError, DuplicatedStudyError, ...), and the codes a
client retries.

grpc is imported inside the functions: this module loads without the ``grpc`` extra.
"""

from __future__ import annotations

from typing import Any

from pyhpo.exceptions import DuplicatedStudyError, StorageInternalError, UpdateFinishedTrialError

__all__ = ["is_retried", "translate"]


def is_retried(code: Any) -> bool:
    """UNAVAILABLE: no server (down, restarting). CANCELLED: the server stopped while the call was in flight
    (a client never cancels its own calls). Both are outages a retry can outlast."""
    import grpc

    return code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)


def translate(
    error: Any, target: str, name: str, attempts: int, elapsed: float, timeout: float | None
) -> Exception:
    """The exception a failed call ``name`` to the server at ``target`` raises, from its status ``error``.

    NOT_FOUND -> KeyError, ALREADY_EXISTS -> DuplicatedStudyError, FAILED_PRECONDITION ->
    UpdateFinishedTrialError, INVALID_ARGUMENT -> ValueError, UNAUTHENTICATED -> PermissionError,
    UNAVAILABLE/CANCELLED (after the retries) -> ConnectionError, UNIMPLEMENTED -> NotImplementedError,
    DEADLINE_EXCEEDED -> TimeoutError; anything else is a StorageInternalError naming the code.
    """
    import grpc

    code = error.code()
    details = error.details() or ""
    codes = grpc.StatusCode
    if code == codes.NOT_FOUND:
        return KeyError(details)
    if code == codes.ALREADY_EXISTS:
        return DuplicatedStudyError(details)
    if code == codes.FAILED_PRECONDITION:
        return UpdateFinishedTrialError(details)
    if code == codes.INVALID_ARGUMENT:
        return ValueError(details)
    if code == codes.UNAUTHENTICATED:
        return PermissionError(f"gRPC storage proxy at {target} refused {name}: {details}")
    if code in (codes.UNAVAILABLE, codes.CANCELLED):
        return ConnectionError(
            f"gRPC storage proxy at {target} is unavailable ({details}); gave up {name} after "
            f"{attempts} attempts in {elapsed:.1f} s"
        )
    if code == codes.UNIMPLEMENTED:
        return NotImplementedError(f"the server at {target} does not implement {name}: {details}")
    if code == codes.DEADLINE_EXCEEDED:
        return TimeoutError(f"{name} on the gRPC storage proxy at {target} exceeded {timeout} s")
    return StorageInternalError(
        f"{name} failed on the gRPC storage proxy at {target}: {code.name}: {details}"
    )
