"""An interop test that fails says which Optuna release and which format broke (CI runs two releases)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

pytest_plugins = ["pytester"]


def test_a_failing_interop_test_names_the_optuna_release_and_the_format(pytester: pytest.Pytester) -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("optuna")
    except PackageNotFoundError:
        release = "not installed"
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.interop("journal file (op codes)")
        def test_changed_format():
            assert False, "op code 11 is unknown"

        @pytest.mark.interop("gRPC wire")
        def test_unchanged_format():
            pass
        """
    )
    result = pytester.runpytest("-m", "interop", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            f"*interop peer: optuna {release}*",
            f"*does not interoperate with optuna {release} on: journal file (op codes)*",
        ]
    )
    assert "gRPC wire" not in result.stdout.str()
