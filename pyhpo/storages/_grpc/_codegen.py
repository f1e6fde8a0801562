"""Regenerate the committed protobuf / gRPC modules from ``api.proto``.

Run ``python -m pyhpo.storages._grpc._codegen`` (needs ``grpcio-tools``) after editing the proto.
The output of ``grpc_tools.protoc`` is adjusted in two ways, both needed for our layout:

* The descriptors go into a private ``DescriptorPool`` instead of protobuf's process-wide default
  pool. Our proto declares ``package optuna`` (for wire compatibility), so registering it in the
  default pool would clash with the real ``optuna`` package's own ``api.proto`` the moment both are
  imported in one process -- which interop tests and mixed deployments do.
* The service module imports the message module through the package, not as a top-level
  ``api_pb2`` module.

``tests/storages/grpc/test_codegen.py`` regenerates into a temporary folder and checks that the
committed files are exactly what this script produces.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

__all__ = ["generate"]

_HERE = Path(__file__).resolve().parent
_PROTO = "api.proto"
_PACKAGE = "pyhpo.storages._grpc"
_OUTPUTS = ("api_pb2.py", "api_pb2.pyi", "api_pb2_grpc.py")


def _replace_once(text: str, old: str, new: str, filename: str) -> str:
    # Fail loudly if protoc's output changed shape: a silent no-op would reintroduce the clash.
    if text.count(old) != 1:
        raise RuntimeError(f"expected exactly one {old!r} in generated {filename}; protoc output changed")
    return text.replace(old, new)


def _patch_messages(text: str) -> str:
    text = _replace_once(
        text,
        "DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(",
        "# pyhpo: a private pool, so that Optuna's own api.proto (same package) can be loaded too.\n"
        "_POOL = _descriptor_pool.DescriptorPool()\n"
        "DESCRIPTOR = _POOL.AddSerializedFile(",
        "api_pb2.py",
    )
    return _replace_once(
        text,
        "_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, 'api_pb2', _globals)",
        f"_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, '{_PACKAGE}.api_pb2', _globals)",
        "api_pb2.py",
    )


def _patch_services(text: str) -> str:
    return _replace_once(
        text, "import api_pb2 as api__pb2", f"from {_PACKAGE} import api_pb2 as api__pb2", "api_pb2_grpc.py"
    )


def generate(out_dir: Path, proto_dir: Path = _HERE) -> list[Path]:
    """Compile ``api.proto`` from ``proto_dir`` into ``out_dir`` and return the written files."""
    from grpc_tools import protoc  # only needed here; not a runtime dependency

    with tempfile.TemporaryDirectory() as raw:
        args = [
            "grpc_tools.protoc",
            f"-I{proto_dir}",
            f"--python_out={raw}",
            f"--pyi_out={raw}",
            f"--grpc_python_out={raw}",
            _PROTO,
        ]
        if protoc.main(args) != 0:
            raise RuntimeError(f"protoc failed on {proto_dir / _PROTO}")
        patches = {"api_pb2.py": _patch_messages, "api_pb2_grpc.py": _patch_services}
        written = []
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in _OUTPUTS:
            text = (Path(raw) / name).read_text(encoding="utf-8")
            if name in patches:
                text = patches[name](text)
            target = out_dir / name
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate pyhpo's gRPC modules from api.proto.")
    parser.add_argument("--out", type=Path, default=_HERE, help="output folder (default: next to api.proto)")
    ns = parser.parse_args(argv)
    for path in generate(ns.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
