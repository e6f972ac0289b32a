"""Modem speeds over real telnet: a board started at 2400 bps (RETROBOARD_MODEM_BPS) says
CONNECT 2400 first and sends the welcome at 240 characters a second, to each caller on its own
line: a second caller is neither slowed nor held up by the first."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import telnetlib3

from tests.helpers.serve import free_port, serve

ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
SECONDS = 4.0  # of the welcome measured per caller (about 960 characters at 2400 bps)


def slope(stamps: list[tuple[float, int]]) -> float:
    """Characters per second: a line fitted through (time, bytes so far), least squares."""
    ts, cum, total = [], [], 0
    for at, n in stamps:
        total += n
        ts.append(at)
        cum.append(total)
    mt, mc = sum(ts) / len(ts), sum(cum) / len(cum)
    return sum((x - mt) * (y - mc) for x, y in zip(ts, cum, strict=True)) / sum(
        (x - mt) ** 2 for x in ts
    )


async def call(port: int) -> tuple[float, bytes, list[tuple[float, int]]]:
    """Dial in as SyncTERM and read the welcome for SECONDS after its first byte. Returns the
    seconds from connecting to the first byte, the bytes and (time, size) of every read."""
    loop = asyncio.get_running_loop()
    dialled = loop.time()
    reader, writer = await telnetlib3.open_connection(
        "127.0.0.1", port, term="syncterm", cols=80, rows=24, encoding=False, connect_minwait=0.2
    )
    data, stamps = b"", []
    try:
        end = loop.time() + 20
        while loop.time() < end:
            try:
                chunk = await asyncio.wait_for(reader.read(4096), 2)
            except TimeoutError:
                break
            if not chunk:
                break
            data += chunk
            stamps.append((loop.time(), len(chunk)))
            if stamps[-1][0] - stamps[0][0] >= SECONDS or b"Handle" in data:
                break
    finally:
        writer.close()
    assert stamps, "the board sent nothing"
    return stamps[0][0] - dialled, data, stamps


@pytest.mark.asyncio
async def test_2400_bps_sends_the_welcome_at_240_characters_a_second(tmp_path: Path) -> None:
    port = free_port()
    env = {"RETROBOARD_MODEM_BPS": "2400"}
    with serve(tmp_path, tmp_path / "serve.log", telnet_port=port, env=env):
        first = asyncio.ensure_future(call(port))
        await asyncio.sleep(1.5)  # the first caller is mid-welcome when the second dials
        second_wait, second, second_stamps = await call(port)
        _, data, stamps = await first
    for got, times in ((data, stamps), (second, second_stamps)):
        visible = ESCAPES.sub(b"", got).decode("cp437").lstrip()
        assert visible.startswith("CONNECT 2400"), visible[:60]
        rate = slope(times)
        assert 240 * 0.97 <= rate <= 240 * 1.03, f"{rate:.1f} characters/s at 2400 bps"
        assert len(times) > 20  # a stream of small reads, not one burst
    assert second_wait < 1.5  # the second caller's line is its own: no wait for the first
