"""cffi builders (out-of-line API mode) for pyhpo's two compiled modules.

* ``ffibuilder``: ``pyhpo._cjournal``, the journal engine (``journal.c``);
* ``tpe_ffibuilder``: ``pyhpo._ctpe``, the TPE sampler's proposal kernel (``tpe.c``).

``setup.py`` names both (``csrc/ffi_build.py:ffibuilder`` and ``csrc/ffi_build.py:tpe_ffibuilder``), so
``pip install .`` and ``pip install -e .`` compile them. For development, build them in place (the ``.so`` files
land in ``pyhpo/`` and are git-ignored)::

    python csrc/ffi_build.py    # from the root of a clone

The declarations are not repeated here: they are read from the block of each header between its
``P?_CDEF_BEGIN`` and ``P?_CDEF_END`` markers.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import sys
import tempfile
from typing import Any

import cffi

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
BEGIN, END = "/* PJ_CDEF_BEGIN */", "/* PJ_CDEF_END */"
# The modules: (name, source file, header, cdef markers, extra compile arguments).
JOURNAL = ("_cjournal", "journal.c", "journal.h", (BEGIN, END), ())
# No -ffast-math, and no fused multiply-add (contracted by default on aarch64): tpe.c must round as numpy does.
TPE = (
    "_ctpe",
    "tpe.c",
    "tpe.h",
    ("/* PT_CDEF_BEGIN */", "/* PT_CDEF_END */"),
    ("-std=c99", "-ffp-contract=off"),
)


def read_cdef(header: pathlib.Path, markers: tuple[str, str] = (BEGIN, END)) -> str:
    """Return the declarations between the cdef ``markers`` of ``header``."""
    begin, end = markers
    text = header.read_text(encoding="utf-8")
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise RuntimeError(f"{header}: expected one {begin} ... {end} block with the C API declarations.")
    return text[start + len(begin) : stop]


def make_builder(root: str = "", module: tuple[Any, ...] = JOURNAL) -> cffi.FFI:
    """Return a builder of ``module`` whose source paths start with ``root`` (empty: relative to the project root)."""
    name, source, header, markers, extra = module
    builder = cffi.FFI()
    builder.cdef(read_cdef(HERE / header, markers))
    builder.set_source(
        f"pyhpo.{name}",
        f'#include "{header}"',
        sources=[os.path.join(root, "csrc", source)],
        include_dirs=[os.path.join(root, "csrc")],
        extra_compile_args=["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", *extra],
        libraries=[] if sys.platform == "win32" else ["m"],
    )
    return builder


# setuptools runs builders from the project root and wants relative source paths.
ffibuilder = make_builder()
tpe_ffibuilder = make_builder(module=TPE)


def build_in_place(module: tuple[Any, ...] = JOURNAL) -> pathlib.Path:
    """Compile ``module`` in a temporary folder and copy the extension into ``pyhpo/``; return its path."""
    name = module[0]
    with tempfile.TemporaryDirectory(prefix=f"pyhpo-{name.strip('_')}-") as tmp:
        # cffi compiles from inside tmpdir, so this builder gets absolute paths.
        built = pathlib.Path(make_builder(str(ROOT), module).compile(tmpdir=tmp, verbose=False))
        # The name `pip install` gives it (cffi compiles against the stable ABI), so an editable install and an
        # in-place build overwrite one file instead of one shadowing the other.
        target = ROOT / "pyhpo" / f"{name}.abi3.so"
        for stale in (ROOT / "pyhpo").glob(f"{name}.*.so"):
            if stale != target:
                stale.unlink()
        # Copy then rename: a process that has the old module mapped keeps a consistent file.
        staging = target.with_suffix(".tmp")
        shutil.copyfile(built, staging)
        os.replace(staging, target)
    return target


if __name__ == "__main__":
    for _module in (JOURNAL, TPE):
        print(build_in_place(_module), file=sys.stdout)
