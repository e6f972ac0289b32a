"""Just enough of the telnet client side for the benchmarks' raw-socket callers: answer the
board's negotiation (TTYPE with a given type, NAWS 80x24, SGA/BINARY/ECHO) and strip commands."""

from __future__ import annotations

from collections.abc import Callable

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
BINARY, ECHO, SGA, TTYPE, NAWS = 0, 1, 3, 24, 31


class Negotiator:
    """Feed it what the socket delivers; it answers through `reply` and hands back the data."""

    def __init__(self, term: bytes, reply: Callable[[bytes], None]) -> None:
        self.term = term
        self.reply = reply
        self.state = "data"
        self.cmd = 0
        self.sub = bytearray()

    def _option(self, cmd: int, opt: int) -> None:
        if cmd == DO:
            if opt in (TTYPE, NAWS, SGA, BINARY):
                self.reply(bytes([IAC, WILL, opt]))
                if opt == NAWS:
                    self.reply(bytes([IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE]))
            else:
                self.reply(bytes([IAC, WONT, opt]))
        elif cmd == WILL:
            self.reply(bytes([IAC, DO if opt in (ECHO, SGA, BINARY) else DONT, opt]))

    def strip(self, data: bytes) -> bytes:
        """`data` without telnet commands (answered as they come; state kept across calls)."""
        if IAC not in data and self.state == "data":
            return data
        out = bytearray()
        for b in data:
            if self.state == "data":
                if b == IAC:
                    self.state = "iac"
                else:
                    out.append(b)
            elif self.state == "iac":
                if b in (DO, DONT, WILL, WONT):
                    self.cmd, self.state = b, "opt"
                elif b == SB:
                    self.sub.clear()
                    self.state = "sb"
                else:
                    if b == IAC:
                        out.append(b)
                    self.state = "data"
            elif self.state == "opt":
                self._option(self.cmd, b)
                self.state = "data"
            elif self.state == "sb":
                if b == IAC:
                    self.state = "sb-iac"
                else:
                    self.sub.append(b)
            elif self.state == "sb-iac":
                if b == SE:
                    if bytes(self.sub[:2]) == bytes([TTYPE, 1]):  # SEND
                        self.reply(bytes([IAC, SB, TTYPE, 0]) + self.term + bytes([IAC, SE]))
                    self.state = "data"
                else:
                    self.sub.append(b)
                    self.state = "sb"
        return bytes(out)
