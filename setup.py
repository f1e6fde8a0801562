"""Only what pyproject.toml cannot say: the optional cffi module of the C journal engine.

``pyhpo._cjournal`` is compiled against the stable ABI (one wheel per platform serves CPython 3.10 and later). When
it cannot be built (no C compiler, a platform the engine does not support) the install still succeeds and pyhpo
uses its portable journal engine. ``PYHPO_CJOURNAL`` picks the behaviour:

* ``optional`` (the default): try, and on failure print one warning and go on without it;
* ``required``: a failed build fails the install (release wheels are built this way);
* ``skip``: do not try; the result is a pure-Python ``py3-none-any`` wheel.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, CompileError, ExecError, LinkError, PlatformError

MODE = os.environ.get("PYHPO_CJOURNAL", "optional").strip().lower() or "optional"
if MODE not in ("optional", "required", "skip"):
    sys.exit(f"PYHPO_CJOURNAL={MODE!r}: expected optional, required or skip")

# What a build without a working compiler ends in.
BUILD_ERRORS = (CCompilerError, CompileError, ExecError, LinkError, PlatformError, OSError)


def _warn(error: BaseException) -> None:
    print(
        f"WARNING: pyhpo: the C journal engine was not built ({type(error).__name__}: {str(error)[:200]}); "
        "pyhpo will use its portable journal engine.",
        file=sys.stderr,
    )


class OptionalBuildExt(build_ext):
    """``build_ext`` that lets the C journal engine fail without failing the install (unless required)."""

    def run(self) -> None:
        for ext in self.extensions:  # an optional extension's missing file is no error for editable installs
            ext.optional = MODE != "required"
        try:
            super().run()
        except BUILD_ERRORS as e:
            if MODE == "required":
                raise
            _warn(e)

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except BUILD_ERRORS as e:
            if MODE == "required":
                raise
            _warn(e)


options: dict[str, Any] = {}
extension: dict[str, Any] = {}
if MODE != "skip":
    extension["cffi_modules"] = ["csrc/ffi_build.py:ffibuilder"]
    # cffi compiles with Py_LIMITED_API on CPython; tag the wheel to match (cp310-abi3-<platform>). A free-threaded
    # build has no stable ABI, so its wheel keeps the interpreter's own tag.
    if sys.implementation.name == "cpython" and not sysconfig.get_config_var("Py_GIL_DISABLED"):
        options["bdist_wheel"] = {"py_limited_api": "cp310"}

setup(cmdclass={"build_ext": OptionalBuildExt}, options=options, **extension)
