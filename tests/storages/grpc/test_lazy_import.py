"""``import pyhpo`` and ``pyhpo.storages`` work without grpcio and protobuf installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_pyhpo_imports_without_grpc_and_protobuf() -> None:
    code = textwrap.dedent(
        """
        import sys
        # Make grpc and protobuf unimportable, as on a machine without the 'grpc' extra.
        for name in ("grpc", "google.protobuf", "google"):
            sys.modules[name] = None
        import pyhpo
        import pyhpo.storages
        from pyhpo.storages import GrpcStorageProxy, run_grpc_proxy_server
        try:
            GrpcStorageProxy(host="127.0.0.1", port=1)
        except ImportError:
            print("lazy-ok")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "lazy-ok"


def test_importing_pyhpo_does_not_load_grpc() -> None:
    code = "import sys, pyhpo, pyhpo.storages; print('grpc' in sys.modules, 'google.protobuf' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]
