"""``optimize(processes=True)``: trials run in worker processes, so a pure-Python objective uses every core.

The parent process starts ``n_jobs`` workers (:mod:`pyhpo.study._process_worker`) and then only serves them:
it answers each worker's "may I start a trial?" (so ``n_trials`` is exact and ``timeout``, :meth:`Study.stop`
and errors stop new trials at once), runs the callbacks and the progress bar with ``(study, frozen_trial)`` after
each trial, handles the workers' log records, and, for a study in the parent's memory, answers their storage
calls (:mod:`pyhpo.study._served_storage`). A storage that other processes can open (journal, RDB, gRPC proxy)
is pickled once and each worker opens its own connection to it.

Failures: an objective error not in ``catch`` stops new trials, lets the others finish, and is re-raised here
with the worker's traceback as its cause. A worker that dies (killed, ``os._exit``) has its trial marked FAIL
and is replaced while trials remain. Ctrl-C stops every worker (SIGTERM, then SIGKILL), marks their trials
FAIL and re-raises KeyboardInterrupt; no worker outlives ``optimize``.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import signal
import time
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any

from pyhpo._runtime import after_fork
from pyhpo.logging import get_logger
from pyhpo.storages import InMemoryStorage
from pyhpo.study._process_worker import WorkerSetup, dump_setup, worker_main
from pyhpo.study._run import fail_trials
from pyhpo.study._served_storage import StorageServer

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import BaseContext

    from pyhpo.storages import BaseStorage
    from pyhpo.study._run import Run

__all__ = ["run_processes"]

_logger = get_logger(__name__)

#: Seconds a worker has to exit after SIGTERM before it is killed.
_TERMINATE_GRACE = 5.0


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker process, attached as the ``__cause__`` of its copy."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return "\n\n" + self.text


class _Worker:
    """The parent's handle of one worker process."""

    def __init__(self, index: int, process: Any, conn: Connection) -> None:
        self.index = index
        self.process = process
        self.conn = conn
        self.asked = False  # it sent its first "next": it started up
        self.trial_id: int | None = None  # the trial it runs now
        self.granted = False  # it was told to start a trial and has not reported it finished
        self.done = False  # it was told to stop, or reported an error: its exit is expected

    def _after_fork_in_child(self) -> None:
        # Another worker forked later must not hold this pipe: the parent would miss this worker's EOF.
        self.conn.close()


def run_processes(run: Run, n_jobs: int, start_method: str) -> None:
    """Run ``run`` in ``n_jobs`` worker processes started with ``start_method``."""
    study = run.study
    server, storage_bytes = _share(study._storage)
    setup = WorkerSetup(
        study=study,
        func=run.func,
        catch=run.catch,
        gc_after_trial=run.gc_after_trial,
        storage=storage_bytes,
        log_level=logging.getLogger("pyhpo").getEffectiveLevel(),
    )
    # fork: the workers inherit the setup (the study itself, the objective as it is); else it is pickled once.
    sent: WorkerSetup | bytes = setup if start_method == "fork" else _pickle_setup(setup, start_method)
    pool = _Pool(run, multiprocessing.get_context(start_method), sent, server)
    study._thread_local.in_optimize_loop = True
    try:
        pool.serve(n_jobs)
    finally:
        study._thread_local.in_optimize_loop = False


def _share(storage: BaseStorage) -> tuple[StorageServer | None, bytes | None]:
    """How workers reach the storage: served from here (in-memory, or not picklable), or opened by each."""
    if isinstance(storage, InMemoryStorage) or _is_in_memory_database(storage):
        return StorageServer(storage), None
    try:
        return None, pickle.dumps(storage)
    except Exception as e:  # noqa: BLE001 - a storage that cannot travel is served from here instead
        _logger.debug(f"{type(storage).__name__} cannot be pickled ({e!r}); serving it to the workers.")
        return StorageServer(storage), None


