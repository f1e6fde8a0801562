"""Run the matrix: backends x workloads x (processes, threads) x libraries x repeats.

For one measurement the harness makes a fresh study (or uses the run's big study), starts P worker
processes, waits until every one has loaded its study and printed READY, sends GO to all of them, and takes
the time from the earliest start to the latest end. Then it checks the study: exactly the requested number of
new trials, all COMPLETE, numbers 0..N-1 -- anything else fails the row, loudly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import select
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyhpo.bench._backends import (
    BACKENDS,
    Backend,
    Target,
    Unsupported,
    _dispose,
    open_storage,
    prepared,
    skip_reason,
)
from pyhpo.bench._workloads import Workload, seed_study, split, spread, summarize, workload_ref

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["BenchConfig", "CellFailure", "run_matrix"]


class CellFailure(Exception):
    """A measurement went wrong: a worker failed or timed out, or the study did not hold what it should."""


@dataclasses.dataclass
class BenchConfig:
    """Everything one benchmark run needs to know (the command line builds it)."""

    storages: list[str]
    workloads: list[Workload]
    procs: list[int]
    threads: list[int]
    trials: int
    repeat: int
    study_size: int
    compare: list[str]
    urls: dict[str, str]
    timeout: float = 600.0
    progress: bool = True
    seed: int = 0

    def concurrencies(self) -> list[tuple[int, int]]:
        """(processes, threads per process) pairs: every P with one thread, every T in one process."""
        pairs = {(p, 1) for p in self.procs} | {(1, t) for t in self.threads}
        return sorted(pairs, key=lambda pt: (pt[1] > 1, pt[0] * pt[1]))


def _child_env() -> dict[str, str]:
    """Workers see exactly the modules this process sees (source trees and test helpers included)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    env.pop("PYTHONSTARTUP", None)
    return env


