"""The NNTP transport's settings, as app hands them over (built from the board's Settings)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NNTPOptions:
    """How the NNTP server behaves. Defaults are the board's defaults."""

    host: str = "retroboard.invalid"  # this server's name: greeting, Path, Xref
    board_name: str = "retroboard"
    anonymous_read: bool = True  # readers that have not authenticated may read public groups
    max_line: int = 512  # octets of a command line, CRLF included (RFC 3977 §3.1)
    max_article_bytes: int = 96 * 1024  # a posted article, headers included
    idle_timeout: float = 600.0  # seconds without a command before the server says 400 and hangs up
    refresh_seconds: float = 5.0  # how stale a logged-in reader's level may be
    overview_chunk: int = 2000  # rows per backend read while streaming OVER
