"""Retries with exponential backoff around any artifact store, for flaky networks."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TypeVar

from pyhpo.artifacts.exceptions import ArtifactNotFound
from pyhpo.logging import get_logger

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import BinaryIO

    from pyhpo.artifacts._protocol import ArtifactStore

__all__ = ["Backoff"]

_logger = get_logger(__name__)
_T = TypeVar("_T")


class Backoff:
    """Wrap ``backend`` so each call is retried up to ``max_retries`` times on errors.

    The n-th retry waits ``min(min_delay * multiplier**n, max_delay)`` seconds (by default 0.1, 0.2, 0.4, ...,
    capped at 30). ``ArtifactNotFound`` is an answer, not a failure: it is never retried. A retried ``write``
    rewinds ``content_body`` first, so the file object must be seekable.

    Example::

        store = Backoff(Boto3ArtifactStore("my-bucket"))
    """

    def __init__(
        self,
        backend: ArtifactStore,
        *,
        max_retries: int = 10,
        multiplier: float = 2,
        min_delay: float = 0.1,
        max_delay: float = 30,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries <= 0:
            raise ValueError(f"max_retries must be a positive integer, got {max_retries!r}.")
        for name, value in (("multiplier", multiplier), ("min_delay", min_delay)):
            if not value > 0:
                raise ValueError(f"{name} must be positive, got {value!r}.")
        if not max_delay > min_delay:
            raise ValueError(f"max_delay must be greater than min_delay ({min_delay!r}), got {max_delay!r}.")
        self._backend = backend
        self._max_retries = max_retries
        self._multiplier = multiplier
        self._min_delay = min_delay
        self._max_delay = max_delay

    def _delay(self, n_retry: int) -> float:
        return float(min(self._min_delay * self._multiplier**n_retry, self._max_delay))

    def _retry(
        self, what: str, call: Callable[[], _T], before_retry: Callable[[], object] | None = None
    ) -> _T:
        for attempt in range(self._max_retries):
            try:
                return call()
            except ArtifactNotFound:
                raise
            except Exception as e:
                if attempt == self._max_retries - 1:
                    raise
                _logger.error(f"Failed to {what} (attempt {attempt + 1} of {self._max_retries}): {e!r}")
            time.sleep(self._delay(attempt))
            if before_retry is not None:
                before_retry()
        raise AssertionError("unreachable: the last attempt returns or raises")

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """The backend's ``open_reader``, retried."""
        return self._retry(f"open artifact={artifact_id}", lambda: self._backend.open_reader(artifact_id))

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """The backend's ``write``, retried from the start of ``content_body``."""
        start = content_body.tell()
        self._retry(
            f"write artifact={artifact_id}",
            lambda: self._backend.write(artifact_id, content_body),
            before_retry=lambda: content_body.seek(start),
        )

    def remove(self, artifact_id: str) -> None:
        """The backend's ``remove``, retried."""
        self._retry(f"remove artifact={artifact_id}", lambda: self._backend.remove(artifact_id))
