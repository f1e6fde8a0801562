"""Only what pyproject.toml cannot say: the optional cffi modules, the C journal engine and the C TPE kernel.

``pyhpo._cjournal`` and ``pyhpo._ctpe`` are compiled against the stable ABI (one wheel per platform serves CPython
3.10 and later). When one cannot be built (no C compiler, a platform the engine does not support) the install
still succeeds and pyhpo uses its portable journal engine or its numpy TPE path. ``PYHPO_CJOURNAL`` picks the
behaviour for both:

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


# What each extension's absence means, for the warning.
WHAT = {
    "pyhpo._cjournal": ("the C journal engine", "its portable journal engine"),
    "pyhpo._ctpe": ("the C TPE kernel", "its numpy TPE code"),
}


def _warn(error: BaseException, name: str = "pyhpo._cjournal") -> None:
    what, instead = WHAT.get(name, (name, "portable code"))
    print(
        f"WARNING: pyhpo: {what} was not built ({type(error).__name__}: {str(error)[:200]}); "
        f"pyhpo will use {instead}.",
        file=sys.stderr,
    )


class OptionalBuildExt(build_ext):
    """``build_ext`` that lets the C extensions fail without failing the install (unless required)."""

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
            _warn(e, ext.name)


options: dict[str, Any] = {}
extension: dict[str, Any] = {}
if MODE != "skip":
    extension["cffi_modules"] = ["csrc/ffi_build.py:ffibuilder", "csrc/ffi_build.py:tpe_ffibuilder"]
    # cffi compiles with Py_LIMITED_API on CPython; tag the wheel to match (cp310-abi3-<platform>). A free-threaded
    # build has no stable ABI, so its wheel keeps the interpreter's own tag.
    if sys.implementation.name == "cpython" and not sysconfig.get_config_var("Py_GIL_DISABLED"):
        options["bdist_wheel"] = {"py_limited_api": "cp310"}

setup(cmdclass={"build_ext": OptionalBuildExt}, options=options, **extension)
