"""The ``pyhpo`` command.

::

    pyhpo --version
    pyhpo studies --storage URL              list the studies: name, direction, trials, best value
    pyhpo storage upgrade --storage URL      migrate a database's schema to this pyhpo's revision
    pyhpo grpc-proxy --storage URL ...       serve a storage over gRPC (see pyhpo grpc-proxy --help)
    pyhpo bench ...                          the benchmark, as python -m pyhpo.bench

``--storage`` takes a database URL (``sqlite:///example.db``, ``postgresql+psycopg2://...``), a Redis URL
(a journal on Redis) or the path of an existing journal file. Bad usage prints a message and exits with 2; an
error while working (an unreachable database, ...) prints ``pyhpo: error: ...`` and exits with 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

__all__ = ["main"]

_DELEGATED = ("bench", "grpc-proxy")


def _open_storage(url: str) -> Any:
    """A storage for a ``--storage`` value: database URL, Redis URL, or journal file path."""
    from pyhpo.storages import JournalStorage, get_storage

    if url.startswith(("redis://", "rediss://", "unix://")):
        from pyhpo.storages.journal import JournalRedisBackend

        return JournalStorage(JournalRedisBackend(url))
    if "://" not in url:
        if not os.path.isfile(url):
            raise FileNotFoundError(
                f"{url!r} is neither a database URL (such as sqlite:///example.db) nor an existing journal file"
            )
        from pyhpo.storages.journal import JournalFileBackend

        return JournalStorage(JournalFileBackend(url))
    return get_storage(url)


def _studies(ns: argparse.Namespace) -> int:
    import pyhpo

    summaries = pyhpo.get_all_study_summaries(_open_storage(ns.storage), include_best_trial=True)
    rows = [["name", "direction", "trials", "best value", "best trial"]]
    for s in sorted(summaries, key=lambda s: s.study_name):
        directions = ",".join(d.name.lower() for d in s.directions)
        best = s.best_trial
        rows.append([
            s.study_name,
            directions,
            str(s.n_trials),
            "-" if best is None else f"{best.value:.6g}",
            "-" if best is None else str(best.number),
        ])
    if len(rows) == 1:
        print("no studies")
        return 0
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())
    return 0


def _storage_upgrade(ns: argparse.Namespace) -> int:
    from pyhpo.storages import RDBStorage

    if "://" not in ns.storage or ns.storage.startswith(("redis://", "rediss://")):
        raise _Usage(f"storage upgrade needs a database URL such as sqlite:///example.db, got {ns.storage!r}")
    storage = RDBStorage(ns.storage, skip_compatibility_check=True)
    before, head = storage.get_current_version(), storage.get_head_version()
    if before == head:
        print(f"The schema is already at the newest revision ({head}).")
        return 0
    storage.upgrade()
    print(f"Upgraded the schema from {before} to {storage.get_current_version()}.")
    return 0


class _Usage(Exception):
    """Bad usage found after parsing (exit status 2)."""


def _parser() -> argparse.ArgumentParser:
    from pyhpo.version import __version__

    parser = argparse.ArgumentParser(
        prog="pyhpo", description="pyhpo: hyperparameter optimisation with Optuna's API."
    )
    parser.add_argument("--version", action="version", version=f"pyhpo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    studies = sub.add_parser("studies", help="list the studies of a storage")
    studies.add_argument("--storage", required=True, help="database URL, Redis URL or journal file path")
    studies.set_defaults(run=_studies)
    storage = sub.add_parser("storage", help="manage a storage")
    storage_sub = storage.add_subparsers(dest="action", metavar="ACTION")
    upgrade = storage_sub.add_parser("upgrade", help="migrate a database's schema to this pyhpo's revision")
    upgrade.add_argument("--storage", required=True, help="database URL, e.g. sqlite:///example.db")
    upgrade.set_defaults(run=_storage_upgrade)
    sub.add_parser("grpc-proxy", help="serve a storage over gRPC to many workers (pyhpo grpc-proxy --help)")
    sub.add_parser("bench", help="benchmark the storages (pyhpo bench --help)")
    return parser


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
            print(f"pyhpo: error: grpc-proxy needs grpcio: pip install 'pyhpo[grpc]' ({e})", file=sys.stderr)
            return 1
        return main_cli(args[1:])
    parser = _parser()
    ns = parser.parse_args(args)
    run = getattr(ns, "run", None)
    if run is None:
        parser.print_usage(sys.stderr)
        if ns.command == "storage":
            print("pyhpo: error: storage needs an action (upgrade)", file=sys.stderr)
        else:
            print("pyhpo: error: a command is required (studies, storage, grpc-proxy, bench)", file=sys.stderr)
        return 2
    try:
        return int(run(ns))
    except _Usage as e:
        parser.print_usage(sys.stderr)
        print(f"pyhpo: error: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        print(f"pyhpo: error: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001  storage errors (StorageInternalError, SQLAlchemy's) end the command, not a traceback
        print(f"pyhpo: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
