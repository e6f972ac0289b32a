"""Telnet transport: telnetlib3 in bytes mode, TTYPE and NAWS (live), a quick start for raw clients."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import telnetlib3

from retroboard.term.terminal import StreamTerminal, guess_info
from retroboard.transports.base import READ_SIZE, OnSession, run_with_pump

log = logging.getLogger(__name__)

# A client that answers no negotiation gets its screen after this long (the issue asks <= 1 s).
CONNECT_MAXWAIT = 0.5
# A client that does answer (a real telnet program) may take this long to say its terminal
# type over a slow link before the welcome screen is drawn; the wait ends as soon as it has.
NEGOTIATING_MAXWAIT = 2.0


class TelnetTerminal(StreamTerminal):
    """A Terminal over telnetlib3's writer (which doubles 0xFF bytes in data for us)."""

    def __init__(self, writer: Any, info: Any) -> None:
        super().__init__(info)
        self._writer = writer

    def _send(self, data: bytes) -> None:
        self._writer.write(data)

    async def _drain(self) -> None:
        await self._writer.drain()

    def _close(self) -> None:
        self._writer.close()


class _BoardTelnetProtocol(telnetlib3.TelnetServer):
    """telnetlib3's server with NAWS and TTYPE forwarded to the session's Terminal."""

    terminal: TelnetTerminal | None = None

    def begin_advanced_negotiation(self) -> None:
        # The client speaks telnet: worth waiting a little longer for TTYPE, so that a CP437
        # terminal on a slow link does not get a UTF-8 welcome screen.
        self.connect_maxwait = NEGOTIATING_MAXWAIT
        super().begin_advanced_negotiation()

    def on_naws(self, rows: int, cols: int) -> None:
        super().on_naws(rows, cols)
        if self.terminal is not None:
            self.terminal.resize(cols, rows)

    def on_ttype(self, ttype: str) -> None:
        first = self.get_extra_info("ttype1") is None
        super().on_ttype(ttype)
        if first and ttype and self.terminal is not None:
            self.terminal.set_term_type(ttype)

    def _negotiate_environ(self) -> None:
        """Never ask for NEW-ENVIRON: the board uses none of it, and clients' values (PuTTY
        sends the local user name unasked) must never reach a login. It also saves a round
        trip and its parsing for every caller. (Overrides a telnetlib3 5.0.1 internal; the
        version is pinned and tests/e2e cover negotiation.)"""


class TelnetTransport:
    """Listens for telnet; every connection becomes a TelnetTerminal handed to `on_session`."""

    def __init__(self, on_session: OnSession, *, host: str, port: int) -> None:
        self._on_session = on_session
        self._host = host
        self._port = port
        self._server: Any = None

    @property
    def port(self) -> int:
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await telnetlib3.create_server(
            host=self._host,
            port=self._port,
            protocol_factory=_BoardTelnetProtocol,
            shell=self._shell,
            encoding=False,
            connect_maxwait=CONNECT_MAXWAIT,
            timeout=False,
            term="ansi",
            cols=80,
            rows=24,
        )

    async def _shell(self, reader: Any, writer: Any) -> None:
        protocol = writer.protocol
        peer = writer.get_extra_info("peername") or ("-", 0)
        ttype = writer.get_extra_info("ttype1") or writer.get_extra_info("TERM")
        info = guess_info(
            "telnet",
            ttype,
            int(writer.get_extra_info("cols") or 80),
            int(writer.get_extra_info("rows") or 24),
            f"{peer[0]}:{peer[1]}",
        )
        term = TelnetTerminal(writer, info)
        if isinstance(protocol, _BoardTelnetProtocol):
            protocol.terminal = term

        async def pump() -> None:
            try:
                while True:
                    data = await reader.read(READ_SIZE)
                    if not data:
                        break
                    await term.feed(data)
            except (ConnectionError, OSError, asyncio.IncompleteReadError):
                pass
            finally:
                term.lost()

        try:
            await run_with_pump(term, pump(), self._on_session(term, None, False))
        except Exception:
            log.exception("telnet session from %s failed", info.peer)
        finally:
            if isinstance(protocol, _BoardTelnetProtocol):
                protocol.terminal = None

    def close(self) -> None:
        """Stop listening and drop every connection."""
        if self._server is not None:
            self._server.close()

    async def wait_closed(self) -> None:
        if self._server is not None:
            await self._server.wait_closed()
