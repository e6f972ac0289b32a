"""Output pacing at modem speeds (term.pacing, StreamTerminal.set_pace), on a fake clock only."""

from __future__ import annotations

import asyncio
import random
import re

import pytest

from retroboard.domain.modem import MODEM_SPEEDS, characters_per_second
from retroboard.term.fake import FakeTerminal
from retroboard.term.pacing import PACE_TICK, PaceQueue, Pacer, safe_cut
from retroboard.term.terminal import SGR_RESET


def slope(stamps: list[tuple[float, int]]) -> float:
    """Bytes per second fitted through (time, bytes so far), least squares (as the acceptance)."""
    ts = [t for t, _ in stamps]
    cs = [c for _, c in stamps]
    mt, mc = sum(ts) / len(ts), sum(cs) / len(cs)
    return sum((x - mt) * (y - mc) for x, y in zip(ts, cs, strict=True)) / sum(
        (x - mt) ** 2 for x in ts
    )


def simulate(rate: float, size: int, late: float = 0.0, seed: int = 7) -> list[tuple[float, int]]:
    """Drive a Pacer as the terminal's task does, on a fake clock; `late`: each wake-up comes
    up to that many seconds after it was due. Returns (time, bytes sent so far) per chunk."""
    pacer = Pacer(rate)
    rnd = random.Random(seed)
    now, sent, stamps = 0.0, 0, []
    while sent < size:
        n = min(pacer.allowance(now), size - sent)
        if n:
            pacer.spend(n)
            sent += n
            stamps.append((now, sent))
        now += pacer.wait() + rnd.uniform(0, late)
    return stamps


@pytest.mark.parametrize("size", [240, 2400, 60_000])
def test_2400_bps_sends_240_characters_a_second(size: int) -> None:
    stamps = simulate(characters_per_second(2400), size)
    assert 240 * 0.97 <= slope(stamps) <= 240 * 1.03
    # and never ahead of the line or behind it by more than a tick's worth
    pacer = Pacer(240)
    for t, sent in stamps:
        assert sent <= pacer.burst + 240 * t + 1e-6
        assert sent >= 240 * t - 240 * PACE_TICK - 1


@pytest.mark.parametrize("bps", MODEM_SPEEDS)
def test_every_speed_within_3_percent_over_a_long_write(bps: int) -> None:
    rate = characters_per_second(bps)
    stamps = simulate(rate, int(rate * 30))
    assert rate * 0.97 <= slope(stamps) <= rate * 1.03
    assert stamps[-1][0] == pytest.approx(30, rel=0.03)


def test_late_wake_ups_are_made_good() -> None:
    """A busy event loop wakes the task late: the credit it earned meanwhile is still spent."""
    stamps = simulate(240, 24_000, late=0.03)
    assert 240 * 0.99 <= slope(stamps) <= 240 * 1.01
    assert stamps[-1][0] == pytest.approx(100, rel=0.01)


def test_idle_time_is_not_saved_up() -> None:
    pacer = Pacer(240)
    assert pacer.allowance(0.0) == int(pacer.burst)
    pacer.spend(int(pacer.burst))
    pacer.idle()
    assert pacer.allowance(600.0) == int(pacer.burst)  # ten minutes later: one burst, no flood


def test_safe_cut_keeps_sequences_and_characters_whole() -> None:
    data = b"ab\x1b[1;37;44mcd"
    for at in range(3, 12):  # anywhere inside the sequence: the cut moves past its final byte
        assert safe_cut(data, at, utf8=True) == 12
    assert safe_cut(data, 2, utf8=True) == 2
    assert safe_cut(data, 13, utf8=True) == 13
    word = "x█é".encode()  # █ is 3 bytes, é 2
    assert [safe_cut(word, at, utf8=True) for at in range(1, 7)] == [1, 4, 4, 4, 6, 6]
    assert safe_cut(word, 2, utf8=False) == 2  # CP437: every byte is a character
    assert safe_cut(b"ab\x1b7cd", 3, utf8=True) == 4  # ESC 7 (save cursor): two bytes


def test_queue_chunks_never_split_a_sequence_or_character() -> None:
    text = "".join(f"\x1b[{i % 8 + 30};1m█é{i}\x1b[0m " for i in range(200)).encode()
    queue = PaceQueue()
    queue.put(text)
    rnd = random.Random(3)
    chunks = []
    while queue:
        chunks.append(queue.take(rnd.randint(1, 9), utf8=True))
    assert b"".join(chunks) == text
    for chunk in chunks:
        chunk.decode("utf-8")  # raises on half a character
        last = chunk.rfind(b"\x1b")
        if last >= 0:
            assert re.match(rb"\x1b(\[[0-9;]*[A-Za-z]|[^\[])", chunk[last:]), chunk


