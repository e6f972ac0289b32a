"""Telnet transport: telnetlib3 in bytes mode, TTYPE and NAWS (live), a quick start for raw clients.

Bounded both ways: telnetlib3's reader is given a read gate as its transport, so reading stops
while the session is behind; raw bytes are paced (telnet commands never reach the key rate);
subnegotiations are capped (those of options never offered are dropped, see lean_writer);
client-to-server compression (MCCP3, a zip bomb) is refused, offered or started unasked; and a
client whose output backs up is aborted.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, cast

import telnetlib3

from retroboard.term.probe import PROBE_DEADLINE, RAW_PROBE_DEADLINE
from retroboard.term.terminal import KEY_RATE, WRITE_BUFFER_CAP, guess_info
from retroboard.transports.base import (
    READ_SIZE,
    Guard,
    OnSession,
    ReadGate,
    Ticket,
    TurnBufferedTerminal,
    limit_recv,
    run_with_pump,
)
from retroboard.transports.lean_writer import LeanTelnetWriter

log = logging.getLogger(__name__)

# A client that answers no negotiation gets its screen after this long (the issue asks <= 1 s).
CONNECT_MAXWAIT = 0.5
# A client that does answer (a real telnet program) may take this long to say its terminal
# type over a slow link before the welcome screen is drawn; the wait ends as soon as it has.
NEGOTIATING_MAXWAIT = 2.0
# Raw bytes per second a caller may send, per key of its key rate: typing and pasting never
# come near it; a flood of telnet commands (which yield no keys) is held back by it.
RAW_BYTES_PER_KEY = 8
# Input is parsed in pieces of this size, so the caps below are checked between them.
PARSE_CHUNK = 4096
# Longest subnegotiation kept (NAWS is 4 bytes, a terminal type tens); a longer one is
# discarded up to its IAC SE (telnetlib3's own limit is 1 MiB).
MAX_SUBNEGOTIATION = 1024
# Characters telnetlib3 may store and log of a terminal type (case kept: it compares them).
_TTYPE_JUNK = re.compile(r"[^A-Za-z0-9._+-]+")


class TelnetTerminal(TurnBufferedTerminal):
    """A Terminal over telnetlib3's writer (which doubles 0xFF bytes in data for us)."""

    __slots__ = ("_writer", "_transport")

    def __init__(self, writer: Any, info: Any) -> None:
        super().__init__(info)
        self._writer = writer
        # Kept for the abort and the buffer size: telnetlib3 forgets it on close.
        self._transport: Any = writer.transport

    def _write(self, data: bytes) -> None:
        self._writer.write(data)

    async def _drain(self) -> None:
        self._flush()
        await self._writer.drain()

    def _close(self) -> None:
        self._flush()
        self._writer.close()

    def _write_buffer_size(self) -> int:
        if self._transport is None:
            return self._pending_size
        return int(self._transport.get_write_buffer_size()) + self._pending_size

    def _abort(self) -> None:
        self._drop_pending()
        if self._transport is not None:
            self._transport.abort()
        self._writer.close()


TOO_MUCH_INPUT = "\r\n*** Too much input before logging in. Goodbye. ***\r\n"


