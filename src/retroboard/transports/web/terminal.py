"""The web terminal: a Terminal over one WebSocket (aiohttp), as SSHTerminal is over a channel.

Output: the writes made in one turn of the event loop go out as one BINARY frame at its end
(a screen is many writes; each would otherwise be its own frame). Frames are written straight
to the socket's asyncio transport (no compression is negotiated, so a server frame is a short
header and the bytes), and the transport's write buffer is what `write_buffer_cap` and the
drain timeout of StreamTerminal bound: a browser tab that stops reading is dropped.
"""

from __future__ import annotations

from typing import Any, Protocol

from retroboard.term.terminal import TermInfo
from retroboard.transports.base import TurnBufferedTerminal

OP_BINARY = 0x2


def frame(payload: bytes, opcode: int = OP_BINARY) -> bytes:
    """One unmasked, final WebSocket frame (RFC 6455 section 5.2) carrying `payload`."""
    n = len(payload)
    first = 0x80 | opcode
    if n < 126:
        header = bytes((first, n))
    elif n < 65536:
        header = bytes((first, 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((first, 127)) + n.to_bytes(8, "big")
    return header + payload


class Link(Protocol):
    """What the terminal needs of its connection (the web transport's meter provides it)."""

    transport: Any  # the socket's asyncio transport

    async def writable(self) -> None:
        """Return once the transport takes writes again (the browser is reading)."""
        ...

    def abort(self, why: str) -> None:
        """Drop the connection at once."""
        ...


class WebSocketTerminal(TurnBufferedTerminal):
    __slots__ = ("_link",)

    def __init__(self, link: Link, info: TermInfo) -> None:
        super().__init__(info)
        self._link = link

    def set_encoding(self, encoding: str) -> None:
        """A browser's terminal is UTF-8 by the wire protocol: a member's CP437 setting (made
        on a telnet client that shows CP437) keeps UTF-8 here, where the board's codec maps the
        CP437 art to the same glyphs; ASCII, a subset, is honoured."""
        super().set_encoding("utf-8" if encoding == "cp437" else encoding)

    def _write(self, data: bytes) -> None:
        transport = self._link.transport
        if transport is None or transport.is_closing():
            self.lost()
            return
        try:
            transport.write(frame(data))
        except (ConnectionError, OSError, RuntimeError):
            self.lost()

    async def _drain(self) -> None:
        self._flush()
        transport = self._link.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("the WebSocket is closed")
        await self._link.writable()

    def _close(self) -> None:
        # The closing handshake is the transport's (after the session, aiohttp's close):
        # here only what is still pending goes out.
        self._flush()

    def _write_buffer_size(self) -> int:
        transport = self._link.transport
        size = self._pending_size
        if transport is not None and not transport.is_closing():
            size += int(transport.get_write_buffer_size())
        return size

    def _abort(self) -> None:
        self._drop_pending()
        self._link.abort("")
