"""pyhpo.logging: Optuna's line format on stderr, verbosity, the default handler and propagation."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import pytest

import pyhpo
from tests.study.helpers import new_study

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyhpo.trial import Trial

LINE = re.compile(
    r"^\[(?P<level>[DIWEC]) (?P<date>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}:\d{2}),(?P<ms>\d{3})\] (?P<msg>.*)$"
)


@pytest.fixture(autouse=True)
def _restore_logging_state() -> Iterator[None]:
    root = logging.getLogger("pyhpo")
    propagate, handlers = root.propagate, list(root.handlers)
    yield
    root.propagate = propagate
    root.handlers[:] = handlers


def stderr_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line]


def test_study_creation_line_has_optunas_prefix_and_wording(capsys: pytest.CaptureFixture[str]) -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.INFO)
    pyhpo.create_study(study_name="fmt")
    (line,) = stderr_lines(capsys)
    m = LINE.match(line)
    assert m is not None, line
    assert m["level"] == "I"
    assert m["msg"] == "A new study created in memory with name: fmt"


def test_trial_lines_are_info_and_failures_are_warning(capsys: pytest.CaptureFixture[str]) -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.INFO)
    study = new_study()

    def objective(trial: Trial) -> float:
        x = trial.suggest_int("x", 2, 2)
        if trial.number == 1:
            raise pyhpo.TrialPruned()
        if trial.number == 2:
            return float("nan")
        return float(x)

    capsys.readouterr()
    study.optimize(objective, n_trials=3)
    parsed = [LINE.match(line) for line in stderr_lines(capsys)]
    assert all(p is not None for p in parsed)
    got = [(p["level"], p["msg"]) for p in parsed if p is not None]
    assert got == [
        ("I", "Trial 0 finished with value: 2.0 and parameters: {'x': 2}. Best is trial 0 with value: 2.0."),
        ("I", "Trial 1 pruned. "),
        (
            "W",
            (
                "Trial 2 failed with parameters: {'x': 2} because of the following error: The value nan is not "
                "acceptable."
            ),
        ),
        ("W", "Trial 2 failed with value nan."),
    ]


def test_set_verbosity_warning_silences_info_lines(capsys: pytest.CaptureFixture[str]) -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    assert pyhpo.logging.get_verbosity() == pyhpo.logging.WARNING
    study = new_study()
    study.optimize(lambda t: 1.0, n_trials=2)
    assert stderr_lines(capsys) == []
    pyhpo.logging.set_verbosity(pyhpo.logging.INFO)
    assert pyhpo.logging.get_verbosity() == logging.INFO
    study.optimize(lambda t: 1.0, n_trials=1)
    assert len(stderr_lines(capsys)) == 1


def test_set_verbosity_debug_shows_debug_lines(capsys: pytest.CaptureFixture[str]) -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.DEBUG)
    study = new_study()
    study.enqueue_trial({"x": 1})
    capsys.readouterr()
    study.ask()
    lines = stderr_lines(capsys)
    assert any(line.startswith("[D ") and "popped" in line for line in lines), lines


def test_set_verbosity_rejects_what_is_not_a_level() -> None:
    with pytest.raises(TypeError, match="'loud'"):
        pyhpo.logging.set_verbosity("loud")  # type: ignore[arg-type]


def test_levels_are_the_standard_ones() -> None:
    for name in ("CRITICAL", "DEBUG", "ERROR", "FATAL", "INFO", "WARN", "WARNING"):
        assert getattr(pyhpo.logging, name) == getattr(logging, name)


def test_disable_default_handler_stops_stderr_output_and_enable_restores_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.INFO)
    pyhpo.logging.disable_default_handler()
    pyhpo.create_study()
    assert stderr_lines(capsys) == []
    pyhpo.logging.enable_default_handler()
    pyhpo.create_study()
    assert len(stderr_lines(capsys)) == 1
    # Enabling twice does not print every line twice.
    pyhpo.logging.enable_default_handler()
    pyhpo.create_study()
    assert len(stderr_lines(capsys)) == 1


def test_own_handlers_still_get_records_with_the_default_handler_disabled() -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("pyhpo").addHandler(handler)
    try:
        pyhpo.logging.set_verbosity(pyhpo.logging.INFO)
        pyhpo.logging.disable_default_handler()
        pyhpo.create_study(study_name="own")
    finally:
        logging.getLogger("pyhpo").removeHandler(handler)
    assert [r.getMessage() for r in records] == ["A new study created in memory with name: own"]
    assert records[0].name.startswith("pyhpo.")


def test_propagation_to_the_root_logger_is_off_by_default_and_can_be_enabled() -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        pyhpo.logging.set_verbosity(pyhpo.logging.INFO)
        pyhpo.logging.disable_propagation()
        pyhpo.create_study(study_name="quiet")
        assert records == []
        pyhpo.logging.enable_propagation()
        pyhpo.create_study(study_name="loud")
        assert [r.getMessage() for r in records] == ["A new study created in memory with name: loud"]
    finally:
        root.removeHandler(handler)
        pyhpo.logging.disable_propagation()


def test_get_logger_returns_loggers_under_the_pyhpo_hierarchy() -> None:
    logger = pyhpo.logging.get_logger("pyhpo.something")
    assert logger.name == "pyhpo.something"
    assert logger.parent is not None and logger.parent.name == "pyhpo"


def test_the_root_logger_is_left_alone() -> None:
    assert not any(
        getattr(h, "formatter", None).__class__.__name__ == "_Formatter" for h in logging.getLogger().handlers
    )


@pytest.mark.parametrize(
    "level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL]
)
def test_a_record_formats_exactly_as_optunas_default_formatter_does(level: int) -> None:
    optuna_logging = pytest.importorskip("optuna.logging")
    theirs = optuna_logging.create_default_formatter()
    if hasattr(theirs, "no_color"):
        theirs.no_color = True  # colorlog: compare the text, not terminal colours
    record = logging.LogRecord(
        "pyhpo.study", level, "x.py", 1, "Trial %d finished with value: %s", (3, 0.5), None
    )
    ours = pyhpo.logging._default_handler
    assert ours is not None and ours.formatter is not None
    assert ours.formatter.format(record) == theirs.format(record)
    assert pyhpo.logging.create_default_formatter().format(record) == theirs.format(record)
