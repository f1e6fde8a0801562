"""The floors of the house: every module of ``pyhpo`` imports only its own floor and the floors below.

This file is the one place the picture is written down (``docs/architecture.md`` draws the same picture in prose
for contributors). The code is read with :mod:`ast`, never imported, and three rules are held against it:

1. **Imports go down.** An import that runs when a module loads may name a module on the same floor or a lower
   one, never a higher one. Imports under ``if TYPE_CHECKING:`` are annotations only and may name any floor.
2. **No imports hidden in functions.** An import of a pyhpo module inside a function (``import`` statements,
   ``importlib.import_module``, ``__import__``) usually dodges a circle that rule 1 should have broken. Optional
   third-party dependencies may be imported inside functions; a pyhpo module only when it is listed, with its
   reason, in :data:`LAZY_IMPORTS` below. A comment next to the import does not count: the list is the only way.
3. **No reaching into another package's privates.** ``from pyhpo.x._y import _z`` is for ``pyhpo.x`` itself;
   another package uses what ``pyhpo.x`` offers under public names. The exceptions are listed, each with its
   reason, in :data:`PRIVATE_NAME_EXCEPTIONS`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "pyhpo"

# The picture of the house. A module belongs to the floor of the longest prefix below that names it (``pyhpo``
# itself, the public facade, only by exact name). Entries for packages that do not exist yet say where they go.
FLOORS: dict[int, tuple[str, ...]] = {
    # the compiled C modules: the journal engine (only storages/journal/_engine.py imports it) and the TPE kernel
    # (only samplers/_tpe/_kernel.py imports it)
    0: ("pyhpo._cjournal", "pyhpo._ctpe"),
    # values: plain data and the words every floor speaks
    1: (
        "pyhpo._values",
        "pyhpo.distributions",
        "pyhpo.exceptions",
        "pyhpo.logging",
        "pyhpo._experimental",
        "pyhpo._imports",
        "pyhpo._runtime",
        "pyhpo.version",
    ),
    # storages: the BaseStorage contract and every backend
    2: ("pyhpo.storages",),
    # deciding values: samplers, pruners and the numerical helpers they share
    3: (
        "pyhpo.samplers",
        "pyhpo.pruners",
        "pyhpo.search_space",
        "pyhpo._transform",
        "pyhpo._multi_objective",
        "pyhpo._hypervolume",
        "pyhpo._group_decomposed",
    ),
    # driving or reading a whole study
    4: (
        "pyhpo.study",
        "pyhpo.trial",
        "pyhpo.visualization",
        "pyhpo.importance",
        "pyhpo.terminator",
        "pyhpo.integration",
        # artifacts link files to a Study or Trial (it takes either, as Optuna's functions do)
        "pyhpo.artifacts",
    ),
    # the command line, the benchmark harness and the public facade
    5: ("pyhpo.cli", "pyhpo._cli", "pyhpo.bench", "pyhpo"),
}

# Floor 5 holds the entry points (the command line, the benchmark harness, the ``pyhpo`` facade). Nothing
# imports them, so an import inside one of their functions cannot hide a circle; they load what a command needs
# when it runs, so that ``pyhpo --help`` and a benchmark worker start fast. Rule 2 applies to floors 0 to 4.
ENTRY_POINT_FLOOR = 5


def _lazy(importer: str, reason: str, *targets: str) -> dict[tuple[str, str], str]:
    return dict.fromkeys(((importer, target) for target in targets), reason)


# Function-level (or dynamic) imports of pyhpo modules below floor 5 that are allowed, as (importing module,
# imported module) -> reason. "<dynamic>" stands for an ``importlib.import_module`` whose argument is not a
# string literal; every string literal naming a pyhpo module in such a module then counts as one of its
# function-level imports, so a lazy table cannot hide one either.
LAZY_IMPORTS: dict[tuple[str, str], str] = {
    **_lazy(
        "pyhpo._runtime",
        "the lazy-export helper itself: it loads the module a package's table names for a public name, on first "
        "use; each table is checked as the function-level imports of the package that declares it",
        "<dynamic>",
    ),
    **_lazy(
        "pyhpo.storages",
        "backends with optional dependencies (SQLAlchemy, grpcio, redis) and Optuna's deprecated journal names "
        "load on first use, so that `import pyhpo` stays fast and works without the extras",
        "<dynamic>",
        "pyhpo.storages.journal",
        "pyhpo.storages.journal._deprecated",
        "pyhpo.storages.journal._storage",
        "pyhpo.storages._journal_locks",
        "pyhpo.storages._grpc.client",
        "pyhpo.storages._grpc.server",
        "pyhpo.storages._rdb.storage",
    ),
    **_lazy(
        "pyhpo.storages.journal",
        "the file backend loads the journal engine (the compiled extension, if built): Redis users and "
        "`import pyhpo` do not pay for it or depend on it",
        "<dynamic>",
        "pyhpo.storages.journal._engine",
        "pyhpo.storages.journal._file",
        "pyhpo.storages.journal._locks",
        "pyhpo.storages.journal._storage",
    ),
    **_lazy(
        "pyhpo.storages._grpc.client",
        "the generated gRPC modules need grpcio and protobuf, an optional extra: loaded when a proxy is created",
        "pyhpo.storages._grpc._convert",
        "pyhpo.storages._grpc.api_pb2",
        "pyhpo.storages._grpc.api_pb2_grpc",
    ),
    **_lazy(
        "pyhpo.storages._grpc.server",
        "the servicer needs grpcio, an optional extra: loaded when a server starts",
        "pyhpo.storages._grpc._servicer",
    ),
    **_lazy(
        "pyhpo.study._study",
        "samplers, pruners and the multi-objective helpers load numpy: they are imported when a study is "
        "created, so that `import pyhpo` stays light (about 50 ms, no numpy), as it was before the floors",
        "pyhpo.pruners",
        "pyhpo.samplers",
        "pyhpo._multi_objective",
    ),
    **_lazy(
        "pyhpo.samplers",
        "each sampler but RandomSampler loads on first use, so `import pyhpo.samplers` stays light and never "
        "depends on an optional sampler importing cleanly",
        "<dynamic>",
        "pyhpo.samplers._brute_force",
        "pyhpo.samplers._cmaes",
        "pyhpo.samplers._ga",
        "pyhpo.samplers._gp",
        "pyhpo.samplers._grid",
        "pyhpo.samplers._nsgaii",
        "pyhpo.samplers._nsgaiii",
        "pyhpo.samplers._partial_fixed",
        "pyhpo.samplers._qmc",
        "pyhpo.samplers._tpe.sampler",
        "pyhpo.samplers.nsgaii",
    ),
}


def _private(importer: str, target: str, reason: str, *names: str) -> dict[tuple[str, str, str], str]:
    return dict.fromkeys(((importer, target, name) for name in names), reason)


# Private names imported across packages, as (importing module, imported module, name) -> reason. Each is
# Optuna's private name for a helper of a public module; the list only shrinks (give the helper a public name in
# a private module, as pyhpo._multi_objective, pyhpo._hypervolume and pyhpo._transform do, or a hook).
_OPTUNA_DISTRIBUTION_HELPERS = (
    "Optuna's private converter of its Optuna-2 distribution classes, which create_trial applies with Optuna's "
    "FutureWarning: it needs those classes, which live in pyhpo.distributions (Optuna's public names), and "
    "pyhpo.distributions cannot import a helper module that imports it back"
)
PRIVATE_NAME_EXCEPTIONS: dict[tuple[str, str, str], str] = {
    **_private(
        "pyhpo._values._frozen_trial",
        "pyhpo.distributions",
        _OPTUNA_DISTRIBUTION_HELPERS,
        "_convert_old_distribution_to_new_distribution",
    ),
}


@dataclass(frozen=True)
class Import:
    """One import found in the source: who imports what, where, and how."""

    importer: str
    target: str  # an absolute module name
    names: tuple[str, ...]  # the names of `from target import names`; empty for `import target`
    line: int
    function_level: bool
    type_checking: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def floor_of(module: str) -> int:
    """The floor ``module`` lives on; a module the picture does not place fails the test."""
    best: tuple[int, int] | None = None
    for floor, prefixes in FLOORS.items():
        for prefix in prefixes:
            if prefix == "pyhpo":
                matches = module == "pyhpo"
            else:
                matches = module == prefix or module.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), floor)
    if best is None:
        raise AssertionError(f"{module} is on no floor: place it in FLOORS in tests/test_layers.py")
    return best[1]


def package_of(module: str) -> str:
    """The unit that owns private names: ``pyhpo.x`` for ``pyhpo.x.*``; a root module is its own unit."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _dynamic_target(call: ast.Call) -> str | None:
    """The module an ``importlib.import_module(...)`` / ``__import__(...)`` call loads: its literal or "<dynamic>".

    A call of :func:`pyhpo._runtime.lazy_exports` (a table of names to load on first use) is dynamic too.
    """
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name == "lazy_exports":
        return "<dynamic>"
    if name not in ("import_module", "__import__"):
        return None
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return "<dynamic>"