class Clock:
    """A fake monotonic clock: the terminal's pacing task sleeps on it, `advance` moves it."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, fut))
        await fut

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        due = [s for s in self._sleepers if s[0] <= self.now + 1e-9]
        for sleeper in due:
            self._sleepers.remove(sleeper)
            sleeper[1].set_result(None)
        for _ in range(3):
            await asyncio.sleep(0)


class Line(FakeTerminal):
    """A FakeTerminal on a fake clock that stamps every send."""

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.clock = Clock()
        self.pace_clock = self.clock
        self.pace_sleep = self.clock.sleep
        self.stamps: list[tuple[float, int]] = []

    def _send(self, data: bytes) -> None:
        super()._send(data)
        self.stamps.append((self.clock.now, len(self.output)))

    async def settle(self, step: float = 0.01) -> None:
        """Run the fake clock until the paced output is out and the pacing task has ended."""
        await asyncio.sleep(0)
        while self.paced_pending or self._pump is not None:
            await self.clock.advance(step)

    async def until(self, size: int, step: float = 0.01) -> None:
        """Run the fake clock until `size` bytes were sent."""
        while len(self.output) < size:
            await self.clock.advance(step)


async def test_terminal_paced_at_2400_bps() -> None:
    term = Line()
    term.set_pace(characters_per_second(2400))
    term.write("x" * 1200)
    term.write("y" * 1200)
    assert len(term.output) < 20  # queued, not sent
    drained = asyncio.ensure_future(term.drain())
    await term.settle()
    await drained
    assert bytes(term.output) == b"x" * 1200 + b"y" * 1200
    assert 240 * 0.97 <= slope(term.stamps) <= 240 * 1.03
    assert term.stamps[-1][0] == pytest.approx(10, rel=0.03)
    assert term.paced_pending == 0


async def test_unthrottled_output_goes_straight_out() -> None:
    term = Line()
    term.set_pace(0)
    term.write("x" * 5000)
    assert len(term.output) == 5000 and term._pump is None
    assert term.clock.now == 0


async def test_going_unthrottled_sends_what_waits() -> None:
    term = Line()
    term.set_pace(30)
    term.write("hello world " * 10)
    term.set_pace(0)
    assert bytes(term.output) == b"hello world " * 10
    term.write("more")
    assert bytes(term.output).endswith(b"more")


async def test_a_key_skips_the_rest_of_skippable_art() -> None:
    term = Line()
    term.set_pace(240)
    art = "\x1b[1;34m" + "▓" * 3000 + "\x1b[0m"
    term.write("CONNECT 2400\r\n")
    term.write(art, skippable=True)
    term.write("Handle: ")
    await term.until(200)  # some of the art is on its way
    await term.type_text("j")
    await term.settle()
    out = bytes(term.output)
    assert out.startswith(b"CONNECT 2400\r\n\x1b[1;34m")
    assert out.endswith(SGR_RESET + b"Handle: ")  # the prompt still comes, colours reset
    assert len(out) < 400  # not the 9000 bytes of art
    (out[: -len(SGR_RESET + b"Handle: ")]).decode("utf-8")  # cut between characters
    key = await term.read_key()
    assert key.char == "j"  # and the key still reaches the screen


async def test_a_key_does_not_skip_ordinary_output() -> None:
    term = Line()
    term.set_pace(240)
    with term.skippable():
        term.write("art " * 20)
    term.write("the menu " * 50)
    await term.until(100)
    await term.type_text("x")
    await term.settle()
    out = bytes(term.output)
    assert out.endswith(b"the menu " * 50)
    assert SGR_RESET not in out  # the art was already sent whole: nothing to skip or reset


async def test_skip_resets_colours_only_where_there_are_colours() -> None:
    term = Line()
    term.set_term_type("dumb")
    assert term.info.colors == 0
    term.set_pace(240)
    term.write("#" * 500, skippable=True)
    term.write("Handle: ")
    await term.type_text("x")
    await term.settle()
    assert bytes(term.output).endswith(b"Handle: ") and b"\x1b" not in bytes(term.output)


async def test_paced_output_over_the_cap_hangs_up() -> None:
    term = Line()
    term.write_buffer_cap = 4000
    term.set_pace(30)
    term.write("x" * 3000)
    assert not term.closed
    term.write("x" * 2000)
    assert term.closed and term.paced_pending == 0


async def test_a_paced_client_that_stops_reading_is_dropped() -> None:
    class Stuck(Line):
        def _write_buffer_size(self) -> int:
            return 10_000  # nothing of what was sent is taken

        async def _drain(self) -> None:
            await asyncio.Event().wait()

        def _abort(self) -> None:
            self.aborted = True

    term = Stuck()
    term.drain_timeout = 0.05
    term.set_pace(240)
    term.write("x" * 500)
    with pytest.raises(Exception) as exc:
        await asyncio.wait_for(term.drain(), 5)
    assert type(exc.value).__name__ == "Disconnected"
    assert term.closed and term.aborted


async def test_close_sends_the_paced_rest_at_once() -> None:
    term = Line()
    term.set_pace(30)
    term.write("Goodbye! " * 10)
    term.close()
    assert bytes(term.output) == b"Goodbye! " * 10 and term.hung_up


async def test_writes_a_tick_apart_share_one_credit() -> None:
    """Small writes trickling in faster than the line (a busy chat) are paced too: the queue
    may empty between them, but no write gets a fresh burst of its own."""
    term = Line()
    term.set_pace(240)
    for _ in range(250):  # 8 bytes every 20 ms: 400 a second, more than the line carries
        term.write("abcdefgh")
        await term.clock.advance(0.02)
    await term.settle()
    assert len(term.output) == 2000
    assert 240 * 0.97 <= slope(term.stamps) <= 240 * 1.03


async def test_one_slow_session_does_not_hold_another() -> None:
    slow, fast = Line(), Line()
    slow.set_pace(characters_per_second(300))
    slow.write("x" * 3000)  # 100 s of output at 300 bps
    fast.write("hello")  # unthrottled: there at once
    assert bytes(fast.output) == b"hello"
    fast.set_pace(240)
    fast.write("y" * 480)
    await fast.settle()
    assert fast.stamps[-1][0] == pytest.approx(2, rel=0.05)
    assert slow.paced_pending > 0
    slow.close()