def _is_in_memory_database(storage: BaseStorage) -> bool:
    """An RDB storage on SQLite's in-memory database (``sqlite://``): each process that opened it would get its own."""
    url = getattr(storage, "url", None)
    if not isinstance(url, str) or not url.startswith("sqlite"):
        return False
    path = url.split("://", 1)[-1].split("?", 1)[0]
    return path in ("", "/", "/:memory:") or "mode=memory" in url


def _pickle_setup(setup: WorkerSetup, start_method: str) -> bytes:
    """Pickle the setup in one go (an objective that holds the study gets the worker's study), storage aside."""
    try:
        dump_setup(setup.func, setup.study._storage)
    except Exception as e:
        name = getattr(setup.func, "__qualname__", None) or repr(setup.func)
        raise TypeError(
            f"processes={start_method!r} sends the objective to each worker by pickling it, and the objective "
            f"{name!r} cannot be pickled ({type(e).__name__}: {e}). Define it at the top level of a module "
            "(not inside a function, not a lambda), or use processes='fork' where the platform has it."
        ) from e
    # Study caches its metric names behind a sentinel object that does not survive pickling: fill the cache.
    setup.study._metric_names = setup.study.metric_names
    try:
        return dump_setup(setup, setup.study._storage)
    except Exception as e:
        raise TypeError(
            f"processes={start_method!r} pickles the study (its sampler and pruner) and the optimize arguments "
            f"for each worker, and they cannot be pickled ({type(e).__name__}: {e})."
        ) from e


def _readable(conn: Connection) -> bool:
    try:
        return conn.poll()
    except (EOFError, OSError):
        return False


