"""ui.art_html: ANSI art as an HTML fragment, every character escaped, colours as classes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retroboard.ui.art import Art, Style, default_art_dir, load_art
from retroboard.ui.art_html import art_html, style_classes
from tests.helpers.html_snapshot import check_html

REPO = Path(__file__).resolve().parents[2]
PACKAGED = sorted(default_art_dir().glob("*.ans"))

# The whole grammar of the output: one <pre>, spans with only class names, escaped text.
TEXT = r"(?:[^<>&\"'\x00-\x1f\x7f-\x9f]|&(?:lt|gt|amp|quot|#x27);)"
CLASS = r"(?:fg(?:[0-689]|1[0-5])|bg(?:[1-9]|1[0-5])|blink|ul)"
FRAGMENT = re.compile(
    rf'<pre class="art(?: ice)?" role="img"(?: aria-label="{TEXT}*")?>'
    rf'(?:{TEXT}|\n|<span class="{CLASS}(?: {CLASS})*">{TEXT}+</span>)*</pre>'
)
TAG = re.compile(r"<[^>]*>")


def _shared(sub: str) -> Path:
    """Shared test data: beside the checkout (as in CI) or at /work/shared; skip when absent."""
    for base in (REPO.parent / "shared" / "testdata", Path("/work/shared/testdata")):
        if (base / sub).is_dir():
            return base / sub
    pytest.skip(f"shared test data {sub}/ not available")


def assert_inert(fragment: str, art: Art) -> None:
    """The fragment is exactly the grammar above, and its text is the art's cells."""
    if not art.rows:
        assert fragment == ""
        return
    assert FRAGMENT.fullmatch(fragment), fragment[:300]
    outside = TAG.sub("", fragment)
    assert "<" not in outside and ">" not in outside
    assert not re.search(r"&(?!(?:lt|gt|amp|quot|#x27);)", outside)
    assert "style=" not in fragment and "href" not in fragment and "<script" not in fragment


def cells_text(art: Art) -> str:
    return "\n".join("".join(ch for ch, _ in row) for row in art.rows)


# ---- classes -------------------------------------------------------------------------------


def test_default_style_has_no_classes() -> None:
    assert style_classes(Style(), ice=False) == ""
    assert style_classes(Style(fg=7, bg=0), ice=False) == ""


@pytest.mark.parametrize(
    ("style", "ice", "want"),
    [
        (Style(fg=1), False, "fg1"),
        (Style(fg=1, bold=True), False, "fg9"),
        (Style(bold=True), False, "fg15"),  # bold default grey is white
        (Style(bg=4), False, "bg4"),
        (Style(fg=0, bg=7), False, "fg0 bg7"),
        (Style(blink=True, bg=4), False, "bg4 blink"),  # no iCE: blink blinks
        (Style(blink=True, bg=4), True, "bg12"),  # iCE: blink is a bright background
        (Style(blink=True), True, "bg8"),
        (Style(reverse=True), False, "fg0 bg7"),  # reverse swaps grey on black
        (Style(reverse=True, fg=2, bg=1, bold=True), False, "fg1 bg10"),
        (Style(underline=True, fg=3), False, "fg3 ul"),
    ],
)
def test_style_classes(style: Style, ice: bool, want: str) -> None:
    assert style_classes(style, ice) == want


def test_runs_of_one_style_share_a_span_and_text_is_escaped() -> None:
    art = Art.from_bytes(b"\x1b[31m<a&b>\x1b[0m \"q'\r\n\x1b[1;44mX")
    out = art_html(art, label="t")
    assert out == (
        '<pre class="art" role="img" aria-label="t"><span class="fg1">&lt;a&amp;b&gt;</span>'
        ' &quot;q&#x27;\n<span class="fg15 bg4">X</span></pre>'
    )
    assert_inert(out, art)


def test_ice_art_is_marked_and_blink_becomes_bright_background() -> None:
    sauce = bytearray(128)
    sauce[:7] = b"SAUCE00"
    sauce[94] = 1  # datatype: character
    sauce[95] = 1  # filetype: ANSi
    sauce[96:98] = (80).to_bytes(2, "little")
    sauce[105] = 1  # TFlags: iCE colours
    art = Art.from_bytes(b"\x1b[5;41mhot\x1b[0m\x1a" + bytes(sauce))
    assert art.ice
    out = art_html(art)
    assert out.startswith('<pre class="art ice"')
    assert '<span class="bg9">hot</span>' in out
    assert "blink" not in out


