"""The user guide builds with ``mkdocs build --strict``: every page in the nav, no broken link or anchor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _mkdocs_command() -> list[str]:
    try:
        import mkdocs  # noqa: F401
    except ImportError:
        pytest.skip("mkdocs is not installed (pip install 'pyhpo-opt[docs]')")
    return [sys.executable, "-m", "mkdocs"]


def test_docs_build_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [
            *_mkdocs_command(),
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert (site / "index.html").is_file()
    assert (site / "benchmarks" / "index.html").is_file()


def test_every_page_in_docs_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    missing = [p for p in pages if p not in nav]
    assert not missing, f"pages not in mkdocs.yml's nav: {missing}"


def test_benchmark_page_shows_a_plot_that_exists() -> None:
    text = (ROOT / "docs" / "benchmarks.md").read_text()
    images = [line.split("(", 1)[1].split(")", 1)[0] for line in text.splitlines() if line.startswith("![")]
    assert images, "docs/benchmarks.md shows no plot"
    for image in images:
        assert (ROOT / "docs" / image).is_file(), image
    assert "python -m pyhpo.bench" in text, "the page must give the command that produced its figures"
