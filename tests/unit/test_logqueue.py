"""Unit tests for retroboard.logqueue: log lines written by a thread behind a bounded queue."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Iterator

import pytest

from retroboard.logqueue import QueuedLogging, off_the_loop
from retroboard.logsafe import SafeFormatter

FORMAT = "%(levelname)s %(name)s: %(message)s"


class Recording(logging.Handler):
    """Records each line it writes and the thread it was written on; can be held shut."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.threads: list[threading.Thread] = []
        self.open = threading.Event()
        self.open.set()

    def emit(self, record: logging.LogRecord) -> None:
        assert self.open.wait(10)
        self.threads.append(threading.current_thread())
        self.lines.append(self.format(record))


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("retroboard.test_logqueue")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger
    for h in list(logger.handlers):
        logger.removeHandler(h)


def queued(logger: logging.Logger, handler: logging.Handler, maxsize: int = 100) -> QueuedLogging:
    handler.setFormatter(SafeFormatter(FORMAT))
    logger.addHandler(handler)
    q = off_the_loop(logger, [handler], maxsize=maxsize)
    assert q is not None
    return q


async def test_a_line_logged_on_the_loop_is_written_by_another_thread(
    logger: logging.Logger,
) -> None:
    handler = Recording()
    q = queued(logger, handler)
    loop_thread = threading.current_thread()
    try:
        logger.info("from the loop: %s", asyncio.current_task() is not None)
    finally:
        q.stop()
    assert handler.lines == [f"INFO {logger.name}: from the loop: True"]
    assert handler.threads and all(t is not loop_thread for t in handler.threads)
    assert handler in logger.handlers and q.handler not in logger.handlers  # handed back


def test_sanitising_and_tracebacks_are_as_without_the_queue(logger: logging.Logger) -> None:
    direct = io.StringIO()
    through = io.StringIO()
    plain = logging.StreamHandler(direct)
    plain.setFormatter(SafeFormatter(FORMAT))

    def log_all() -> None:
        logger.warning("handle %s", "x\n\x1b[2Jforged")
        try:
            raise ValueError("bad\x1b[31m")
        except ValueError:
            logger.exception("it failed: %d", 7)
        logger.info("with a stack", stack_info=True)

    logger.addHandler(plain)
    log_all()
    logger.removeHandler(plain)
    q = queued(logger, logging.StreamHandler(through))
    log_all()
    q.stop()
    # The same lines but for the stack's line numbers (the two calls differ only in that).
    strip = [ln for ln in direct.getvalue().splitlines() if "line" not in ln]
    assert [ln for ln in through.getvalue().splitlines() if "line" not in ln] == strip
    assert r"handle x\x0a\x1b[2Jforged" in through.getvalue()
    assert "Traceback (most recent call last):\n" in through.getvalue()


def test_a_flood_is_bounded_counted_and_reported_once_the_writer_catches_up(
    logger: logging.Logger,
) -> None:
    handler = Recording()
    handler.open.clear()  # the writer is stuck (a slow terminal)
    q = queued(logger, handler, maxsize=50)
    try:
        for n in range(5000):
            logger.info("line %d", n)
        # One record may already be in the writer's hands, waiting; the rest wait in the queue.
        assert q.queue.qsize() <= 50
        assert 5000 - 51 <= q.handler.dropped <= 5000 - 50
        dropped = q.handler.dropped
        handler.open.set()
        deadline = threading.Event()
        while q.queue.qsize() and not deadline.wait(0.01):
            pass
        logger.info("calm again")
    finally:
        q.stop()
    assert handler.lines[-2:] == [
        f"WARNING retroboard.log: {dropped} log lines dropped: the log queue was full",
        f"INFO {logger.name}: calm again",
    ]
    assert len(handler.lines) == 5000 - dropped + 2
    assert q.handler.dropped == 0 and q.handler.dropped_total == dropped


def test_lines_dropped_and_never_reported_are_reported_at_stop(logger: logging.Logger) -> None:
    handler = Recording()
    handler.open.clear()
    q = queued(logger, handler, maxsize=5)
    for n in range(20):
        logger.info("line %d", n)
    dropped = q.handler.dropped
    assert dropped >= 14
    handler.open.set()
    q.stop()
    assert handler.lines[-1] == (
        f"WARNING retroboard.log: {dropped} log lines dropped: the log queue was full"
    )


def test_handlers_configured_elsewhere_are_left_alone(logger: logging.Logger) -> None:
    handler = Recording()
    before = list(logger.handlers)
    assert off_the_loop(logger, [handler]) is None
    assert logger.handlers == before