def test_empty_art_gives_nothing() -> None:
    assert art_html(Art.from_bytes(b"")) == ""
    assert art_html(Art.from_bytes(b"\x1b[2J\x1b[0m")) == ""


def test_label_is_the_sauce_title_else_the_name_and_is_escaped() -> None:
    art = Art.from_bytes(b"hi", name="welcome")
    assert 'aria-label="welcome"' in art_html(art)
    assert 'aria-label="&lt;b&gt; &amp; &quot;x&quot;"' in art_html(art, label='<b> & "x"')


def test_a_hand_made_art_with_controls_and_invisibles_is_still_inert() -> None:
    rows = ((("\x1b", Style()), ("\u202e", Style()), ("\u200b", Style()), ("\x85", Style())),)
    art = Art("x", "", None, 4, 1, rows)
    out = art_html(art)
    assert_inert(out, art)
    assert "\x1b" not in out and "\u202e" not in out and "\u200b" not in out


# ---- real art ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PACKAGED, ids=[p.stem for p in PACKAGED])
def test_packaged_art(path: Path) -> None:
    art = load_art(path)
    out = art_html(art)
    assert_inert(out, art)
    assert html.unescape(TAG.sub("", out)) == cells_text(art)


@pytest.mark.parametrize(
    "name",
    [
        "burps/bs-alove.ans",
        "burps/bs-ansilove.ans",
        "cleaner/cl!-al02.ans",  # no SAUCE
        "cleaner/cl!-al05.ans",  # CP437 glyphs in the control range
        "nail/n-silove.ans",
    ],
)
def test_ansilove_examples(name: str) -> None:
    path = _shared("ansilove-examples") / name
    art = load_art(path)
    out = art_html(art)
    assert_inert(out, art)
    assert html.unescape(TAG.sub("", out)) == cells_text(art)
    assert out.count("<span") > 10  # real colour art: many runs
    if name.endswith("al05.ans"):
        assert any(g in out for g in "☻♥♬▬")  # bytes 0x02, 0x03, 0x16 drawn as glyphs


@pytest.mark.parametrize(
    "name", ["sauce.txt", "sauce-nocomnt.txt", "error-truncated-record.txt", "empty-id-only.txt"]
)
def test_sauce_edge_cases(name: str) -> None:
    path = _shared("sauce-testfiles") / name
    art = load_art(path)
    out = art_html(art)
    assert_inert(out, art)
    text = html.unescape(TAG.sub("", out))
    assert text == cells_text(art)
    assert "SAUCE00" not in text  # the record (whole, cut off or only its ID) is not art
    if name == "sauce.txt":
        assert "COMNT" not in text  # nor the comment block before it


def test_welcome_snapshot() -> None:
    """The HTML of the board's own welcome art, kept (tests/snapshots/web/welcome-art.html)."""
    art = load_art(default_art_dir() / "welcome.ans")
    check_html("welcome-art", art_html(art, label="retroboard: welcome") + "\n")


# ---- any input -----------------------------------------------------------------------------

_ESCAPES = st.sampled_from(
    [b"\x1b[", b"\x1b[0m", b"\x1b[1;31;44m", b"\x1b[5m", b"\x1b[7m", b"\x1b]0;x\x07", b"\x1a"]
)
_HOSTILE = st.sampled_from([b"<script>", b"</pre>", b"&amp;", b"&", b"<", b">", b'"', b"'"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=40), _ESCAPES, _HOSTILE), max_size=30))
def test_any_bytes_give_inert_html(chunks: list[bytes]) -> None:
    art = Art.from_bytes(b"".join(chunks))
    out = art_html(art)
    assert_inert(out, art)


_STYLES = st.builds(
    Style,
    bold=st.booleans(),
    underline=st.booleans(),
    blink=st.booleans(),
    reverse=st.booleans(),
    fg=st.one_of(st.none(), st.integers(0, 7)),
    bg=st.one_of(st.none(), st.integers(0, 7)),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.tuples(st.characters(), _STYLES), max_size=12), max_size=6),
    st.text(max_size=20),
)
def test_any_cells_give_inert_html(rows: list[list[tuple[str, Style]]], label: str) -> None:
    art = Art("x", "", None, 0, len(rows), tuple(tuple(r) for r in rows))
    out = art_html(art, label=label)
    if not rows:
        assert out == ""
        return
    assert FRAGMENT.fullmatch(out), out[:300]
    outside = TAG.sub("", out)
    assert "<" not in outside and not re.search(r"&(?!(?:lt|gt|amp|quot|#x27);)", outside)
