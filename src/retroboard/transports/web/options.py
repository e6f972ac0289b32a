"""How the web transport behaves: its limits and the origins a WebSocket may come from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WebOptions:
    """Defaults are the board's defaults (config.Settings.http_*)."""

    host: str = "0.0.0.0"
    port: int = 8080
    board_name: str = "retroboard"
    # Origins (scheme://host[:port]) a WebSocket may come from besides the page's own
    # (the request's Host over http/https): e.g. the public name behind a reverse proxy.
    allowed_origins: tuple[str, ...] = ()
    max_frame: int = 4096  # octets of one WebSocket message from the browser (keys, resize)
    handshake_timeout: float = 10.0  # seconds for the browser's first resize message
    idle_timeout: float = 900.0  # the board's idle timeout also ends an idle WebSocket
