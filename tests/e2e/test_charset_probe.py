"""The character set per session over real telnet: the welcome by terminal type (CP437 for
syncterm, UTF-8 for xterm-256color, 7-bit for dumb, each readable through pyte), and the probe
for an unsure type: a client answering like a UTF-8 or a CP437 terminal gets that, a silent one
gets the guess within the deadline."""

from __future__ import annotations

import asyncio
import codecs
import logging
import re
import time
from typing import Any

import pyte
import pytest
import telnetlib3

from retroboard.term.probe import PROBE_DEADLINE, RAW_PROBE_DEADLINE

pytestmark = pytest.mark.asyncio(loop_scope="module")

CPR = b"\x1b[6n"


class AnsweringScreen(pyte.Screen):
    """pyte as the client's terminal: a cursor-position request is answered where pyte's
    cursor is (pyte implements DSR 6 through write_process_input)."""

    def __init__(self) -> None:
        super().__init__(80, 24)
        self.answers: list[str] = []

    def write_process_input(self, data: str) -> None:
        self.answers.append(data)


async def call(port: int, term: str, shows: str | None, limit: float = 8.0) -> tuple[bytes, float]:
    """Connect as `term`; with `shows` answer cursor requests like a terminal showing that
    character set (None: a silent client). Returns the bytes up to the login prompt and the
    seconds it took to get there."""
    reader, writer = await telnetlib3.open_connection(
        "127.0.0.1", port, term=term, cols=80, rows=24, encoding=False, connect_minwait=0.05
    )
    screen = AnsweringScreen()
    stream = pyte.Stream(screen)
    decode = codecs.getincrementaldecoder(shows or "utf-8")(errors="replace").decode
    start = time.monotonic()
    data = b""
    try:
        while b"Handle:" not in data and time.monotonic() - start < limit:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), 0.5)
            except TimeoutError:
                continue
            if not chunk:
                break
            data += chunk
            if shows is not None:
                stream.feed(decode(chunk))
                for answer in screen.answers:
                    writer.write(answer.encode())
                screen.answers.clear()
    finally:
        writer.close()
    assert b"Handle:" in data, data[-300:]
    return data, time.monotonic() - start


def readable(data: bytes, encoding: str) -> str:
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(data.decode(encoding, errors="replace"))
    text = "\n".join(screen.display)
    assert re.search(r"Handle:", text), text
    return text


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


async def test_welcome_by_terminal_type(live_board: Any) -> None:
    port = live_board.telnet.port
    cp, _ = await call(port, "syncterm", None)
    assert CPR not in cp  # a sure type: not probed
    assert any(b >= 0x80 for b in cp) and not is_utf8(cp)
    assert "█" in readable(cp, "cp437")  # the art, drawn from CP437 bytes
    ut, _ = await call(port, "xterm-256color", None)
    assert CPR not in ut
    assert is_utf8(ut) and any(ch > "\x7f" for ch in ut.decode())
    assert "█" in readable(ut, "utf-8")
    du, _ = await call(port, "dumb", None)
    assert not [b for b in du if b > 0x7E] and CPR not in du
    readable(du, "ascii")


async def test_silent_client_gets_the_guess_within_the_deadline(
    live_board: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    data, took = await call(live_board.telnet.port, "ansi", None)
    assert data.count(CPR) == 2  # it was asked ...
    assert PROBE_DEADLINE <= 1.5  # the ceiling
    assert took < PROBE_DEADLINE + 1.5  # ... and given up on (generous slack: a loaded box)
    assert any("charset probe: no answer" in r.getMessage() for r in caplog.records)
    assert not is_utf8(data) and "█" in readable(data, "cp437")  # `ansi` guesses CP437


async def test_client_answering_like_utf8_gets_utf8(live_board: Any) -> None:
    data, took = await call(live_board.telnet.port, "ansi", "utf-8")
    assert data.count(CPR) == 2
    assert took < PROBE_DEADLINE  # it answered: no waiting for the deadline
    welcome = data[data.rindex(CPR) :]
    assert is_utf8(welcome) and "█" in readable(data, "utf-8")  # not the CP437 guess


async def test_client_answering_like_cp437_gets_cp437(live_board: Any) -> None:
    data, took = await call(live_board.telnet.port, "xterm", "cp437")
    assert data.count(CPR) == 2
    assert took < PROBE_DEADLINE
    welcome = data[data.rindex(CPR) :]
    assert not is_utf8(welcome) and any(b >= 0x80 for b in welcome)  # not the UTF-8 guess
    assert "█" in readable(data, "cp437")


async def test_raw_socket_is_probed_briefly_and_still_sees_its_screen_in_a_second(
    live_board: Any,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", live_board.telnet.port)
    start = time.monotonic()
    got = b""
    try:
        while b"Handle:" not in got and time.monotonic() - start < 3:
            got += await asyncio.wait_for(reader.read(4096), 3)
    finally:
        writer.close()
    assert CPR in got and RAW_PROBE_DEADLINE < 1.0
    assert time.monotonic() - start < 1.0
