"""The journal engines tests run against, and how to select one (imported by conftests and backends.py)."""

from __future__ import annotations

import pytest

from pyhpo.storages.journal import _engine

ENGINES = ("c", "python")


def use_engine(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make new journals (in this process and in child processes) use engine ``name``; skip if not built."""
    if name == "c" and _engine.lib is None:
        pytest.skip(f"the C journal engine is not built ({_engine._C_MISSING})")
    monkeypatch.setenv(_engine.ENGINE_ENV, name)