def imports_of(module: str, path: Path) -> Iterator[Import]:
    """Every import of a pyhpo module in ``module``'s source, with where it sits."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    known = _modules()
    dynamic = False

    def visit(node: ast.AST, in_function: bool, in_type_checking: bool) -> Iterator[Import]:
        nonlocal dynamic
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "pyhpo" or alias.name.startswith("pyhpo."):
                    yield Import(module, alias.name, (), node.lineno, in_function, in_type_checking)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            if target == "pyhpo" or target.startswith("pyhpo."):
                names = tuple(a.name for a in node.names)
                # `from pyhpo.x import y` where y is a module imports pyhpo.x.y
                submodules = [n for n in names if f"{target}.{n}" in known]
                for n in submodules:
                    yield Import(module, f"{target}.{n}", (), node.lineno, in_function, in_type_checking)
                rest = tuple(n for n in names if n not in submodules)
                if rest:
                    yield Import(module, target, rest, node.lineno, in_function, in_type_checking)
        elif isinstance(node, ast.Call) and (target := _dynamic_target(node)) is not None:
            if target == "<dynamic>":
                dynamic = True
                yield Import(module, target, (), node.lineno, True, False)
            elif target == "pyhpo" or target.startswith("pyhpo."):
                yield Import(module, target, (), node.lineno, True, in_type_checking)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function = True
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, in_function, True)
            for child in node.orelse:
                yield from visit(child, in_function, in_type_checking)
            return
        for child in ast.iter_child_nodes(node):
            yield from visit(child, in_function, in_type_checking)

    yield from visit(tree, False, False)
    if dynamic:
        # A module that imports by computed name: every string naming a pyhpo module is one of its imports.
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in known:
                yield Import(module, node.value, (), node.lineno, True, False)


def _all_imports() -> list[Import]:
    return [imp for module, path in _modules().items() for imp in imports_of(module, path)]


def test_every_module_is_on_a_floor() -> None:
    for module in _modules():
        floor_of(module)


def test_imports_that_run_at_load_time_only_go_down() -> None:
    upward = [
        f"{imp.importer} (floor {floor_of(imp.importer)}) line {imp.line} imports {imp.target} "
        f"(floor {floor_of(imp.target)})"
        for imp in _all_imports()
        if not imp.type_checking
        and imp.target != "<dynamic>"
        and floor_of(imp.target) > floor_of(imp.importer)
        and (imp.importer, imp.target) not in LAZY_IMPORTS
    ]
    assert upward == []


def test_lazy_imports_going_up_are_the_listed_ones_only() -> None:
    # A listed lazy import may go up a floor (that is its reason to be lazy), but nothing else may.
    for (importer, target), reason in LAZY_IMPORTS.items():
        assert reason.strip(), (importer, target)
        assert importer in _modules(), f"LAZY_IMPORTS names {importer}, which no longer exists"


def test_no_pyhpo_module_is_imported_inside_a_function_unless_listed() -> None:
    found = {
        (imp.importer, imp.target)
        for imp in _all_imports()
        if imp.function_level and not imp.type_checking and floor_of(imp.importer) < ENTRY_POINT_FLOOR
    }
    hidden = sorted(f"{importer} imports {target}" for importer, target in found - LAZY_IMPORTS.keys())
    assert hidden == [], "move these imports to the top of the module (see this file's docstring)"
    stale = sorted(f"{importer} -> {target}" for importer, target in LAZY_IMPORTS.keys() - found)
    assert stale == [], "these LAZY_IMPORTS entries no longer happen: remove them"


def test_no_module_imports_private_names_of_another_package() -> None:
    found = {
        (imp.importer, imp.target, name)
        for imp in _all_imports()
        for name in imp.names
        if name.startswith("_")
        and not (name.startswith("__") and name.endswith("__"))
        and package_of(imp.importer) != package_of(imp.target)
    }
    reaching = sorted(f"{i} imports {n} from {t}" for i, t, n in found - PRIVATE_NAME_EXCEPTIONS.keys())
    assert reaching == []
    stale = sorted(f"{i} -> {t}.{n}" for i, t, n in PRIVATE_NAME_EXCEPTIONS.keys() - found)
    assert stale == [], "these PRIVATE_NAME_EXCEPTIONS entries no longer happen: remove them"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import pyhpo.study\n", ("pyhpo.study", False, False)),
        ("def f():\n    from pyhpo import study\n", ("pyhpo.study", True, False)),
        ("if TYPE_CHECKING:\n    from pyhpo.study import Study\n", ("pyhpo.study", False, True)),
        ("def f():\n    importlib.import_module('pyhpo.study')  # lazy\n", ("pyhpo.study", True, False)),
        ("def f():\n    return __import__('pyhpo.study')\n", ("pyhpo.study", True, False)),
        ("class C:\n    def m(self):\n        from ..study import Study\n", ("pyhpo.study", True, False)),
    ],
)
def test_the_scanner_sees_every_kind_of_import(
    tmp_path: Path, source: str, expected: tuple[str, bool, bool]
) -> None:
    probe = tmp_path / "_probe.py"
    probe.write_text(source)
    found = list(imports_of("pyhpo.storages._probe", probe))
    assert [(i.target, i.function_level, i.type_checking) for i in found] == [expected]
