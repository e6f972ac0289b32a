"""FakeTerminal: an in-memory Terminal for tests — type bytes in, read the bytes written out."""

from __future__ import annotations

from retroboard.term.terminal import StreamTerminal, TermInfo


class FakeTerminal(StreamTerminal):
    """Records everything written; `type_text`/`press` feed input as a client would."""

    def __init__(
        self, cols: int = 80, rows: int = 24, encoding: str = "utf-8", term_type: str = "xterm"
    ) -> None:
        super().__init__(
            TermInfo(kind="fake", term_type=term_type, cols=cols, rows=rows, encoding=encoding)
        )
        self.output = bytearray()
        self.hung_up = False

    async def type_text(self, text: str) -> None:
        await self.feed(text.encode(self.info.encoding))

    def _send(self, data: bytes) -> None:
        self.output += data

    async def _drain(self) -> None:
        return None

    def _close(self) -> None:
        self.hung_up = True
