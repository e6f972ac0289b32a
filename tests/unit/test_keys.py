"""The one key decoder every transport shares."""

from __future__ import annotations

import os

import pytest

from retroboard.term.events import Key
from retroboard.term.keys import MAX_SEQ, KeyDecoder
from tests.helpers.keynames import NAMED


def names(data: bytes, encoding: str = "utf-8") -> list[str]:
    dec = KeyDecoder(encoding)
    out = dec.feed(data) + dec.flush()
    return [k.name for k in out]


def test_printable_text() -> None:
    assert names(b"Hi!") == ["H", "i", "!"]


@pytest.mark.parametrize("enter", [b"\r\n", b"\r\x00", b"\r", b"\n"])
def test_every_form_of_enter_is_one_enter(enter: bytes) -> None:
    assert names(b"a" + enter + b"b") == ["a", "enter", "b"]


def test_cr_lf_split_across_packets_is_one_enter() -> None:
    dec = KeyDecoder()
    assert [k.name for k in dec.feed(b"x\r")] == ["x", "enter"]
    assert [k.name for k in dec.feed(b"\ny")] == ["y"]


def test_two_bare_crs_are_two_enters() -> None:
    assert names(b"\r\r") == ["enter", "enter"]


@pytest.mark.parametrize("code", [b"\x7f", b"\x08"])
def test_backspace_as_del_or_bs(code: bytes) -> None:
    assert names(code) == ["backspace"]


@pytest.mark.parametrize(
    "seq,name",
    [
        (b"\x1b[A", "up"),
        (b"\x1b[B", "down"),
        (b"\x1b[C", "right"),
        (b"\x1b[D", "left"),
        (b"\x1bOA", "up"),
        (b"\x1b[H", "home"),
        (b"\x1b[F", "end"),
        (b"\x1b[1~", "home"),
        (b"\x1b[4~", "end"),
        (b"\x1b[5~", "pgup"),
        (b"\x1b[6~", "pgdn"),
        (b"\x1b[3~", "delete"),
        (b"\x1b[2~", "insert"),
        (b"\x1bOP", "f1"),
        (b"\x1bOS", "f4"),
        (b"\x1b[11~", "f1"),
        (b"\x1b[14~", "f4"),
        (b"\x1b[[A", "f1"),
        (b"\x1b[1;5C", "right"),
    ],
)
def test_escape_sequences(seq: bytes, name: str) -> None:
    assert names(seq) == [name]


def test_sequence_split_across_packets() -> None:
    dec = KeyDecoder()
    assert dec.feed(b"\x1b") == []
    assert dec.pending_escape
    assert dec.feed(b"[") == []
    assert dec.feed(b"B") == [Key("down")]
    assert not dec.pending_escape


def test_lone_escape_after_flush() -> None:
    dec = KeyDecoder()
    assert dec.feed(b"\x1b") == []
    assert dec.flush() == [Key("escape")]


def test_escape_then_letter_is_escape_and_letter() -> None:
    assert names(b"\x1bx") == ["escape", "x"]


def test_utf8_split_across_packets() -> None:
    dec = KeyDecoder()
    data = "é€".encode()
    out = []
    for i in range(len(data)):
        out += dec.feed(data[i : i + 1])
    assert [k.name for k in out] == ["é", "€"]


def test_invalid_utf8_is_dropped_not_raised() -> None:
    assert names(b"a\xff\xfe\xc3b") == ["a", "b"]


def test_cp437_box_characters() -> None:
    assert names(b"\xc9\xcd", "cp437") == ["╔", "═"]


def test_control_keys_have_names() -> None:
    assert names(b"\x01\x1a\x09") == ["ctrl-a", "ctrl-z", "tab"]


def test_c1_controls_and_nul_never_become_keys() -> None:
    assert names("a\x85\x9bb".encode() + b"\x00") == ["a", "b"]


def test_garbage_never_raises_and_yields_only_known_keys() -> None:
    dec = KeyDecoder()
    rnd = os.urandom(20000)
    keys = []
    for i in range(0, len(rnd), 97):
        keys += dec.feed(rnd[i : i + 97])
    keys += dec.flush()
    for k in keys:
        assert k.is_char or k.name in NAMED or k.name.startswith("ctrl-")
    assert not any(len(k.name) == 1 and not k.name.isprintable() for k in keys)


def test_unfinished_sequence_longer_than_limit_is_dropped() -> None:
    dec = KeyDecoder()
    dec.feed(b"\x1b[" + b"1" * 100)
    assert not dec.pending_escape


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"\x1b[1\x1b[A", ["up"]),  # an ESC inside a sequence starts a new one
        (b"\x1b[12\r", ["enter"]),  # an Enter inside one is still an Enter
        (b"\x1bO\rx", ["enter", "x"]),
        (b"\x1b[1;5\x01", ["ctrl-a"]),
        (b"\x1b[1;\xc3\xa9A", ["A"]),  # printable garbage inside a sequence is dropped
    ],
)
def test_a_broken_sequence_resynchronises_at_once(data: bytes, expected: list[str]) -> None:
    assert names(data) == expected


def test_endless_parameters_are_capped_and_the_stream_goes_on() -> None:
    dec = KeyDecoder()
    keys = dec.feed(b"\x1b[" + b"1" * 10_000 + b"\r\x1b[B")
    assert dec.buffered <= MAX_SEQ + 1
    assert [k.name for k in keys][-2:] == ["enter", "down"]
    assert all(k.name == "1" for k in keys[:-2])


def test_buffered_counts_a_partial_character_and_a_pending_sequence() -> None:
    dec = KeyDecoder()
    dec.feed("€".encode()[:2])
    assert dec.buffered == 2
    dec.feed("€".encode()[2:] + b"\x1b[1")
    assert dec.buffered == 3 and dec.pending_escape
