"""Small helpers shared by the study and trial tests."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyhpo
from pyhpo.samplers import RandomSampler

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyhpo.study import Study


def new_study(direction: str = "minimize", seed: int = 0, **kwargs: object) -> Study:
    """An in-memory study with a seeded random sampler (fast, deterministic)."""
    return pyhpo.create_study(direction=direction, sampler=RandomSampler(seed=seed), **kwargs)  # type: ignore[arg-type]


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]


@contextmanager
def pyhpo_records(level: int = logging.INFO) -> Iterator[_ListHandler]:
    """Collect the records of the ``pyhpo`` logger (which does not propagate to pytest's caplog by default)."""
    handler = _ListHandler()
    logger = logging.getLogger("pyhpo")
    old = pyhpo.logging.get_verbosity()
    pyhpo.logging.set_verbosity(level)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        pyhpo.logging.set_verbosity(old)
