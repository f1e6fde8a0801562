"""The error an artifact store raises for an id it does not hold."""

from __future__ import annotations

from pyhpo.exceptions import PyhpoError

__all__ = ["ArtifactNotFound"]


class ArtifactNotFound(PyhpoError):
    """No artifact with this id in the store (raised by ``open_reader`` and ``remove``)."""
