"""The key decoder against random and malformed bytes, in both encodings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retroboard.term.events import Key
from retroboard.term.keys import MAX_SEQ, KeyDecoder
from tests.fuzz import FUZZ
from tests.helpers.keynames import NAMED

# Partial character (UTF-8: up to 3 bytes) plus the longest escape sequence held.
MAX_BUFFERED = MAX_SEQ + 1 + 3

# Pieces that make escape-sequence parsing interesting: introducers, parameters, finals,
# every form of Enter, half UTF-8 characters, C1 controls, and plain noise.
PIECES = st.one_of(
    st.binary(max_size=16),
    st.sampled_from(
        [
            b"\x1b",
            b"\x1b[",
            b"\x1bO",
            b"\x1b[[",
            b"[",
            b"O",
            b"~",
            b";",
            b"\r",
            b"\n",
            b"\r\n",
            b"\r\x00",
            b"\x7f",
            b"\x08",
            b"\x00",
            b"\xc2",
            b"\xe2\x82",
            b"\xf0\x9f\x98",
            b"\xc2\x9b",
            b"\xff",
        ]
    ),
    st.integers(0x30, 0x3F).map(lambda b: bytes([b]) * 5),  # parameter bytes
    st.integers(0x20, 0x2F).map(lambda b: bytes([b])),  # intermediates
    st.integers(0x40, 0x7E).map(lambda b: bytes([b])),  # finals
    st.integers(1, 300).map(lambda n: b"\x1b[" + b"1" * n),  # endless parameters
    st.text(max_size=8).map(lambda t: t.encode()),
)
STREAMS = st.lists(PIECES, max_size=40).map(b"".join)
ENCODINGS = st.sampled_from(["utf-8", "cp437"])


def well_formed(keys: list[Key]) -> None:
    for key in keys:
        assert isinstance(key, Key)
        assert key.is_char or key.name in NAMED, key


@FUZZ
@given(STREAMS, ENCODINGS)
def test_any_bytes_give_only_keys_and_a_bounded_buffer(data: bytes, encoding: str) -> None:
    dec = KeyDecoder(encoding)
    keys = []
    for i in range(0, len(data), 7):
        keys += dec.feed(data[i : i + 7])
        assert dec.buffered <= MAX_BUFFERED
    keys += dec.flush()
    assert not dec.pending_escape
    well_formed(keys)


@FUZZ
@given(STREAMS, ENCODINGS, st.lists(st.integers(0, 4096), max_size=12))
def test_feeding_in_pieces_is_feeding_at_once(data: bytes, encoding: str, cuts: list[int]) -> None:
    """However the bytes are split into packets, the keys are the same (the ESC timer, which
    flushes between packets, is not part of this: it only fires after a pause)."""
    whole = KeyDecoder(encoding)
    expected = whole.feed(data) + whole.flush()
    pieces = KeyDecoder(encoding)
    got: list[Key] = []
    start = 0
    for cut in sorted({min(c, len(data)) for c in cuts}) + [len(data)]:
        got += pieces.feed(data[start:cut])
        start = cut
    got += pieces.flush()
    assert got == expected


@FUZZ
@given(st.binary(max_size=2048), ENCODINGS, st.sampled_from(["utf-8", "cp437"]))
def test_switching_encoding_midway_never_raises(data: bytes, first: str, second: str) -> None:
    dec = KeyDecoder(first)
    keys = dec.feed(data[: len(data) // 2])
    dec.set_encoding(second)
    keys += dec.feed(data[len(data) // 2 :]) + dec.flush()
    well_formed(keys)
    assert not dec.pending_escape and dec.buffered <= 3  # at most half a character
