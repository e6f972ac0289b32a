"""What reaches the wire for each character set."""

from __future__ import annotations

from retroboard.term.codec import encode


def test_utf8_passes_everything() -> None:
    assert encode("╔═ Ünïcödé … ═╗", "utf-8") == "╔═ Ünïcödé … ═╗".encode()


def test_cp437_box_and_block_characters_are_native() -> None:
    assert encode("╔═╗█▓▒░", "cp437") == bytes([0xC9, 0xCD, 0xBB, 0xDB, 0xB2, 0xB1, 0xB0])


def test_cp437_typography_gets_stand_ins() -> None:
    assert encode("Wait… “quoted” — ‘ok’", "cp437") == b"Wait... \"quoted\" - 'ok'"


def test_cp437_unknown_becomes_question_mark_never_control_bytes() -> None:
    out = encode("☺ 日本 ♥", "cp437")
    assert out == b"? ?? ?"
    assert not any(b < 0x20 for b in out)


def test_cp437_nbsp_is_byte_ff() -> None:
    assert encode("\u00a0", "cp437") == b"\xff"
