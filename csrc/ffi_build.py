"""cffi builder for ``pyhpo._cjournal``, the compiled journal engine (out-of-line API mode).

``setup.py`` names ``csrc/ffi_build.py:ffibuilder``, so ``pip install .`` compiles the module into the wheel.
For development, build it in place (the ``.so`` lands in ``pyhpo/`` and is git-ignored)::

    python csrc/ffi_build.py    # from the root of a clone

The declarations are not repeated here: they are read from the block of ``journal.h`` between the
``PJ_CDEF_BEGIN`` and ``PJ_CDEF_END`` markers.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import sys
import tempfile

import cffi

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
BEGIN, END = "/* PJ_CDEF_BEGIN */", "/* PJ_CDEF_END */"


def read_cdef(header: pathlib.Path) -> str:
    """Return the declarations between the cdef markers of ``header``."""
    text = header.read_text(encoding="utf-8")
    start, stop = text.find(BEGIN), text.find(END)
    if start < 0 or stop < start:
        raise RuntimeError(f"{header}: expected one {BEGIN} ... {END} block with the C API declarations.")
    return text[start + len(BEGIN) : stop]


def make_builder(root: str = "") -> cffi.FFI:
    """Return a builder whose source paths start with ``root`` (empty: relative to the project root)."""
    builder = cffi.FFI()
    builder.cdef(read_cdef(HERE / "journal.h"))
    builder.set_source(
        "pyhpo._cjournal",
        '#include "journal.h"',
        sources=[os.path.join(root, "csrc", "journal.c")],
        include_dirs=[os.path.join(root, "csrc")],
        extra_compile_args=["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    )
    return builder


# setuptools runs builders from the project root and wants relative source paths.
ffibuilder = make_builder()


def build_in_place() -> pathlib.Path:
    """Compile in a temporary folder and copy the extension into ``pyhpo/``; return its path."""
    with tempfile.TemporaryDirectory(prefix="pyhpo-cjournal-") as tmp:
        # cffi compiles from inside tmpdir, so this builder gets absolute paths.
        built = pathlib.Path(make_builder(str(ROOT)).compile(tmpdir=tmp, verbose=False))
        # The name `pip install` gives it (cffi compiles against the stable ABI), so an editable install and an
        # in-place build overwrite one file instead of one shadowing the other.
        target = ROOT / "pyhpo" / "_cjournal.abi3.so"
        for stale in (ROOT / "pyhpo").glob("_cjournal.*.so"):
            if stale != target:
                stale.unlink()
        # Copy then rename: a process that has the old module mapped keeps a consistent file.
        staging = target.with_suffix(".tmp")
        shutil.copyfile(built, staging)
        os.replace(staging, target)
    return target


if __name__ == "__main__":
    print(build_in_place(), file=sys.stdout)
