"""The ``pyhpo`` command: Optuna's command line, plus ``grpc-proxy`` and ``bench``.

::

    pyhpo create-study [--study-name N] [--direction D | --directions D ...] [--skip-if-exists]
    pyhpo delete-study --study-name N
    pyhpo study set-user-attr --study-name N -k KEY --value VALUE
    pyhpo study-names | studies | trials | best-trial | best-trials   [-f table|json|yaml|value] [--flatten]
    pyhpo ask --study-name N [--sampler TPESampler --sampler-kwargs JSON] [--search-space JSON]
    pyhpo tell --study-name N --trial-number T [--values V ...] [--state complete|pruned|fail] [--skip-if-finished]
    pyhpo storage upgrade
    pyhpo grpc-proxy --storage URL ...       serve a storage over gRPC (see pyhpo grpc-proxy --help)
    pyhpo bench ...                          the benchmark, as python -m pyhpo.bench

Every Optuna command takes ``--storage`` (else the ``PYHPO_STORAGE`` or ``OPTUNA_STORAGE`` environment
variable), ``--storage-class`` (``RDBStorage``, ``JournalFileBackend``, ``JournalRedisBackend``), ``-v``/``-q``,
``--log-file`` and ``--debug``, before or after the command name. Arguments, output formats and exit statuses
are Optuna's, since scripts (Optuna's ask-and-tell tutorial, its Kubernetes example) drive them:

* 0 on success; 2 when argparse refuses the arguments (an unknown command, a bad choice);
* 1 for a usage error found later (no storage given: an ``[E ...]`` line and the command's help) and for any
  error while working. Optuna shows a traceback there; pyhpo shows one ``[E ...] ExceptionName: message`` line
  and the traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from pyhpo._cli import _commands as c
from pyhpo.exceptions import CLIUsageError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["main"]

_DELEGATED = ("bench", "grpc-proxy")

# name -> (summary, declare its arguments, run it). The summaries are Optuna's.
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None] | None, c.Run]] = {
    "create-study": ("Create a new study.", c.add_create_study, c.run_create_study),
    "delete-study": ("Delete a specified study.", c.add_delete_study, c.run_delete_study),
    "study set-user-attr": (
        "Set a user attribute to a study.",
        c.add_study_set_user_attr,
        c.run_study_set_user_attr,
    ),
    "study-names": (
        "Get all study names stored in a specified storage",
        c.add_study_names,
        c.run_study_names,
    ),
    "studies": ("Show a list of studies.", c.add_studies, c.run_studies),
    "trials": (
        "Show a list of trials.",
        lambda p: c.add_trials(p, "The name of the study which includes trials."),
        c.run_trials,
    ),
    "best-trial": (
        "Show the best trial.",
        lambda p: c.add_trials(p, "The name of the study to get the best trial."),
        c.run_best_trial,
    ),
    "best-trials": (
        "Show a list of trials located at the Pareto front.",
        lambda p: c.add_trials(
            p, "The name of the study to get the best trials (trials at the Pareto front)."
        ),
        c.run_best_trials,
    ),
    "storage upgrade": ("Upgrade the schema of an RDB storage.", None, c.run_storage_upgrade),
    "ask": ("Create a new trial and suggest parameters.", c.add_ask, c.run_ask),
    "tell": ("Finish a trial, which was created by the ask command.", c.add_tell, c.run_tell),
}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--storage",
        default=None,
        help="DB URL (e.g. sqlite:///example.db), Redis URL or journal "
        "file path. Also can be specified via the PYHPO_STORAGE or OPTUNA_STORAGE environment "
        "variable.",
    )
    parser.add_argument(
        "--storage-class",
        default=None,
        type=c.storage_class,
        help="Storage class hint (e.g. JournalFileBackend)",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="count",
        dest="verbose_level",
        default=1,
        help="Increase verbosity of output. Can be repeated.",
    )
    verbosity.add_argument(
        "-q",
        "--quiet",
        action="store_const",
        dest="verbose_level",
        const=0,
        help="Suppress output except warnings and errors.",
    )
    parser.add_argument(
        "--log-file", action="store", default=None, help="Specify a file to log output. Disabled by default."
    )
    parser.add_argument("--debug", default=False, action="store_true", help="Show tracebacks on errors.")


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    from pyhpo.version import __version__

    # The common options live in a parent parser so that each command's parser takes them too, and -h
    # belongs to each parser alone.
    parent = argparse.ArgumentParser(add_help=False)
    _common(parent)
    parser = argparse.ArgumentParser(
        prog="pyhpo", parents=[parent], description="pyhpo: hyperparameter optimisation with Optuna's API."
    )
    parser.add_argument("--version", action="version", version=f"pyhpo {__version__}")
    sub = parser.add_subparsers()
    parsers = {}
    for name, (summary, add, run) in _COMMANDS.items():
        p = sub.add_parser(name, parents=[parent], help=summary, description=summary)
        if add is not None:
            add(p)
        p.set_defaults(handler=run)
        parsers[name] = p
    sub.add_parser("help", help="Show help message and exit.").set_defaults(handler=lambda _ns: _help(parser))
    # Listed for --help; main() hands their arguments to their own parsers before this one sees them.
    sub.add_parser("grpc-proxy", help="Serve a storage over gRPC to many workers (pyhpo grpc-proxy --help).")
    sub.add_parser("bench", help="Benchmark the storages (pyhpo bench --help).")
    return parser, parsers


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _move_command_first(args: list[str]) -> list[str]:
    """Put the command (one word, or two: ``storage upgrade``) first, so options may come before it."""
    for i in range(len(args)):
        for j in (i + 1, i + 2):
            if " ".join(args[i:j]) in _COMMANDS:
                return [" ".join(args[i:j]), *args[:i], *args[j:]]
    return args


class _Logging:
    """The command's logging set-up (-v/-q, --log-file), undone when the command ends.

    Undoing matters when :func:`main` is called in a process that goes on (tests, a notebook). Only pyhpo's
    logger is touched: the root logger is left to the application.
    """

    def __init__(self, ns: argparse.Namespace) -> None:
        import pyhpo.logging

        self._logger = logging.getLogger("pyhpo")
        self._saved_level = pyhpo.logging.get_verbosity()
        self._file: logging.Handler | None = None
        self._quieted: list[logging.Handler] = []
        level = {0: logging.WARNING, 1: logging.INFO}.get(ns.verbose_level, logging.DEBUG)
        if ns.log_file is None:
            pyhpo.logging.set_verbosity(level)
            return
        # The file gets every line, down to DEBUG, whatever -v/-q say; stderr keeps the chosen level.
        for handler in self._logger.handlers:
            if handler.level == logging.NOTSET:
                handler.setLevel(level)
                self._quieted.append(handler)
        self._file = logging.FileHandler(ns.log_file)
        self._file.setFormatter(pyhpo.logging.create_default_formatter())
        self._logger.addHandler(self._file)
        pyhpo.logging.set_verbosity(logging.DEBUG)

    def close(self) -> None:
        import pyhpo.logging

        if self._file is not None:
            self._logger.removeHandler(self._file)
            self._file.close()
        for handler in self._quieted:
            handler.setLevel(logging.NOTSET)
        pyhpo.logging.set_verbosity(self._saved_level)


def main(argv: list[str] | None = None) -> int:
    """Run the ``pyhpo`` command; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "bench":
        from pyhpo.bench._cli import main as bench_main

        return bench_main(args[1:], prog="pyhpo bench")
    if args and args[0] == "grpc-proxy":
        try:
            from pyhpo.storages._grpc.server import main_cli
        except ImportError as e:  # pragma: no cover - grpc is part of the test extra
            print(
                f"pyhpo: error: grpc-proxy needs grpcio: pip install 'pyhpo-opt[grpc]' ({e})", file=sys.stderr
            )
            return 1
        return main_cli(args[1:])
    parser, parsers = _parser()
    args = _move_command_first(args) if args else ["help"]
    ns = parser.parse_args(args)
    log = _Logging(ns)
    logger = logging.getLogger("pyhpo.cli")
    try:
        handler = getattr(ns, "handler", None)
        if handler is None:
            # Only options, no command (``pyhpo -v``).
            logger.error(f"{' '.join(args)!r} is not a pyhpo command. see 'pyhpo --help'")
            parser.print_help()
            return 1
        return int(handler(ns))
    except CLIUsageError as e:
        if ns.debug:
            logger.exception("Usage error")
        else:
            logger.error(e)
        parsers[args[0]].print_help()
        return 1
    except Exception as e:
        # Any error ends the command with one line naming it; the traceback only on --debug.
        if ns.debug:
            logger.exception("The command failed")
        else:
            logger.error(f"{type(e).__name__}: {e}")
        return 1
    finally:
        log.close()


if __name__ == "__main__":
    sys.exit(main())