class _Lines:
    """Read whole lines from a child's stdout with a deadline (select, no threads)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.buf = b""

    def readline(self, deadline: float) -> str:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CellFailure("a worker timed out (raise --timeout?)")
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise CellFailure(f"a worker exited with code {self.proc.wait()} without a result")
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode(errors="replace")


def _parse(line: str, index: int) -> dict[str, Any]:
    try:
        msg = json.loads(line)
    except ValueError as e:
        raise CellFailure(f"worker {index} printed {line[:200]!r}") from e
    if "error" in msg:
        raise CellFailure(f"worker {index}: {msg['error']}")
    if "unsupported" in msg:
        raise Unsupported(msg["unsupported"])
    return dict(msg)


def _run_workers(
    jobs: list[dict[str, Any]], env: dict[str, str], timeout: float, logdir: Path
) -> list[dict[str, Any]]:
    """Start one process per job, release them together, return their results."""
    procs: list[subprocess.Popen[bytes]] = []
    deadline = time.monotonic() + timeout
    try:
        for i, job in enumerate(jobs):
            with open(logdir / f"worker-{i}.err", "wb") as err:
                procs.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "pyhpo.bench._worker", json.dumps(job)],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=err,
                        env=env,
                    )
                )
        readers = [_Lines(p) for p in procs]
        for i, reader in enumerate(readers):
            line = reader.readline(deadline)
            if line != "READY":
                _parse(line, i)  # raises with the worker's error
                raise CellFailure(f"worker {i} printed {line[:200]!r} instead of READY")
        for p in procs:  # the start signal: one short write per worker, all within microseconds
            assert p.stdin is not None
            p.stdin.write(b"GO\n")
            p.stdin.flush()
        results = [_parse(reader.readline(deadline), i) for i, reader in enumerate(readers)]
        for p in procs:
            p.wait(max(1.0, deadline - time.monotonic()))
        return results
    except CellFailure as e:
        raise CellFailure(f"{e}{_last_error(logdir, len(procs))}") from e
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            for stream in (p.stdin, p.stdout):
                if stream is not None:
                    stream.close()


def _last_error(logdir: Path, n: int) -> str:
    """The last line a failed worker wrote to stderr (its exception), to put in the FAILED reason."""
    for i in range(n):
        try:
            lines = [
                ln
                for ln in (logdir / f"worker-{i}.err").read_text(errors="replace").splitlines()
                if ln.strip()
            ]
        except OSError:
            continue
        if lines and "Error" in lines[-1]:
            return f" (worker {i} stderr: {lines[-1].strip()[:300]})"
    return ""


def _check(summary: dict[str, Any], expected: int, who: str) -> None:
    """Fail loudly unless the study holds exactly ``expected`` COMPLETE trials numbered 0..expected-1."""
    problems = []
    if summary["total"] != expected:
        problems.append(f"{summary['total']} trials instead of {expected}")
    if summary["complete"] != summary["total"]:
        problems.append(f"states {summary['states']}")
    if not summary["dense"]:
        problems.append("trial numbers are not 0..N-1")
    if problems:
        raise CellFailure(f"integrity check failed ({who}): " + "; ".join(problems))


def _read_summary(lib: Any, spec: dict[str, Any], study_name: str) -> dict[str, Any]:
    storage = open_storage(lib, spec)
    try:
        return summarize(lib.load_study(study_name=study_name, storage=storage).trials)
    finally:
        _dispose(storage)


class _BackendRun:
    """The measurements of one backend, with its big study (filled once, shared by every library)."""

    def __init__(self, cfg: BenchConfig, backend: Backend, target: Target, env: dict[str, str]) -> None:
        self.cfg = cfg
        self.backend = backend
        self.target = target
        self.env = env
        self.big_name = f"pyhpo-bench-big-{uuid.uuid4().hex[:10]}"
        self.big_total = 0  # trials the big study holds (0: not made yet)
        self.big_seconds = 0.0

    def ensure_big_study(self) -> None:
        if self.big_total or not self.backend.multi_process:
            return
        import pyhpo

        spec = self.target.direct_spec(self.big_name)
        storage = open_storage(pyhpo, spec)
        t0 = time.monotonic()
        try:
            study = pyhpo.create_study(storage=storage, study_name=self.big_name)
            seed_study(pyhpo, study, self.cfg.study_size, self.backend.seed_threads)
        finally:
            _dispose(storage)
        self.big_seconds = time.monotonic() - t0
        self.big_total = self.cfg.study_size

    def drop_big_study(self) -> None:
        if self.big_total:
            self.target.drop("pyhpo", self.big_name, direct=True)

    def measure(
        self, workload: Workload, lib_name: str, n_procs: int, n_threads: int, rep: int
    ) -> dict[str, Any]:
        """One timed run; returns its raw figures or raises CellFailure / Unsupported."""
        import importlib

        cfg = self.cfg
        memory = not self.backend.multi_process
        lib = importlib.import_module(lib_name)
        if workload.big_study and not memory:
            self.ensure_big_study()
            study_name = self.big_name
        else:
            study_name = f"pyhpo-bench-{uuid.uuid4().hex[:12]}"
        spec = self.target.spec(lib_name, study_name)
        created = False
        try:
            if not memory and not workload.big_study:
                storage = open_storage(lib, spec)
                try:
                    lib.create_study(storage=storage, study_name=study_name)
                finally:
                    _dispose(storage)
                created = True
            before = (cfg.study_size if memory else self.big_total) if workload.big_study else 0
            shares = [cfg.trials] * n_procs if workload.read_only else split(cfg.trials, n_procs)
            jobs = [
                {
                    "role": "work",
                    "lib": lib_name,
                    "workload": workload_ref(workload),
                    "spec": spec,
                    "study_name": study_name,
                    "seed": cfg.seed + 1000 * rep + i,
                    "study_size": cfg.study_size,
                    "n_trials": share,
                    "n_jobs": n_threads,
                }
                for i, share in enumerate(shares)
            ]
            logdir = Path(tempfile.mkdtemp(dir=self.target.workdir, prefix="logs-"))
            results = _run_workers(jobs, self.env, cfg.timeout, logdir)
            elapsed = max(r["end"] for r in results) - min(r["start"] for r in results)
            count = sum(int(r["count"]) for r in results)
            if workload.read_only:
                for i, r in enumerate(results):
                    _check(r["summary"], before, f"what worker {i} loaded")
            elif memory:
                _check(results[0]["summary"], before + cfg.trials, "the in-memory study after the run")
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    summary = _read_summary(lib, spec, study_name)
                if workload.big_study:
                    self.big_total = summary["total"]  # keep counting right even if this check fails
                _check(summary, before + cfg.trials, "the study after the run")
            return {
                "elapsed": elapsed,
                "count": count,
                "trials_per_s": count / elapsed if elapsed > 0 else 0.0,
            }
        finally:
            if created:
                self.target.drop(lib_name, study_name)


def _na_reason(backend: Backend, workload: Workload, n_procs: int, n_threads: int) -> str | None:
    if not backend.multi_process and workload.read_only:
        return "an in-memory study dies with its process: nothing to load"
    if not backend.multi_process and n_procs > 1:
        return "an in-memory study lives in one process"
    if n_threads > 1 and not workload.threads_ok:
        return f"{workload.name} runs one loader per process"
    return None


def run_matrix(cfg: BenchConfig) -> dict[str, Any]:
    """Run every measurement of ``cfg``; return the raw results (see :mod:`pyhpo.bench._report`)."""
    import importlib

    libs = ["pyhpo"]
    peers_skipped: dict[str, str] = {}
    for peer in cfg.compare:
        try:
            importlib.import_module(peer)
            libs.append(peer)
        except ImportError as e:
            peers_skipped[peer] = f"{peer} is not installed ({e})"
    with _quiet_logging(libs), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # peers' experimental-API warnings are not results
        return _run(cfg, libs, peers_skipped)


@contextlib.contextmanager
def _quiet_logging(libs: list[str]) -> Iterator[None]:
    """Keep the libraries' INFO lines (a study created, a trial finished) out of the table."""
    import importlib

    saved = []
    for name in libs:
        logging = getattr(importlib.import_module(name), "logging", None)
        if logging is not None and hasattr(logging, "get_verbosity"):
            saved.append((logging, logging.get_verbosity()))
            logging.set_verbosity(logging.WARNING)
    try:
        yield
    finally:
        for logging, level in saved:
            logging.set_verbosity(level)


