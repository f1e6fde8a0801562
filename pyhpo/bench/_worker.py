"""A benchmark worker process: ``python -m pyhpo.bench._worker '<job as JSON>'``.

Roles:

* ``work``: prepare the workload (untimed), print ``READY``, wait for a ``GO`` line on stdin, run the
  workload, print one JSON line ``{"start", "end", "count", "summary"}`` with ``time.monotonic()`` stamps
  (one clock for every process on the host, so the harness can take the earliest start and the latest end).
* ``serve``: run library ``lib``'s gRPC proxy over ``RDBStorage(url)`` on 127.0.0.1:``port`` until SIGTERM.

On an error the worker prints ``{"error": "..."}`` and exits 1; the traceback goes to stderr.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
import warnings
from typing import Any


def _quiet(lib: Any) -> None:
    warnings.simplefilter("ignore")  # peers' ExperimentalWarning etc. are not what we measure
    logging = getattr(lib, "logging", None)
    if logging is not None and hasattr(logging, "set_verbosity"):
        logging.set_verbosity(logging.WARNING)


def _say(obj: Any) -> None:
    sys.stdout.write((obj if isinstance(obj, str) else json.dumps(obj)) + "\n")
    sys.stdout.flush()


def _work(job: dict[str, Any]) -> None:
    from pyhpo.bench._backends import Unsupported
    from pyhpo.bench._workloads import load_workload

    lib = importlib.import_module(job["lib"])
    _quiet(lib)
    workload = load_workload(job["workload"])
    try:
        state = workload.prepare(lib, job["spec"], job["study_name"], job["seed"], job["study_size"])
        workload.check(state, job["n_jobs"])
    except Unsupported as e:
        _say({"unsupported": str(e)})
        return
    _say("READY")
    if sys.stdin.readline().strip() != "GO":
        raise RuntimeError("the harness did not send GO")
    start = time.monotonic()
    count = workload.run(state, job["n_trials"], job["n_jobs"])
    end = time.monotonic()
    _say({"start": start, "end": end, "count": count, "summary": workload.after(state, job["spec"])})


def _serve(job: dict[str, Any]) -> None:
    lib = importlib.import_module(job["lib"])
    _quiet(lib)
    storage = lib.storages.RDBStorage(job["url"])
    lib.storages.run_grpc_proxy_server(storage, host="127.0.0.1", port=job["port"])


def _die_with_parent() -> None:
    """Linux: get SIGTERM when the harness dies, so that no worker or proxy outlives an interrupted run."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the stdin EOF check still ends a worker
        pass


def main(argv: list[str]) -> int:
    _die_with_parent()
    try:
        job = json.loads(argv[1])
        if job["role"] == "serve":
            _serve(job)
        else:
            _work(job)
        return 0
    except BaseException as e:  # noqa: BLE001  report everything, Ctrl-C included, in the one format the harness reads
        traceback.print_exc()
        message = f"{type(e).__name__}: {e}".strip().splitlines()[0][:300]
        _say({"error": message})
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
