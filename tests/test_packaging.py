"""Packaging: the distribution name, one version, the extras, what the sdist holds, and an install that survives a
missing C compiler (``setup.py``). The full build-install-smoke round trip is ``.ci/run``'s release check."""

from __future__ import annotations

import email.parser
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

import pyhpo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
DIST = "pyhpo-opt"
TEST_TOOLS = {
    "pytest",
    "pytest-timeout",
    "hypothesis",
    "ruff",
    "mypy",
    "mkdocs",
    "pytest-benchmark",
    "grpcio-tools",
}


def _pyproject() -> dict[str, Any]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_distribution_is_not_named_like_the_ontology_package() -> None:
    project = _pyproject()["project"]
    assert project["name"] == DIST
    assert project["scripts"] == {"pyhpo": "pyhpo.cli:main"}


def test_the_version_lives_in_pyhpo_version_only() -> None:
    config = _pyproject()
    assert "version" not in config["project"] and config["project"]["dynamic"] == ["version"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pyhpo.version.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+([abc]\d+|rc\d+|\.dev\d+|\.post\d+)?", pyhpo.__version__)
    headings = re.findall(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert pyhpo.__version__ in headings or headings[0] == "Unreleased", headings


def test_the_installed_metadata_matches_the_package() -> None:
    try:
        installed = importlib.metadata.version(DIST)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(f"pyhpo is not installed as {DIST} here (pip install -e .)")
    assert installed == pyhpo.__version__


def test_licence_is_an_spdx_expression_with_its_file() -> None:
    project = _pyproject()["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert not [c for c in project["classifiers"] if c.startswith("License ::")], (
        "the SPDX expression replaces them"
    )
    requires = _pyproject()["build-system"]["requires"]
    assert "setuptools>=77" in requires  # the first setuptools that reads `license = "MIT"`


def test_extras_all_holds_features_and_dev_holds_the_tools() -> None:
    extras = _pyproject()["project"]["optional-dependencies"]
    assert extras["all"] == [f"{DIST}[postgres,mysql,grpc,redis,pandas,visualization,gp,importance]"]
    assert extras["dev"] == [f"{DIST}[test,bench,docs]"]
    assert _names(extras["pandas"]) == {"pandas"}
    features = set().union(*(_names(extras[e]) for e in ("postgres", "mysql", "grpc", "redis", "pandas")))
    assert not features & TEST_TOOLS


def test_every_install_hint_names_the_distribution() -> None:
    extra = re.compile(r"pip install[^\n]*\bpyhpo\[")  # `pip install "pyhpo[grpc]"`
    bare = re.compile(
        r"pip install (-U |--upgrade )?pyhpo\b(?!-)"
    )  # `pip install -U pyhpo` (the docs warn of it)
    wrong = []
    for path in (
        sorted((ROOT / "pyhpo").rglob("*.py")) + sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
    ):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if extra.search(line) or (path.suffix == ".py" and bare.search(line)):
                wrong.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not wrong, "say pyhpo-opt, not pyhpo (an unrelated PyPI project):\n" + "\n".join(wrong)


def test_installation_page_documents_the_name_clash() -> None:
    text = (ROOT / "docs" / "installation.md").read_text(encoding="utf-8")
    assert "Human Phenotype Ontology" in text and "pip install pyhpo-opt" in text
    assert "installation.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


# --- builds: setuptools' PEP 517 hooks run in a subprocess on a copy of the tree -----------------------------------


def _setuptools_new_enough() -> bool:
    try:
        major = int(importlib.metadata.version("setuptools").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return major >= 77 and importlib.util.find_spec("cffi") is not None


needs_setuptools = pytest.mark.skipif(not _setuptools_new_enough(), reason="needs setuptools>=77 and cffi")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the source tree without build products, so builds do not touch the checkout."""
    target = tmp_path_factory.mktemp("tree") / "src"
    ignore = shutil.ignore_patterns(
        ".git",
        "build",
        "dist",
        "*.egg-info",
        "__pycache__",
        "*.so",
        "*.pyc",
        ".*_cache",
        ".hypothesis",
        "site",
        ".benchmarks",
        "_cjournal.c",
        "_ctpe.c",
    )
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def _hook(tree: Path, hook: str, out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    out.mkdir(parents=True, exist_ok=True)
    code = f"from setuptools import build_meta; print(build_meta.{hook}({str(out)!r}))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **env},
        check=False,
    )


@needs_setuptools
def test_sdist_holds_the_c_sources_licence_and_changelog(tree: Path, tmp_path: Path) -> None:
    result = _hook(tree, "build_sdist", tmp_path)
    assert result.returncode == 0, result.stderr
    sdist = tmp_path / result.stdout.split()[-1]
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        pkg_info = tar.extractfile(f"{sdist.name[: -len('.tar.gz')]}/PKG-INFO")
        assert pkg_info is not None
        metadata = email.parser.Parser().parsestr(pkg_info.read().decode())
    for wanted in (
        "csrc/journal.c",
        "csrc/journal.h",
        "csrc/tpe.c",
        "csrc/tpe.h",
        "csrc/ffi_build.py",
        "csrc/NOTES.md",
        "LICENSE",
        "CHANGELOG.md",
        "setup.py",
        "pyproject.toml",
        "pyhpo/py.typed",
        "pyhpo/storages/_grpc/api.proto",
        "examples/quickstart.py",
    ):
        assert wanted in names, wanted
    assert not [n for n in names if n.endswith((".so", ".pyc", ".o"))]
    assert metadata["Name"] == DIST and metadata["Version"] == pyhpo.__version__
    assert metadata["License-Expression"] == "MIT"


@needs_setuptools
def test_without_a_compiler_the_wheel_builds_with_one_warning_and_no_engine(
    tree: Path, tmp_path: Path
) -> None:
    result = _hook(tree, "build_wheel", tmp_path, CC="/bin/false", PYHPO_CJOURNAL="optional")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING: pyhpo:")]
    # One warning per extension: the journal engine's first (CI looks for it), then the TPE kernel's.
    assert len(warnings) == 2, result.stderr
    assert "C journal engine was not built" in warnings[0] and "portable journal engine" in warnings[0]
    assert "C TPE kernel was not built" in warnings[1] and "numpy TPE code" in warnings[1]
    wheel = tmp_path / result.stdout.split()[-1]
    assert "-cp310-abi3-" in wheel.name, wheel.name
    with zipfile.ZipFile(wheel) as z:
        assert not [n for n in z.namelist() if "_cjournal" in n or "_ctpe" in n]
        assert "pyhpo/__init__.py" in z.namelist()


@needs_setuptools
def test_a_required_engine_fails_the_build_without_a_compiler(tree: Path, tmp_path: Path) -> None:
    result = _hook(tree, "build_wheel", tmp_path, CC="/bin/false", PYHPO_CJOURNAL="required")
    assert result.returncode != 0
    assert not list(tmp_path.glob("*.whl"))


@needs_setuptools
def test_skipping_the_engine_gives_a_pure_wheel(tree: Path, tmp_path: Path) -> None:
    result = _hook(tree, "build_wheel", tmp_path, PYHPO_CJOURNAL="skip")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1].endswith("-py3-none-any.whl")