def _run(cfg: BenchConfig, libs: list[str], peers_skipped: dict[str, str]) -> dict[str, Any]:
    from tqdm import tqdm

    backends = [BACKENDS[name] for name in cfg.storages]
    skipped = {b.name: reason for b in backends if (reason := skip_reason(b, cfg.urls))}
    pairs = cfg.concurrencies()
    live = [b for b in backends if b.name not in skipped]
    total = len(live) * len(cfg.workloads) * len(pairs) * len(libs) * cfg.repeat
    rows: list[dict[str, Any]] = []
    cleanup_errors: dict[str, str] = {}
    env = _child_env()
    started = time.time()
    with (
        tempfile.TemporaryDirectory(prefix="pyhpo-bench-") as tmp,
        tqdm(total=total, file=sys.stderr, disable=not cfg.progress, unit="run", dynamic_ncols=True) as bar,
    ):
        for backend in live:
            with prepared(backend, Path(tmp), cfg.urls, env) as target:
                brun = _BackendRun(cfg, backend, target, env)
                try:
                    for workload in cfg.workloads:
                        for n_procs, n_threads in pairs:
                            na = _na_reason(backend, workload, n_procs, n_threads)
                            for lib_name in libs:
                                row: dict[str, Any] = {
                                    "backend": backend.name,
                                    "workload": workload.name,
                                    "procs": n_procs,
                                    "threads": n_threads,
                                    "workers": n_procs * n_threads,
                                    "lib": lib_name,
                                    "status": "ok",
                                    "reason": None,
                                    "runs": [],
                                }
                                rows.append(row)
                                if na is not None:
                                    row.update(status="n/a", reason=na)
                                for rep in range(cfg.repeat):
                                    bar.set_postfix_str(
                                        f"{backend.name} {workload.name} P={n_procs} T={n_threads} {lib_name}"
                                    )
                                    if row["status"] == "ok":
                                        try:
                                            row["runs"].append(
                                                brun.measure(workload, lib_name, n_procs, n_threads, rep)
                                            )
                                        except Unsupported as e:
                                            row.update(status="n/a", reason=str(e))
                                        except CellFailure as e:
                                            row.update(status="FAILED", reason=str(e))
                                        except Exception as e:  # noqa: BLE001  setup errors: the row fails, the run goes on
                                            row.update(
                                                status="FAILED", reason=f"{type(e).__name__}: {e}"[:300]
                                            )
                                    bar.update(1)
                                med, lo, hi = spread([r["trials_per_s"] for r in row["runs"]])
                                row.update(median=med, min=lo, max=hi)
                finally:
                    if brun.big_seconds:
                        rows.append({"backend": backend.name, "big_study_fill_seconds": brun.big_seconds})
                    try:
                        brun.drop_big_study()
                    except Exception as e:  # noqa: BLE001  a failed clean-up must not lose the figures
                        cleanup_errors[backend.name] = f"{type(e).__name__}: {e}".splitlines()[0][:300]
    return {
        "started": started,
        "seconds": time.time() - started,
        "libs": libs,
        "peers_skipped": peers_skipped,
        "skipped": skipped,
        "cleanup_errors": cleanup_errors,
        "rows": [r for r in rows if "lib" in r],
        "fills": [r for r in rows if "lib" not in r],
    }
