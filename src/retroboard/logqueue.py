"""Logging off the event loop: a bounded queue in front of the handlers that write."""

from __future__ import annotations

import copy
import logging
import queue
from logging.handlers import QueueHandler, QueueListener

__all__ = ["QUEUE_MAX", "DroppingQueueHandler", "QueuedLogging", "off_the_loop"]

QUEUE_MAX = 10_000  # log records waiting for the writer thread; more are dropped and counted
_SENTINEL_WAIT = 5.0  # seconds stop() waits for room in the queue, and again for the writer


class DroppingQueueHandler(QueueHandler):
    """A QueueHandler that never blocks and never grows: a record that finds the queue full is
    dropped and counted; the next record that fits is preceded by one WARNING line saying how
    many were dropped.

    Records are formatted here (with this handler's formatter, in the logging thread), so the
    queue holds finished text: no arguments, traceback objects or frames are kept alive.
    """

    def __init__(self, q: queue.Queue[logging.LogRecord]) -> None:
        super().__init__(q)
        self.dropped = 0  # dropped since the last notice
        self.dropped_total = 0

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        msg = self.format(record)
        record = copy.copy(record)
        record.message = msg
        record.msg = msg
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None  # already in msg (Python 3.11's prepare() leaves it)
        return record

    def enqueue(self, record: logging.LogRecord) -> None:
        # Handler.handle() holds self.lock around emit(): one enqueue at a time, counters safe.
        # Only the writer thread takes from the queue, so room seen here stays room.
        q: queue.Queue[logging.LogRecord] = self.queue  # type: ignore[assignment]
        room = q.maxsize - q.qsize() if q.maxsize > 0 else 2
        if room >= (2 if self.dropped else 1):
            if self.dropped:
                q.put_nowait(self.prepare(drop_notice(self.dropped)))
                self.dropped = 0
            q.put_nowait(record)
        else:
            self.dropped += 1
            self.dropped_total += 1


def drop_notice(count: int) -> logging.LogRecord:
    """The WARNING record that says `count` log lines were dropped."""
    return logging.LogRecord(
        "retroboard.log",
        logging.WARNING,
        __file__,
        0,
        "%d log lines dropped: the log queue was full",
        (count,),
        None,
    )


class _Preformatted(logging.Formatter):
    """The writer-side formatter: the record's text was finished by the queue handler."""

    def format(self, record: logging.LogRecord) -> str:
        return str(record.msg)


class _Listener(QueueListener):
    """A QueueListener whose stop() waits a bounded time: for room for its end-of-queue marker
    in the bounded queue, then for the writer thread (a daemon) to finish what is queued."""

    def stop(self) -> None:
        thread = self._thread  # type: ignore[attr-defined]
        if thread is None:
            return
        try:
            self.queue.put(self._sentinel, timeout=_SENTINEL_WAIT)  # type: ignore[attr-defined]
        except queue.Full:  # the writer is stuck (a blocked terminal): do not hang shutdown
            return
        thread.join(_SENTINEL_WAIT)
        self._thread = None


class QueuedLogging:
    """The handlers of `logger` moved behind a DroppingQueueHandler; stop() puts them back."""

    def __init__(self, logger: logging.Logger, handlers: list[logging.Handler], maxsize: int):
        self.logger = logger
        self.handlers = handlers
        self.formatters = [h.formatter for h in handlers]
        self.queue: queue.Queue[logging.LogRecord] = queue.Queue(maxsize)
        self.handler = DroppingQueueHandler(self.queue)
        self.handler.setFormatter(self.formatters[0])
        self.listener = _Listener(self.queue, *handlers, respect_handler_level=True)
        self.stopped = False

    def start(self) -> None:
        for h in self.handlers:
            h.setFormatter(_Preformatted())
            self.logger.removeHandler(h)
        self.logger.addHandler(self.handler)
        self.listener.start()

    def stop(self) -> None:
        """Write every queued line, then hand the handlers back to the logger (idempotent).

        Lines dropped and not yet reported are reported through the handlers themselves.
        """
        if self.stopped:
            return
        self.stopped = True
        self.logger.removeHandler(self.handler)
        try:
            self.listener.stop()
        finally:
            for h, f in zip(self.handlers, self.formatters, strict=True):
                h.setFormatter(f)
                self.logger.addHandler(h)
            if self.handler.dropped:
                self.logger.handle(drop_notice(self.handler.dropped))
                self.handler.dropped = 0


def off_the_loop(
    logger: logging.Logger, handlers: list[logging.Handler], maxsize: int = QUEUE_MAX
) -> QueuedLogging | None:
    """Move `handlers` of `logger` to a writer thread behind a queue of `maxsize` records.

    Returns the started QueuedLogging (call stop() at shutdown), or None when none of
    `handlers` is attached to `logger` (logging was configured elsewhere: nothing is moved).
    The handlers must share one formatter: records are formatted before they are queued.
    """
    attached = [h for h in handlers if h in logger.handlers]
    if not attached:
        return None
    queued = QueuedLogging(logger, attached, maxsize)
    queued.start()
    return queued
