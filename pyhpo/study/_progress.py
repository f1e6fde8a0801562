"""The tqdm progress bar of ``optimize(show_progress_bar=True)``, drawn as Optuna draws it.

With ``n_trials`` the bar counts trials (and, with a timeout as well, shows ``elapsed/timeout seconds`` after
it); with only a timeout it fills with elapsed time, shown as tqdm intervals (``00:59/01:00``, ``1:00:00``).
While the bar is up, pyhpo's log lines go through ``tqdm.write`` instead of the default stderr handler, so they
print above the bar instead of tearing it, as Optuna's do.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from pyhpo import logging as pyhpo_logging

if TYPE_CHECKING:
    from pyhpo.study._study import Study


class _TqdmLoggingHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes each record with ``tqdm.write`` (which clears and redraws the bar around it)."""

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm.auto import tqdm

        try:
            tqdm.write(self.format(record))
            self.flush()
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception:  # noqa: BLE001 - logging reports its own failures, as every handler does
            self.handleError(record)


class ProgressBar:
    """Draws trials done out of ``n_trials``, or elapsed time out of ``timeout`` when there is no trial count.

    Create it only when a bar is to be shown (``n_trials`` or ``timeout`` given); :meth:`close` it in a
    ``finally``: it also puts pyhpo's default log handler back.
    """

    def __init__(self, n_trials: int | None, timeout: float | None) -> None:
        from tqdm.auto import tqdm

        self._n_trials = n_trials
        self._timeout = timeout
        self._lock = threading.Lock()
        self._last_elapsed = 0.0
        if n_trials is not None:
            self._bar: Any = tqdm(total=n_trials)
        else:
            assert timeout is not None
            total = tqdm.format_interval(timeout)
            self._bar = tqdm(total=timeout, bar_format="{desc} {percentage:3.0f}%|{bar}| {elapsed}/" + total)
        self._handler = _TqdmLoggingHandler()
        self._handler.setLevel(logging.INFO)
        self._handler.setFormatter(pyhpo_logging.create_default_formatter())
        self._had_default_handler = pyhpo_logging._default_handler_enabled()
        pyhpo_logging.disable_default_handler()
        logging.getLogger("pyhpo").addHandler(self._handler)

    def update(self, elapsed: float, study: Study) -> None:
        """Record one finished trial, ``elapsed`` seconds after optimize started."""
        with self._lock:
            if not study._is_multi_objective():
                try:
                    best = study.best_trial
                    self._bar.set_description(f"Best trial: {best.number}. Best value: {best.value:.6g}")
                except ValueError:
                    pass  # no COMPLETE trial yet
            if self._n_trials is not None:
                self._bar.update(1)
                if self._timeout is not None:
                    self._bar.set_postfix_str(f"{elapsed:.02f}/{self._timeout} seconds")
                return
            assert self._timeout is not None
            # Clipped at the timeout: tqdm warns when a bar goes past its total.
            now = min(elapsed, self._timeout)
            self._bar.update(max(now - self._last_elapsed, 0.0))
            self._last_elapsed = max(now, self._last_elapsed)

    def close(self) -> None:
        """Close the bar and give log lines back to the default handler (if it was on before)."""
        self._bar.close()
        logging.getLogger("pyhpo").removeHandler(self._handler)
        if self._had_default_handler:
            pyhpo_logging.enable_default_handler()