class _BoardTelnetProtocol(telnetlib3.TelnetServer):
    """telnetlib3's server with NAWS and TTYPE forwarded to the session's Terminal, and every
    connection admitted by the guard before any negotiation."""

    terminal: TelnetTerminal | None = None
    guard: Guard | None = None  # set on the per-transport subclass
    ticket: Ticket | None = None
    gate: ReadGate | None = None
    # Keys per second assumed before the session has set its terminal's rate.
    default_key_rate: float = KEY_RATE
    _refused = False
    speaks_telnet = False  # the client answered negotiation (it is a telnet program)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The lean writer: the stock one's behaviour, a third of its memory (see lean_writer).
        kwargs.setdefault("writer_factory", LeanTelnetWriter)
        super().__init__(*args, **kwargs)
        # asyncio's FlowControlMixin keeps its drain waiters in a deque (~760 bytes, even
        # empty) for every connection; it only appends, removes and iterates (Python 3.11):
        # a list does that in 56 bytes while no one waits.
        self._drain_waiters: Any = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername") or ("-", 0)
        assert self.guard is not None
        self.ticket = self.guard.admit("telnet", str(peer[0]))
        if self.ticket.refusal is not None:
            # Refused before any negotiation: say why, then hang up.
            self._refused = True
            writer = cast(asyncio.WriteTransport, transport)
            writer.write(b"\r\n" + self.ticket.refusal.encode("ascii", "replace") + b"\r\n")
            writer.close()
            return
        self._refused = False
        super().connection_made(transport)
        # telnetlib3 never gives the server-side reader its transport, so it never stops
        # reading: give it the gate, and a full reader pauses the socket.
        self.gate = ReadGate(transport)
        limit_recv(transport)
        assert self.reader is not None
        self.reader.set_transport(self.gate)  # type: ignore[arg-type]

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        assert self.ticket is not None and self.gate is not None
        if not self.ticket.take_bytes(len(data)):
            self._refused = True
            log.info("hanging up %s: over the pre-login input budget", self.ticket.address)
            transport = self._transport
            transport.write(TOO_MUCH_INPUT.encode())
            if self.terminal is not None:
                self.terminal.lost()
            transport.abort()
            return
        if self.ticket.logged_in:
            rate = self.terminal.key_rate if self.terminal is not None else self.default_key_rate
            self.gate.pace(len(data), rate * RAW_BYTES_PER_KEY)
            self.gate.hold_back = True
        else:
            # Before login the byte budget bounds what is buffered: keep reading, so that a
            # flooder reaches the budget (and is hung up) at once instead of being paced.
            self.gate.hold_back = False
        try:
            for start in range(0, len(data), PARSE_CHUNK):
                if self._closing or self._refused:
                    return
                super().data_received(data[start : start + PARSE_CHUNK])
                self._cap_subnegotiation()
        except Exception:  # a telnetlib3 fault on hostile input: this caller only
            log.warning("hanging up %s: unparsable telnet input", self.ticket.address)
            self._hang_up()
            return
        self._check_output()

    def _cap_subnegotiation(self) -> None:
        writer = self.writer
        if writer is not None and len(writer._sb_buffer) > MAX_SUBNEGOTIATION:
            # Discard it; telnetlib3 skips the rest up to IAC SE (reading telnetlib3 5.0.1's
            # own overflow flag; the version is pinned and tests/fuzz cover it).
            writer._sb_buffer.clear()
            writer._sb_overflow = True

    def _check_output(self) -> None:
        """Negotiation replies go straight to the socket: a client that sends commands but
        never reads the answers is dropped like any other that stops reading."""
        transport = self._transport
        if transport is None or transport.get_write_buffer_size() <= WRITE_BUFFER_CAP:
            return
        if self.terminal is not None:
            self.terminal.drop("negotiation replies not taken")
        else:
            assert self.ticket is not None
            log.info("dropping a client that stopped reading: %s", self.ticket.address)
            self._hang_up()

    def _hang_up(self) -> None:
        self._refused = True
        if self.terminal is not None:
            self.terminal.lost()
        if self._transport is not None:
            self._transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.ticket is not None:
            self.ticket.release()
        if self.gate is not None:
            self.gate.close()
        if self._refused and self.reader is None:
            return  # never started: nothing of telnetlib3's to tear down
        super().connection_lost(exc)

    def begin_advanced_negotiation(self) -> None:
        # The client speaks telnet: worth waiting a little longer for TTYPE, so that a CP437
        # terminal on a slow link does not get a UTF-8 welcome screen.
        self.connect_maxwait = NEGOTIATING_MAXWAIT
        self.speaks_telnet = True
        super().begin_advanced_negotiation()

    def on_naws(self, rows: int, cols: int) -> None:
        super().on_naws(rows, cols)
        if self.terminal is not None:
            self.terminal.resize(cols, rows)

    def on_ttype(self, ttype: str) -> None:
        # Cleaned before telnetlib3 stores (and logs) it: no forged log lines, no 60 KB types.
        ttype = _TTYPE_JUNK.sub("", ttype)[:40]
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

    def __init__(self, on_session: OnSession, guard: Guard, *, host: str, port: int) -> None:
        self._on_session = on_session
        # Each transport's connections are admitted by its own guard (set on a subclass,
        # since telnetlib3 makes the protocol objects itself).
        self._protocol = type("BoardTelnetProtocol", (_BoardTelnetProtocol,), {"guard": guard})
        self._host = host
        self._port = port
        self._server: Any = None

    @property
    def port(self) -> int:
        return int(self._server.sockets[0].getsockname()[1])

    @staticmethod
    def protocol_options() -> dict[str, Any]:
        """What telnetlib3 builds each connection's protocol with (also used by tests/fuzz)."""
        return {
            "encoding": False,
            # Client-to-server compression would let 64 KB on the wire be 64 MB of input.
            "compression": False,
            "limit": READ_SIZE,
            "connect_maxwait": CONNECT_MAXWAIT,
            "timeout": False,
            "term": "ansi",
            "cols": 80,
            "rows": 24,
        }

    def make_protocol(self) -> _BoardTelnetProtocol:
        """One connection's protocol, as the listener makes it (for tests without a socket)."""
        return self._protocol(shell=self._shell, **self.protocol_options())

    async def start(self) -> None:
        self._server = await telnetlib3.create_server(
            host=self._host,
            port=self._port,
            protocol_factory=self._protocol,
            shell=self._shell,
            **self.protocol_options(),
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
            # The charset probe (term.probe) for an unsure terminal type; a raw socket client
            # has already waited for negotiation, and must see its screen within a second.
            term.probe_deadline = PROBE_DEADLINE if protocol.speaks_telnet else RAW_PROBE_DEADLINE

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
            assert protocol.ticket is not None
            await run_with_pump(term, pump(), self._on_session(term, None, False, protocol.ticket))
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
