"""The worker side of ``optimize(processes=True)``: one process that runs trials when the parent says so.

A worker talks to its parent over one duplex pipe (a :class:`multiprocessing.connection.Connection`). It asks
before every trial and waits for the answer, so the parent alone decides how many trials run (``n_trials`` is
exact), when to stop (``timeout``, :meth:`Study.stop`, an error, Ctrl-C), and runs the callbacks between two
trials of a worker, as a thread of ``n_jobs`` would. Messages, worker to parent:

* ``("next", report)`` -- may I start a trial? ``report`` is None first, then ``(trial_id, stop_requested)``
  for the trial just finished. The answer is ``(go, prefetch, reserved)``: go is True or False (then the
  worker exits); for a served study, prefetch is what the worker's first read of the study would fetch and
  reserved the trial created for it when none is WAITING (two round trips less), else None.
* ``("began", trial_id)`` -- the trial this worker now runs (the parent fails it if the worker dies); only
  with a storage the worker opened itself (a served one tells the parent by creating the trial).
* ``("call", method, args, kwargs)`` -- a storage call, for a study served from the parent's memory; the
  answer is ``("ok", result)`` or ``("err", exception)``.
* ``("log", record)`` -- a record of the ``pyhpo`` logger, handled by the parent's handlers (its verbosity,
  the progress bar's ``tqdm.write``, pytest's caplog), so log lines look as they do with threads.
* ``("error", exception, traceback text)`` -- the objective (or the worker) raised; the worker then exits.

Ctrl-C is the parent's to handle: a worker ignores SIGINT (a terminal sends it to the whole process group), and
the parent stops the workers itself.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import logging
import pickle
import signal
import threading
import traceback
from typing import TYPE_CHECKING, Any

from pyhpo import logging as pyhpo_logging
from pyhpo.study._heartbeat import _fail_stale_trials
from pyhpo.study._run import Run, run_trial
from pyhpo.study._served_storage import ServedStorage

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection

    from pyhpo.storages import BaseStorage
    from pyhpo.study._study import Study
    from pyhpo.trial import Trial

__all__ = ["WorkerSetup", "dump_setup", "pack_exception", "worker_main"]


@dataclasses.dataclass
class WorkerSetup:
    """What a worker needs; sent once (inherited with ``fork``, pickled with ``spawn``/``forkserver``)."""

    #: The parent's study (a copy in the worker, which attaches its own storage to it).
    study: Study
    func: Callable[[Trial], Any]
    catch: tuple[type[Exception], ...]
    gc_after_trial: bool
    #: The pickled storage to open in the worker; None: the parent serves its storage over the pipe.
    storage: bytes | None
    #: The parent's level of the ``pyhpo`` logger.
    log_level: int


_STORAGE_ID = "pyhpo-parent-storage"


class _SetupPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, storage: BaseStorage) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._storage = storage

    def persistent_id(self, obj: Any) -> str | None:
        return _STORAGE_ID if obj is self._storage else None


class _SetupUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        if pid != _STORAGE_ID:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return None  # the worker attaches its own storage


def dump_setup(obj: Any, storage: BaseStorage) -> bytes:
    """Pickle ``obj`` leaving out ``storage`` wherever it is referenced (each worker attaches its own)."""
    buffer = io.BytesIO()
    _SetupPickler(buffer, storage).dump(obj)
    return buffer.getvalue()


class _Channel:
    """One worker's end of the pipe; a lock keeps each request and its answer together across threads."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def request(self, message: tuple[Any, ...]) -> Any:
        with self._lock:
            self._conn.send(message)
            return self._conn.recv()

    def post(self, message: tuple[Any, ...]) -> None:
        with self._lock:
            self._conn.send(message)

    def storage_call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        tag, value = self.request(("call", name, args, kwargs))
        if tag == "err":
            raise value
        return value


class _PipeLogHandler(logging.Handler):
    """Sends each record to the parent, made picklable (message formatted, traceback rendered to text)."""

    def __init__(self, channel: _Channel) -> None:
        super().__init__()
        self._channel = channel
        self._formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields = dict(record.__dict__)
            fields["msg"] = record.getMessage()
            fields["args"] = None
            if record.exc_info:
                fields["exc_text"] = self._formatter.formatException(record.exc_info)
            fields["exc_info"] = None
            self._channel.post(("log", fields))
        except Exception:  # noqa: BLE001 - logging reports its own failures, as every handler does
            self.handleError(record)


def pack_exception(error: BaseException) -> tuple[BaseException, str]:
    """``error`` if it survives pickling (else a RuntimeError saying what it was), and its traceback as text."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - any exception may fail to pickle, in any way
        return RuntimeError(f"{type(error).__qualname__}: {error} (the exception could not be pickled)"), text
    return error, text


def _forward_logs(channel: _Channel, level: int) -> None:
    pyhpo_logging.get_verbosity()  # sets up pyhpo's logger, so nothing adds the default handler later
    root = logging.getLogger("pyhpo")
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(_PipeLogHandler(channel))
    root.setLevel(level)
    root.propagate = False


def worker_main(conn: Connection, sent: WorkerSetup | bytes) -> None:
    """The body of a worker process: run trials while the parent answers ``next`` with True."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = _Channel(conn)
    try:
        setup = sent if isinstance(sent, WorkerSetup) else _SetupUnpickler(io.BytesIO(sent)).load()
        _forward_logs(channel, setup.log_level)
        study = setup.study
        served: ServedStorage | None = None
        if setup.storage is None:
            served = ServedStorage(channel.storage_call)
            study._storage = served
        else:
            study._storage = pickle.loads(setup.storage)  # a fresh connection / file handle of this process
        # As threads of n_jobs do: a worker must not draw the random numbers its siblings (forked copies of the
        # same sampler) draw.
        study.sampler.reseed_rng()
        run = Run(study, setup.func, None, None, setup.catch, [], setup.gc_after_trial, None)
        study._stop_flag = False
        study._thread_local.in_optimize_loop = True
        report: tuple[int, bool] | None = None
        while True:
            go, prefetch, reserved = channel.request(("next", report))
            if not go:
                break
            if served is not None and prefetch is not None:
                served.prefetched(study._study_id, prefetch, reserved)
            if run.heartbeat:
                _fail_stale_trials(study)
            trial = study.ask()
            if served is None:
                channel.post(("began", trial._trial_id))
            try:
                run_trial(run, trial)
            finally:
                if run.gc_after_trial:
                    gc.collect()
            report = (trial._trial_id, study._stop_flag)
    except BaseException as e:  # noqa: BLE001 - everything goes to the parent, which re-raises it
        try:
            channel.post(("error", *pack_exception(e)))
        except (OSError, EOFError):
            pass  # the parent is gone
    finally:
        try:
            conn.close()
        except OSError:
            pass
