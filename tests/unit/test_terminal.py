"""StreamTerminal behaviour every transport relies on: back-pressure, stalls, idle, escape."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace

import pytest

from retroboard.term import terminal
from retroboard.term.events import Disconnected, Key, Resize
from retroboard.term.fake import FakeTerminal
from retroboard.term.terminal import KEY_RATE, LINE_MODE_MAX, clean_term_type, guess_info
from retroboard.transports.base import ReadGate


class StalledTerminal(FakeTerminal):
    """A client that never reads: drain never completes, everything written stays buffered."""

    def __init__(self) -> None:
        super().__init__()
        self.aborted = 0
        self.closed_gracefully = 0

    async def _drain(self) -> None:
        await asyncio.Event().wait()

    def _write_buffer_size(self) -> int:
        return len(self.output)

    def _close(self) -> None:
        self.closed_gracefully += 1
        super()._close()

    def _abort(self) -> None:
        self.aborted += 1


def drops_logged(caplog: pytest.LogCaptureFixture) -> int:
    return sum("dropping a client that stopped reading" in r.getMessage() for r in caplog.records)


async def test_a_client_that_stops_reading_is_aborted_once_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="retroboard.term.terminal")
    term = StalledTerminal()
    term.drain_timeout = 0.1
    term.write("x" * 100_000)
    with pytest.raises(Disconnected):
        await term.drain()
    assert term.closed and term.aborted == 1 and term.closed_gracefully == 0
    term.write("more")  # writes after the drop are ignored, not buffered
    with pytest.raises(Disconnected):
        await term.read_input()
    term.close()  # the session's own hang-up afterwards changes nothing
    assert len(term.output) == 100_000 and term.aborted == 1 and term.closed_gracefully == 0
    assert drops_logged(caplog) == 1


async def test_output_never_taken_is_capped_even_without_drain(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="retroboard.term.terminal")
    term = StalledTerminal()
    chunk = "y" * 65536
    for _ in range(64):  # 4 MB written by a screen that never drains
        term.write(chunk)
    assert term.closed and term.aborted == 1
    assert len(term.output) <= term.write_buffer_cap + len(chunk)
    assert drops_logged(caplog) == 1


async def test_hang_up_with_output_pending_aborts_after_a_grace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(terminal, "CLOSE_GRACE", 0.05)
    term = StalledTerminal()
    term.write("Goodbye!\n")
    term.close()
    assert term.closed_gracefully == 1 and term.aborted == 0  # the goodbye gets its chance
    await asyncio.sleep(0.2)
    assert term.aborted == 1  # a peer that never reads is not kept open to flush to

    quick = FakeTerminal()  # nothing pending: a plain close, no abort scheduled
    quick.write("bye")
    quick.close()
    assert quick.hung_up and quick._abort_timer is None


async def test_newlines_become_crlf_and_text_is_encoded() -> None:
    term = FakeTerminal(encoding="cp437")
    term.write("╔═╗\nok\r\n")
    assert bytes(term.output) == b"\xc9\xcd\xbb\r\nok\r\n"


async def test_lone_escape_arrives_after_a_short_wait() -> None:
    term = FakeTerminal()
    await term.feed(b"\x1b")
    assert await asyncio.wait_for(term.read_input(), 1) == Key("escape")


async def test_arrow_split_across_packets_is_one_key() -> None:
    term = FakeTerminal()
    await term.feed(b"\x1b[")
    await term.feed(b"A")
    assert await asyncio.wait_for(term.read_input(), 1) == Key("up")


async def test_resize_is_clamped_and_reported_once() -> None:
    term = FakeTerminal()
    term.resize(0, 0)  # a PTY-less client: keep 80x24
    term.resize(9999, 3)
    assert (term.info.cols, term.info.rows) == (400, 5)
    assert await term.read_input() == Resize(400, 5)


async def test_input_back_pressure_blocks_the_transport_not_memory() -> None:
    term = FakeTerminal()
    feeder = asyncio.ensure_future(term.feed(b"a" * 1000))
    await asyncio.sleep(0.05)
    assert not feeder.done()  # the queue is full: the transport stops reading
    assert term._queue.qsize() == 256
    for _ in range(1000):
        await term.read_input()
    await asyncio.wait_for(feeder, 1)


async def test_reads_after_hangup_raise() -> None:
    term = FakeTerminal()
    term.lost()
    for _ in range(2):
        with pytest.raises(Disconnected):
            await term.read_input()


async def test_lost_while_a_feed_waits_on_a_full_queue_never_raises() -> None:
    """Seen during shutdown: QueueFull from read_input. Keys queued before the hang-up are
    still read, then every read raises Disconnected; the blocked feed ends quietly."""
    term = FakeTerminal()
    feeder = asyncio.ensure_future(term.feed(b"k" * 600))
    await asyncio.sleep(0.02)
    assert term._queue.full() and not feeder.done()
    term.lost()
    keys = 0
    with pytest.raises(Disconnected):
        for _ in range(1000):
            await asyncio.wait_for(term.read_input(), 1)
            keys += 1
    assert 0 < keys <= 256
    await asyncio.wait_for(feeder, 1)
    assert feeder.exception() is None
    for _ in range(3):
        with pytest.raises(Disconnected):
            await term.read_input()
    term.resize(100, 40)  # late events after the hang-up are harmless too
    await term.feed(b"late")
    with pytest.raises(Disconnected):
        await term.read_input()


async def test_lone_escape_is_not_lost_when_the_queue_is_full() -> None:
    term = FakeTerminal()
    await term.feed(b"a" * 256)  # exactly fills the queue
    await term.feed(b"\x1b")
    await asyncio.sleep(0.2)  # the escape timer fires while there is no room
    got = [await asyncio.wait_for(term.read_input(), 1) for _ in range(257)]
    assert got[-1] == Key("escape") and got.count(Key("a")) == 256


async def test_keys_over_the_rate_are_paced_not_lost() -> None:
    term = FakeTerminal()
    assert term.key_rate == KEY_RATE == 2000
    term.key_rate = 500  # one second's worth may come at once, the rest at 500/s
    typed = "".join(chr(ord("a") + i % 26) for i in range(1500))
    t0 = time.monotonic()
    feeder = asyncio.ensure_future(term.feed(typed.encode()))
    got = "".join([(await asyncio.wait_for(term.read_input(), 5)).name for _ in range(1500)])
    await asyncio.wait_for(feeder, 5)
    assert got == typed  # a paste arrives whole, in order
    assert time.monotonic() - t0 >= 1.5  # ~2 s: 1000 keys over the burst at 500/s


async def test_input_that_yields_no_keys_is_paced_too() -> None:
    term = FakeTerminal()
    term.key_rate = 500
    t0 = time.monotonic()
    await asyncio.wait_for(term.feed(b"\x00" * 8000), 5)  # 8000 NULs cost 1000 keys' worth
    assert time.monotonic() - t0 >= 0.7
    fast = FakeTerminal()
    t0 = time.monotonic()
    await fast.feed(b"\x00" * 8000)  # within the default rate's burst: no wait at all
    assert time.monotonic() - t0 < 0.5


async def test_a_line_mode_line_is_capped_and_its_enter_kept() -> None:
    term = FakeTerminal()
    term.info = replace(term.info, line_mode=True)
    term.key_rate = 0  # no pacing in this test
    reader = asyncio.ensure_future(_read_until_enter(term))
    await term.feed(b"x" * (LINE_MODE_MAX + 3000) + b"\r")
    line = await asyncio.wait_for(reader, 5)
    assert line == "x" * LINE_MODE_MAX
    await term.feed(b"i\r")  # a one-character line is still a hotkey
    assert await term.read_input() == Key("i")
    await term.feed(b"ok\r")
    assert await _read_until_enter(term) == "ok"


async def _read_until_enter(term: FakeTerminal) -> str:
    chars = []
    while (key := await term.read_key()).name != "enter":
        chars.append(key.name)
    return "".join(chars)


@pytest.mark.parametrize(
    "raw,kept",
    [
        ("xterm-256color", "xterm-256color"),
        ("XTERM", "xterm"),
        (
            "xterm\r\n2026-01-01 INFO retroboard: sysop logged in",
            "xterm2026-01-01inforetroboardsysoplogged",
        ),
        ("\x1b[31mansi", "31mansi"),
        ("a" * 60_000, "a" * 40),
        ("", "unknown"),
        ("!!! ???", "unknown"),
        (None, "unknown"),
    ],
)
def test_terminal_types_are_cleaned_before_use_or_logging(raw: str | None, kept: str) -> None:
    assert clean_term_type(raw) == kept
    info = guess_info("telnet", raw, 80, 24, "-")
    assert info.term_type == kept


def test_terminal_type_still_chooses_the_character_set() -> None:
    assert guess_info("telnet", "SyncTERM", 80, 24, "-").encoding == "cp437"
    assert guess_info("ssh", "xterm-256color", 80, 24, "-").colors == 256


class PausableTransport:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def pause_reading(self) -> None:
        self.calls.append("pause")

    def resume_reading(self) -> None:
        self.calls.append("resume")


async def test_read_gate_resumes_only_when_every_reason_is_gone() -> None:
    transport = PausableTransport()
    gate = ReadGate(transport)
    gate.pace(100, rate=1000)  # within the burst
    assert transport.calls == [] and not gate.paused
    gate.pause_reading()  # the session's input is full
    gate.pace(5000, rate=1000)  # and the caller is over its byte rate
    gate.resume_reading()  # the session caught up: still over the rate
    assert transport.calls == ["pause"] and gate.paused
    await asyncio.sleep(0.5)
    assert gate.paused  # 4000 bytes over at 1000/s: about 4 s
    gate.close()
    gate.resume("rate")
    assert transport.calls == ["pause", "resume"] and not gate.paused
