"""The web transport's pure parts: the Origin rule, the control messages, asset names, frames,
and the http settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import WSMsgType
from aiohttp._websocket.reader import WebSocketDataQueue, WebSocketReader  # the real parser

from retroboard.config import ConfigError, load_settings
from retroboard.transports.web.server import asset_path, origin_allowed, parse_resize
from retroboard.transports.web.terminal import frame


@pytest.mark.parametrize(
    ("origin", "ok"),
    [
        ("http://127.0.0.1:8080", True),
        ("HTTP://127.0.0.1:8080/", True),  # case and a trailing slash do not matter
        ("https://bbs.example.org", True),  # listed
        ("http://127.0.0.1:8081", False),  # another port is another origin
        ("https://127.0.0.1:8080", False),  # and another scheme
        ("http://evil.example", False),
        ("http://127.0.0.1:8080.evil.example", False),
        ("null", False),  # sandboxed frames, file: pages
        ("", False),
        (None, False),
    ],
)
def test_origin_rule(origin: str | None, ok: bool) -> None:
    assert origin_allowed(origin, "http", "127.0.0.1:8080", ("https://bbs.example.org",)) is ok


def test_no_host_no_origin_is_allowed() -> None:
    assert not origin_allowed("http://", "http", "", ())


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ('{"type":"resize","cols":132,"rows":43}', (132, 43)),
        ('{"type":"resize","cols":0,"rows":43}', None),
        ('{"type":"resize","cols":true,"rows":43}', None),
        ('{"type":"resize","cols":"80","rows":"25"}', None),
        ('{"type":"resize","cols":80}', None),
        ('{"type":"resize","cols":1e9,"rows":25}', None),
        ('{"type":"paste","cols":80,"rows":25}', None),
        ("[1, 2]", None),
        ("not json", None),
        ('{"type":"resize","cols":99999,"rows":25}', None),
    ],
)
def test_resize_messages(text: str, size: tuple[int, int] | None) -> None:
    assert parse_resize(text) == size


def test_asset_names_stay_inside_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "static"
    (root / "fonts").mkdir(parents=True)
    (root / "terminal.js").write_text("x")
    (root / "fonts" / "a.woff2").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("no")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert asset_path(root, "terminal.js") == (root / "terminal.js").resolve()
    assert asset_path(root, "fonts/a.woff2") == (root / "fonts" / "a.woff2").resolve()
    for bad in ("../secret.txt", "fonts/../../secret.txt", "/etc/passwd", ".hidden", "link.txt",
                "fonts", "missing.js", "a\\b.js", "fonts//a.woff2", ""):  # fmt: skip
        assert asset_path(root, bad) is None, bad
    assert asset_path(tmp_path / "absent", "terminal.js") is None


class _Protocol:
    _reading_paused = False

    def pause_reading(self) -> None:
        self._reading_paused = True

    def resume_reading(self) -> None:
        self._reading_paused = False


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 200_000])
async def test_frames_parse_as_one_binary_message(size: int) -> None:
    import asyncio

    payload = bytes(i % 251 for i in range(size))
    queue = WebSocketDataQueue(_Protocol(), 1 << 20, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
    reader = WebSocketReader(queue, 1 << 20, compress=False, decode_text=True)
    reader.feed_data(frame(payload))
    msg = await queue.read()
    assert msg.type is WSMsgType.BINARY and msg.data == payload


def test_http_settings() -> None:
    s = load_settings({}, environ={})
    assert (s.http_port, s.http_origin_list) == (8080, ())
    s = load_settings(
        {},
        environ={"RETROBOARD_HTTP_PORT": "0", "RETROBOARD_HTTP_ORIGINS": " https://a.example, ,"},
    )
    assert (s.http_port, s.http_origin_list) == (0, ("https://a.example",))
    assert (
        load_settings({"http_port": 9090}, environ={"RETROBOARD_HTTP_PORT": "1"}).http_port == 9090
    )
    with pytest.raises(ConfigError, match="RETROBOARD_HTTP_PORT"):
        load_settings({}, environ={"RETROBOARD_HTTP_PORT": "70000"})
    with pytest.raises(ConfigError, match="origin"):
        load_settings({}, environ={"RETROBOARD_HTTP_ORIGINS": "https://a.example/path"})
    with pytest.raises(ConfigError, match="origin"):
        load_settings({}, environ={"RETROBOARD_HTTP_ORIGINS": "a.example"})


def test_serve_and_demo_take_http_port() -> None:
    from retroboard.cli import _settings, build_parser

    parser = build_parser()
    for command in ("serve", "demo"):
        args = parser.parse_args([command, "--http-port", "8181"])
        assert _settings(args).http_port == 8181
