"""The welcome art on real sessions: drawn whole or not at all (text title instead) at every
width and character set, and a sysop's art/ file replacing it without a restart."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest

from retroboard.ui.art import ArtLibrary
from tests.helpers.fakeui import FakeCaller

BLOCKS = set("█▀▄▓▒░")


def _libraries(board: Any) -> list[ArtLibrary]:
    return [board.art, *board.board_info.skin_art.values()]


async def _welcome(board: Any, cols: int, encoding: str = "utf-8") -> str:
    caller = FakeCaller(board, cols=cols, encoding=encoding)
    try:
        return await caller.wait_for("Handle:")
    finally:
        await caller.hangup()


@pytest.mark.parametrize("cols", [40, 50, 64, 70, 78, 79, 80, 100, 132])
async def test_welcome_art_is_whole_or_absent(offline_board: Any, cols: int) -> None:
    art = offline_board.art.get("welcome", cols)
    assert art is not None
    shown = await _welcome(offline_board, cols)
    banner = f"*** {offline_board.settings.board_name.upper()} ***"
    if art.width <= cols:
        rendered = offline_board.art.rendered("welcome", cols, colors=False)
        assert rendered is not None
        art_rows = [r.rstrip() for r in rendered.split("\r\n") if r.strip()]
        screen_rows = [r.rstrip() for r in shown.splitlines()]
        assert all(r in screen_rows for r in art_rows if len(r) < cols), cols
        assert banner not in shown
    else:  # it does not fit: none of it, and the text title instead
        assert not (BLOCKS & set(shown)), cols
        assert banner in shown


async def test_ascii_caller_gets_the_text_title(offline_board: Any) -> None:
    shown = await _welcome(offline_board, 80, encoding="ascii")
    assert "***" in shown and not (BLOCKS & set(shown))


def _sauce(width: int) -> bytes:
    return (
        b"SAUCE00"
        + b"sysop's welcome".ljust(35)
        + b"sysop".ljust(20)
        + b"board".ljust(20)
        + b"19890101"
        + struct.pack("<IBBHHHHBB", 0, 1, 1, width, 1, 0, 0, 0, 0)
        + b"".ljust(22, b"\x00")
    )


def _write(path: Path, data: bytes | None) -> None:
    """Put a sysop's file in place (None: remove it)."""
    if data is None:
        path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


async def test_sysop_art_replaces_the_welcome_without_a_restart(offline_board: Any) -> None:
    folder: Path = offline_board.settings.art_dir
    for lib in _libraries(offline_board):
        lib.interval = 0  # look at the folder on every call (the board's default is seconds)
    first = await _welcome(offline_board, 80)
    assert "SYSOP WAS HERE" not in first
    path = folder / "welcome.ans"
    _write(path, b"\x1b[1;32m\xdb\xdb SYSOP WAS HERE \xdb\xdb\x1b[0m\r\n\x1a" + _sauce(20))
    second = await _welcome(offline_board, 80)
    assert "██ SYSOP WAS HERE ██" in second
    _write(path, b"\x1b[1;31m\xdb\xdb CHANGED AGAIN, LONGER \xdb\xdb\x1b[0m\r\n\x1a" + _sauce(26))
    third = await _welcome(offline_board, 80)
    assert "CHANGED AGAIN" in third and "SYSOP WAS HERE" not in third
    _write(path, None)
    fourth = await _welcome(offline_board, 80)
    assert "CHANGED AGAIN" not in fourth


ICE_WELCOME = b"\x1b[0;1;5;33;44m HOT \x1b[0m\r\n\x1a"


@pytest.mark.parametrize(
    ("term_type", "want", "never"),
    [
        ("xterm", b"\x1b[0;1;33;104m HOT ", [b"?33h", b"5;33"]),  # a bright background
        ("syncterm", b"\x1b[?33h\x1b[0;1;5;33;44m HOT ", [b";104m"]),  # SyncTERM's iCE mode
        ("ansi-bbs", b"\x1b[0;1;33;44m HOT ", [b"?33h", b"5;33", b";104m"]),  # not bright
    ],
)
async def test_ice_colours_per_terminal(
    offline_board: Any, term_type: str, want: bytes, never: list[bytes]
) -> None:
    for lib in _libraries(offline_board):
        lib.interval = 0
    record = bytearray(_sauce(5))
    record[105] = 0x01  # TFlags: iCE colours
    _write(offline_board.settings.art_dir / "welcome.ans", ICE_WELCOME + bytes(record))
    caller = FakeCaller(offline_board)
    caller.term.set_term_type(term_type)  # before the session's first write
    try:
        await caller.wait_for("Handle:")
    finally:
        await caller.hangup()
    out = bytes(caller.term.output)
    assert want in out, out[:300]
    for bad in never:
        assert bad not in out, bad
