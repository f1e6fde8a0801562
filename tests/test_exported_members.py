"""Every public package keeps an honest ``__all__``: sorted, public, complete, and importable."""

from __future__ import annotations
import __future__

import collections.abc
import importlib
import types
import typing

import pytest

MODULES = [
    "pyhpo",
    "pyhpo.artifacts",
    "pyhpo.distributions",
    "pyhpo.exceptions",
    "pyhpo.importance",
    "pyhpo.integration",
    "pyhpo.integration.catboost",
    "pyhpo.integration.dask",
    "pyhpo.integration.lightgbm",
    "pyhpo.integration.sklearn",
    "pyhpo.integration.xgboost",
    "pyhpo.logging",
    "pyhpo.pruners",
    "pyhpo.samplers",
    "pyhpo.storages",
    "pyhpo.storages.dashboard",
    "pyhpo.storages.journal",
    "pyhpo.study",
    "pyhpo.terminator",
    "pyhpo.trial",
    "pyhpo.visualization",
    "pyhpo.visualization.matplotlib",
]

# Names a module may hold without exporting them: the tools it is written with, not what it offers.
_TOOLING = (typing, collections.abc, __future__)


def _is_tooling(name: str, value: object) -> bool:
    if isinstance(value, types.ModuleType):
        return True  # submodules and imported modules are reached as attributes, not star-imported
    if isinstance(value, __future__._Feature):
        return True  # `from __future__ import annotations`
    return any(getattr(mod, name, None) is value for mod in _TOOLING)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("module_name", MODULES)
def test_all_is_sorted_and_has_no_duplicates(module_name: str) -> None:
    exported = importlib.import_module(module_name).__all__
    assert list(exported) == sorted(exported)
    assert len(set(exported)) == len(exported)


@pytest.mark.parametrize("module_name", MODULES)
def test_all_has_no_private_names(module_name: str) -> None:
    exported = importlib.import_module(module_name).__all__
    assert [n for n in exported if _is_private(n)] == []


@pytest.mark.parametrize("module_name", MODULES)
def test_every_exported_name_resolves(module_name: str) -> None:
    module = importlib.import_module(module_name)
    missing = []
    for name in module.__all__:
        try:
            getattr(module, name)
        except (AttributeError, ImportError):
            missing.append(name)
    assert missing == []


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_the_module_holds_is_exported(module_name: str) -> None:
    module = importlib.import_module(module_name)
    # Resolve lazy exports first so that the module's namespace is complete.
    for name in module.__all__:
        try:
            getattr(module, name)
        except (AttributeError, ImportError):
            pass  # reported by test_every_exported_name_resolves
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not _is_tooling(name, value)
    }
    assert sorted(public - set(module.__all__)) == []


@pytest.mark.parametrize("module_name", MODULES)
def test_star_import_gives_exactly_all(module_name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {module_name} import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(importlib.import_module(module_name).__all__)


def test_the_checks_catch_an_unexported_public_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The completeness check above is not vacuous: a new public function that is not exported is caught."""
    import pyhpo.trial

    def leaked() -> None: ...

    monkeypatch.setattr(pyhpo.trial, "leaked", leaked, raising=False)
    public = {n for n, v in vars(pyhpo.trial).items() if not n.startswith("_") and not _is_tooling(n, v)}
    assert "leaked" in public - set(pyhpo.trial.__all__)
    assert not _is_tooling("Sequence", 1) and _is_tooling("Sequence", collections.abc.Sequence)
