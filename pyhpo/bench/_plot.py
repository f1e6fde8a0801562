"""The PNG: trials/s against workers, one panel per workload, one line per backend and library.

matplotlib comes with the ``bench`` extra and is imported only when a plot is asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["plot"]

_MODES = {"procs": "processes", "threads": "threads"}


def plot(result: dict[str, Any], path: str) -> None:
    """Draw ``result`` into ``path`` (PNG).

    Solid lines are pyhpo, dashed/dotted lines its peers; one colour per backend. Worker processes (P x 1) and
    threads (1 x T) are separate panels because they measure different things. Error bars span min-max over
    the repeats.

    Raises:
        ImportError: matplotlib is not installed (``pip install 'pyhpo-opt[bench]'``).
    """
    try:
        import matplotlib
    except ImportError as e:
        raise ImportError("--plot needs matplotlib: pip install 'pyhpo-opt[bench]'") from e
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in result["rows"] if r["status"] == "ok" and r["runs"]]
    workloads = list(dict.fromkeys(r["workload"] for r in rows))
    modes = [m for m in _MODES if any(_in_panel(r, m) and r["workers"] > 1 for r in rows)] or ["procs"]
    workloads = workloads or ["(nothing measured)"]
    backends = list(dict.fromkeys(r["backend"] for r in result["rows"]))
    colours = {b: plt.get_cmap("tab10")(i % 10) for i, b in enumerate(backends)}
    styles = ["-", "--", ":", "-."]
    fig, axes = plt.subplots(
        len(modes), len(workloads), figsize=(4.2 * len(workloads), 3.6 * len(modes)), squeeze=False
    )
    for mi, mode in enumerate(modes):
        for wi, workload in enumerate(workloads):
            ax = axes[mi][wi]
            for li, lib in enumerate(result["libs"]):
                for backend in backends:
                    pts = sorted(
                        (r["workers"], r["median"], r["min"], r["max"])
                        for r in rows
                        if r["workload"] == workload
                        and r["backend"] == backend
                        and r["lib"] == lib
                        and _in_panel(r, mode)
                    )
                    if not pts:
                        continue
                    xs = [p[0] for p in pts]
                    ys = [p[1] for p in pts]
                    err = [[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]]
                    ax.errorbar(
                        xs,
                        ys,
                        yerr=err,
                        color=colours[backend],
                        linestyle=styles[li % len(styles)],
                        marker="o",
                        markersize=3,
                        capsize=2,
                        label=f"{backend} ({lib})",
                    )
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title(f"{workload}, {_MODES[mode]}", fontsize=10)
            ax.set_xlabel(f"{_MODES[mode]}")
            ax.set_ylabel("trials read/s" if workload == "cold-load" else "trials/s")
            ax.grid(True, which="both", alpha=0.3)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=6)
    fig.suptitle(
        "pyhpo benchmark (solid: pyhpo; dashed: " + ", ".join(result["libs"][1:] or ["-"]) + ")", fontsize=11
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _in_panel(row: dict[str, Any], mode: str) -> bool:
    """P x 1 rows go in the processes panel, 1 x T rows in the threads panel (1 x 1 in both)."""
    return bool(row["threads"] == 1) if mode == "procs" else bool(row["procs"] == 1)
