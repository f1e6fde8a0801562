"""`pyhpo grpc-proxy`: serves a storage URL, checks the token from the environment, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyhpo.storages._grpc.client import GrpcStorageProxy
from pyhpo.study._study_direction import StudyDirection

REPO = Path(__file__).resolve().parents[3]


def test_cli_serves_a_sqlite_url_with_a_token_and_stops_on_sigterm(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYHPO_GRPC_TOKEN": "cli-token"}
    code = "import sys; from pyhpo.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["grpc-proxy", "--storage", url, "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen([sys.executable, "-c", code, *args], env=env, stderr=subprocess.PIPE, text=True)
    try:
        client = GrpcStorageProxy(host="127.0.0.1", port=port, token="cli-token", retry_timeout=30)
        study_id = client.create_new_study([StudyDirection.MAXIMIZE], "from-cli")
        assert client.get_study_directions(study_id) == [StudyDirection.MAXIMIZE]
        intruder = GrpcStorageProxy(host="127.0.0.1", port=port, token="")
        with pytest.raises(PermissionError):
            intruder.get_all_studies()
        client.close()
        intruder.close()
        time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert f"Server started at 127.0.0.1:{port}" in err
    assert "Received SIGTERM" in err and "Server stopped." in err
    from pyhpo.storages import get_storage

    assert get_storage(url).get_study_id_from_name("from-cli") == study_id
