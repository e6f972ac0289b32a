"""Network clients for end-to-end tests: telnetlib3, asyncssh, and real programs under pexpect.

`wait_for` matches only output written after a mark: by default the last input sent (`send`,
`line`, `resize`), so a test never passes on text left on the screen from an earlier frame.
"""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

import asyncssh
import pexpect
import telnetlib3

from tests.helpers.screen import START, Mark, VirtualScreen

SSH_OPTS = [
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "PubkeyAuthentication=no",
    "-o",
    "PreferredAuthentications=password",
]


class _Waiting:
    screen: VirtualScreen
    last_input: Mark = START  # wait_for's default mark: before the last input sent

    async def _pump(self, wait: float) -> None:
        raise NotImplementedError

    def _take(self) -> None:
        """Feed the screen whatever has already arrived, without waiting."""

    @property
    def text(self) -> str:
        return self.screen.text

    def mark(self) -> Mark:
        """The point in the output reached so far; `wait_for(..., after=mark)` looks past it."""
        self._take()
        return self.screen.mark()

    def _input_mark(self) -> None:
        self.last_input = self.mark()

    async def wait_for(self, pattern: str, timeout: float = 8.0, after: Mark | None = None) -> str:
        """Wait until `pattern` is on the screen in output written after `after` (default: the
        last input sent); returns the whole screen's text."""
        mark = self.last_input if after is None else after
        rx = re.compile(pattern, re.I | re.M)
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while loop.time() < end:
            if rx.search(self.screen.text_after(mark)):
                return self.screen.text
            await self._pump(0.05)
        if rx.search(self.screen.text_after(mark)):
            return self.screen.text
        raise AssertionError(
            f"timed out waiting for {pattern!r} in output after offset {mark.offset}; screen:\n"
            f"{self.screen.text}\n--- drawn since the mark (NUL = older):\n"
            f"{self.screen.text_after(mark).replace(chr(0), '.')}"
        )

    async def settle(self, quiet: float = 0.15, limit: float = 3.0) -> None:
        """Read until nothing arrives for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        end = loop.time() + limit
        while loop.time() < end:
            before = len(self.screen.raw)
            await self._pump(quiet)
            if len(self.screen.raw) == before:
                return


class TelnetClient(_Waiting):
    """telnetlib3's client with NAWS and a terminal type, screen parsed by pyte."""

    def __init__(self, reader: Any, writer: Any, cols: int, rows: int) -> None:
        self.reader, self.writer = reader, writer
        self.screen = VirtualScreen(cols, rows)

    @classmethod
    async def connect(
        cls,
        port: int,
        cols: int = 80,
        rows: int = 24,
        term: str = "xterm-256color",
        source: str | None = None,
    ) -> TelnetClient:
        reader, writer = await telnetlib3.open_connection(
            "127.0.0.1",
            port,
            local_addr=(source, 0) if source else None,
            encoding=False,
            cols=cols,
            rows=rows,
            term=term,
            connect_minwait=0.05,
            connect_maxwait=1.0,
        )
        return cls(reader, writer, cols, rows)

    async def _pump(self, wait: float) -> None:
        try:
            data = await asyncio.wait_for(self.reader.read(65536), wait)
        except TimeoutError:
            return
        if data:
            self.screen.feed(data)
        else:
            await asyncio.sleep(wait)

    def _take(self) -> None:
        buffered = self.reader._buffer  # what read() would return at once
        if buffered:
            self.screen.feed(bytes(buffered))
            buffered.clear()
            self.reader._maybe_resume_transport()

    async def send(self, text: str) -> None:
        self._input_mark()
        self.writer.write(text.encode())
        await self.writer.drain()

    async def line(self, text: str) -> None:
        await self.send(text + "\r\n")

    def resize(self, cols: int, rows: int) -> None:
        """Send a new window size (NAWS), as a client does when its window changes."""
        from telnetlib3.telopt import IAC, NAWS, SB, SE

        self._input_mark()
        self.screen.resize(cols, rows)
        payload = cols.to_bytes(2, "big") + rows.to_bytes(2, "big")
        self.writer.send_iac(IAC + SB + NAWS + payload.replace(IAC, IAC + IAC) + IAC + SE)

    def close(self) -> None:
        self.writer.close()


class SSHClient(_Waiting):
    """asyncssh's client with a PTY, screen parsed by pyte."""

    def __init__(self, conn: Any, process: Any, cols: int, rows: int) -> None:
        self.conn, self.process = conn, process
        self.screen = VirtualScreen(cols, rows)

    @classmethod
    async def connect(
        cls,
        port: int,
        user: str,
        password: str,
        cols: int = 80,
        rows: int = 24,
        term: str = "xterm-256color",
    ) -> SSHClient:
        conn = await asyncssh.connect(
            "127.0.0.1",
            port,
            username=user,
            password=password,
            known_hosts=None,
            client_keys=None,
            agent_path=None,
            preferred_auth="password",
        )
        process = await conn.create_process(term_type=term, term_size=(cols, rows), encoding=None)
        return cls(conn, process, cols, rows)

    async def _pump(self, wait: float) -> None:
        try:
            data = await asyncio.wait_for(self.process.stdout.read(65536), wait)
        except TimeoutError:
            return
        except (asyncssh.Error, OSError):
            await asyncio.sleep(wait)
            return
        if data:
            self.screen.feed(data)
        else:
            await asyncio.sleep(wait)

    async def send(self, text: str) -> None:
        await self._pump(0.005)  # take what has already arrived before marking
        self._input_mark()
        self.process.stdin.write(text.encode())

    async def line(self, text: str) -> None:
        await self.send(text + "\r")

    def resize(self, cols: int, rows: int) -> None:
        self._input_mark()
        self.screen.resize(cols, rows)
        self.process.change_terminal_size(cols, rows)

    def close(self) -> None:
        self.conn.close()


class ProgramClient(_Waiting):
    """A real client program (telnet, ssh) in a pty, read without blocking the event loop."""

    def __init__(self, argv: list[str], cols: int = 80, rows: int = 24) -> None:
        env = dict(os.environ, TERM="xterm", LANG="C.UTF-8")
        self.child = pexpect.spawn(argv[0], argv[1:], dimensions=(rows, cols), env=env, timeout=10)
        self.screen = VirtualScreen(cols, rows)

    @classmethod
    def telnet(cls, port: int, **kw: Any) -> ProgramClient:
        return cls(["telnet", "127.0.0.1", str(port)], **kw)

    @classmethod
    def ssh(cls, port: int, user: str, *extra: str, **kw: Any) -> ProgramClient:
        return cls(["ssh", "-p", str(port), *SSH_OPTS, *extra, f"{user}@127.0.0.1"], **kw)

    async def _pump(self, wait: float) -> None:
        await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        end = loop.time() + wait
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=0)
                self.screen.feed(data)
                continue
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                await asyncio.sleep(wait)
                return
            if loop.time() >= end:
                return
            await asyncio.sleep(0.02)

    def _take(self) -> None:
        while True:
            try:
                self.screen.feed(self.child.read_nonblocking(65536, timeout=0))
            except (pexpect.TIMEOUT, pexpect.EOF):
                return

    async def send(self, text: str) -> None:
        self._input_mark()
        self.child.send(text)

    async def line(self, text: str) -> None:
        self._input_mark()
        self.child.send(text + "\r")

    def resize(self, cols: int, rows: int) -> None:
        self._input_mark()
        self.screen.resize(cols, rows)
        self.child.setwinsize(rows, cols)

    def close(self) -> None:
        self.child.close(force=True)