def _exit_description(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class _Pool:
    """The parent's loop: start the workers, answer them until every one has exited, clean up on the way out."""

    def __init__(
        self, run: Run, ctx: BaseContext, setup: WorkerSetup | bytes, server: StorageServer | None
    ) -> None:
        self.run = run
        self.study = run.study
        self.ctx = ctx
        self.setup = setup
        self.server = server
        self.workers: dict[Connection, _Worker] = {}
        self.granted = 0  # trials handed out
        self.error: BaseException | None = None
        self.started = 0

    def serve(self, n_jobs: int) -> None:
        n_trials = self.run.n_trials
        try:
            for _ in range(n_jobs if n_trials is None else min(n_jobs, n_trials)):
                self._start_worker()
            while self.workers:
                sentinels = {w.process.sentinel: w for w in self.workers.values()}
                for ready in wait([*self.workers, *sentinels]):
                    if ready in sentinels:
                        worker = sentinels[ready]
                        self._drain(worker)
                        if worker.conn in self.workers:
                            self._end(worker)
                    elif ready in self.workers:
                        self._receive(self.workers[ready])
        except BaseException:
            self.study._stop_flag = True
            self._stop_all()
            raise
        if self.error is not None:
            raise self.error

    # Workers ---------------------------------------------------------------------------------------------------

    def _start_worker(self) -> None:
        parent_conn, child_conn = self.ctx.Pipe(duplex=True)
        index = self.started
        self.started += 1
        process = self.ctx.Process(  # type: ignore[attr-defined]
            # Not a daemon: an objective may start processes of its own. This loop reaps every worker itself.
            target=worker_main,
            args=(child_conn, self.setup),
            name=f"pyhpo-worker-{index}",
            daemon=False,
        )
        try:
            process.start()
        finally:
            child_conn.close()
        worker = _Worker(index, process, parent_conn)
        after_fork(worker)
        self.workers[parent_conn] = worker

    def _drain(self, worker: _Worker) -> None:
        """Handle what an ended worker sent before it died."""
        while worker.conn in self.workers and _readable(worker.conn):
            self._receive(worker)

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._end(worker)
            return
        kind = message[0]
        if kind == "call":
            self._reply(worker, self._storage_call(worker, *message[1:]))
        elif kind == "next":
            self._next(worker, message[1])
        elif kind == "began":
            worker.trial_id = message[1]
        elif kind == "log":
            record = logging.makeLogRecord(message[1])
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)
        elif kind == "error":
            worker.done = True
            # An error the trial did not catch (SystemExit, a storage failure) may leave it RUNNING.
            fail_trials(self.study, self._trials_of(worker))
            worker.trial_id = None
            worker.granted = False
            error, text = message[1], message[2]
            error.__cause__ = RemoteTraceback(text)
            self._fail(error)

    def _reply(self, worker: _Worker, answer: Any) -> None:
        try:
            worker.conn.send(answer)
        except (OSError, EOFError):
            pass  # it died; its EOF ends it
        except Exception as e:  # noqa: BLE001 - an answer that does not pickle (a storage's odd exception)
            worker.conn.send(("err", RuntimeError(f"{answer[1]!r} (could not be sent to the worker: {e})")))

    def _storage_call(self, worker: _Worker, name: str, args: Any, kwargs: Any) -> tuple[str, Any]:
        assert self.server is not None
        try:
            return "ok", self.server.call(worker.index, name, args, kwargs)
        except Exception as e:  # noqa: BLE001 - the storage's exception is the worker's to raise
            return "err", e

    def _next(self, worker: _Worker, report: tuple[int, bool] | None) -> None:
        worker.asked = True
        if report is not None:
            trial_id, stop_requested = report
            worker.trial_id = None
            worker.granted = False
            if stop_requested:
                self.study._stop_flag = True  # study.stop() inside the objective
            self._finished(self.study._storage.get_trial(trial_id))
        go = self._may_start()
        prefetch = reserved = None
        if go:
            self.granted += 1
            worker.granted = True
            if self.server is not None:
                prefetch, reserved = self.server.prepare_trial(worker.index, self.study._study_id)
        else:
            worker.done = True
        self._reply(worker, (go, prefetch, reserved))

    def _may_start(self) -> bool:
        n_trials = self.run.n_trials
        return not (
            self.study._stop_flag
            or self.error is not None
            or self.run.out_of_time()
            or (n_trials is not None and self.granted >= n_trials)
        )

    def _finished(self, frozen: Any) -> None:
        try:
            self.run.after_trial(frozen)
        except Exception as e:  # noqa: BLE001 - a callback's error ends the run once the others finish, as threads do
            self._fail(e)

    def _fail(self, error: BaseException) -> None:
        self.study._stop_flag = True
        if self.error is None:
            self.error = error

    def _end(self, worker: _Worker) -> None:
        """The worker's pipe closed: reap it; if it died unexpectedly, fail its trial and replace it."""
        del self.workers[worker.conn]
        worker.conn.close()
        worker.process.join(_TERMINATE_GRACE)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        if worker.done:
            self._forget(worker)
            return
        how = _exit_description(worker.process.exitcode)
        if not worker.asked:
            self._forget(worker)
            self._fail(
                RuntimeError(
                    f"Worker process {worker.process.pid} of optimize(processes=...) ended ({how}) before it "
                    "could run a trial; its error, if any, is on stderr."
                )
            )
            return
        failed = fail_trials(self.study, self._trials_of(worker))
        self._forget(worker)
        if worker.granted and not failed:
            self.granted -= 1  # it died before its trial existed: that trial is still to run
        for frozen in failed:
            _logger.warning(
                f"Trial {frozen.number} failed because its worker process {worker.process.pid} died ({how})."
            )
            self._finished(frozen)
        if self._may_start():
            self._start_worker()

    def _trials_of(self, worker: _Worker) -> set[int]:
        ids = set() if self.server is None else self.server.owned(worker.index)
        if worker.trial_id is not None:
            ids.add(worker.trial_id)
        return ids

    def _forget(self, worker: _Worker) -> None:
        if self.server is not None:
            self.server.forget(worker.index)

    def _stop_all(self) -> None:
        """Ctrl-C or an error here: stop every worker now, then fail the trials they were running."""
        workers = list(self.workers.values())
        self.workers.clear()
        for worker in workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + _TERMINATE_GRACE
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        running: set[int] = set()
        for worker in workers:
            running |= self._trials_of(worker)
        fail_trials(self.study, running)
