"""SSHTerminal sends the writes of one event-loop turn as one channel write (one packet to
encrypt and send instead of one per row), with the same bytes in the same order."""

from __future__ import annotations

import asyncio
from typing import Any

from retroboard.term.terminal import guess_info
from retroboard.transports.ssh import SSHTerminal


class FakeStdout:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.drains = 0

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    async def drain(self) -> None:
        self.drains += 1


class FakeChannel:
    def __init__(self) -> None:
        self.aborted = False

    def get_write_buffer_size(self) -> int:
        return 0

    def get_connection(self) -> Any:
        return self

    def abort(self) -> None:
        self.aborted = True


class FakeProcess:
    def __init__(self) -> None:
        self.stdout = FakeStdout()
        self.channel = FakeChannel()
        self.exits: list[tuple[int, int]] = []  # (exit code, writes made before it)

    def exit(self, code: int) -> None:
        self.exits.append((code, len(self.stdout.writes)))


def terminal() -> tuple[SSHTerminal, FakeProcess]:
    process = FakeProcess()
    info = guess_info("ssh", "xterm-256color", 80, 24, "127.0.0.1:2222")
    return SSHTerminal(process, info), process  # type: ignore[arg-type]


async def test_writes_in_one_loop_turn_are_one_channel_write() -> None:
    term, process = terminal()
    for n in range(20):
        term.write(f"row {n}\n")
    assert process.stdout.writes == []  # nothing sent inside the turn
    assert term._write_buffer_size() == sum(len(f"row {n}\r\n") for n in range(20))
    await asyncio.sleep(0)
    assert process.stdout.writes == [b"".join(f"row {n}\r\n".encode() for n in range(20))]
    term.write("next turn")
    await asyncio.sleep(0)
    assert process.stdout.writes[1:] == [b"next turn"]
    assert term._write_buffer_size() == 0


async def test_drain_and_close_send_what_is_pending_first() -> None:
    term, process = terminal()
    term.write("a")
    term.write("b")
    await term.drain()  # flushed before the drain, not a turn later
    assert process.stdout.writes == [b"ab"] and process.stdout.drains == 1
    term.write("Goodbye!\n")
    term.close()
    assert process.stdout.writes[-1] == b"Goodbye!\r\n"
    assert process.exits == [(0, 2)]  # the goodbye went out before the channel's exit
    await asyncio.sleep(0)
    assert len(process.stdout.writes) == 2  # the scheduled flush finds nothing left


async def test_a_drop_discards_what_is_pending() -> None:
    term, process = terminal()
    term.write("never sent")
    term.drop("test")
    await asyncio.sleep(0)
    assert process.stdout.writes == [] and process.channel.aborted
